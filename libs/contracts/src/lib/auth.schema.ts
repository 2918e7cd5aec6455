import { z } from 'zod';

import { permissionSchema, roleSchema } from './permissions';

/** Passwords are capped so nobody can make the server hash megabytes. */
export const PASSWORD_MAX_LENGTH = 256;
/** Floor of the password policy; the admin setting can only raise it. */
export const PASSWORD_MIN_LENGTH_FLOOR = 8;

const email = z
  .email({ message: 'must be an e-mail address' })
  .max(254)
  .transform((v) => v.toLowerCase());
const password = z.string().min(1).max(PASSWORD_MAX_LENGTH);
const isoDate = z.iso.datetime();

export const accountStatusSchema = z.enum(['active', 'suspended', 'banned']);
export type AccountStatus = z.infer<typeof accountStatusSchema>;

// ---------------------------------------------------------------- requests

/** Self-registration takes exactly these two fields; anything else is a 400. */
export const registerRequestSchema = z
  .strictObject({
    email,
    password,
  })
  .meta({ id: 'RegisterRequest' });
export type RegisterRequest = z.input<typeof registerRequestSchema>;

/**
 * OAuth2 password grant (form: `username`, `password`, optional
 * `grant_type=password`, `scope`, `client_id`) or JSON with `email` instead
 * of `username`. Extra OAuth2 fields are accepted and ignored.
 */
export const tokenRequestSchema = z
  .object({
    username: z.string().max(254).optional(),
    email: z.string().max(254).optional(),
    password,
    grant_type: z.literal('password').optional(),
    scope: z.string().max(200).optional(),
    client_id: z.string().max(200).optional(),
  })
  .refine((v) => v.username !== undefined || v.email !== undefined, { message: 'username (or email) is required', path: ['username'] })
  .meta({ id: 'TokenRequest' });
export type TokenRequest = z.input<typeof tokenRequestSchema>;

export const changePasswordRequestSchema = z
  .strictObject({
    current_password: password,
    new_password: password,
  })
  .meta({ id: 'ChangePasswordRequest' });
export type ChangePasswordRequest = z.input<typeof changePasswordRequestSchema>;

export const forgotPasswordRequestSchema = z.strictObject({ email }).meta({ id: 'ForgotPasswordRequest' });
export type ForgotPasswordRequest = z.input<typeof forgotPasswordRequestSchema>;

export const resetPasswordRequestSchema = z
  .strictObject({
    token: z.string().min(32).max(128),
    new_password: password,
  })
  .meta({ id: 'ResetPasswordRequest' });
export type ResetPasswordRequest = z.input<typeof resetPasswordRequestSchema>;

export const verifyEmailRequestSchema = z
  .strictObject({
    token: z.string().min(32).max(128),
  })
  .meta({ id: 'VerifyEmailRequest' });
export type VerifyEmailRequest = z.input<typeof verifyEmailRequestSchema>;

export const googleCallbackRequestSchema = z
  .strictObject({
    code: z.string().min(1).max(2048),
    state: z.string().min(16).max(256),
  })
  .meta({ id: 'GoogleCallbackRequest' });
export type GoogleCallbackRequest = z.input<typeof googleCallbackRequestSchema>;

export const adminTokenRequestSchema = z
  .object({
    email: z.string().max(254).optional(),
    username: z.string().max(254).optional(),
    password,
  })
  .refine((v) => v.username !== undefined || v.email !== undefined, { message: 'email is required', path: ['email'] })
  .meta({ id: 'AdminTokenRequest' });
export type AdminTokenRequest = z.input<typeof adminTokenRequestSchema>;

export const createAdminRequestSchema = z
  .strictObject({
    email,
    password,
    role: z.enum(['admin', 'superadmin']),
  })
  .meta({ id: 'CreateAdminRequest' });
export type CreateAdminRequest = z.input<typeof createAdminRequestSchema>;

// --------------------------------------------------------------- responses

export const messageResponseSchema = z.object({ message: z.string() }).meta({ id: 'MessageResponse' });
export type MessageResponse = z.infer<typeof messageResponseSchema>;

/**
 * Registration answers the same whether or not the address already has an
 * account (the e-mail that follows tells the owner which it was).
 */
export const registerResponseSchema = messageResponseSchema.meta({ id: 'RegisterResponse' });
export type RegisterResponse = z.infer<typeof registerResponseSchema>;

export const tokenResponseSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal('bearer'),
    expires_in: z.number().int().describe('Seconds until the token expires'),
  })
  .meta({ id: 'TokenResponse' });
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** A password change ends every other session; the caller continues with this new token. */
export const changePasswordResponseSchema = tokenResponseSchema
  .extend({ message: z.string() })
  .meta({ id: 'ChangePasswordResponse' });
export type ChangePasswordResponse = z.infer<typeof changePasswordResponseSchema>;

/** What anyone may see about their own account; never a hash. */
export const userProfileSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: roleSchema,
    status: accountStatusSchema,
    name: z.string().nullable(),
    picture: z.string().nullable(),
    has_password: z.boolean(),
    google_linked: z.boolean(),
    email_verified: z.boolean().describe('The owner proved the address (e-mailed link or Google); admin roles need it'),
    created_at: isoDate,
    last_login_at: isoDate.nullable(),
  })
  .meta({ id: 'UserProfile' });
export type UserProfile = z.infer<typeof userProfileSchema>;

export const FILE_CATEGORIES = ['documents', 'images', 'videos', 'audio', 'other'] as const;
export type FileCategory = (typeof FILE_CATEGORIES)[number];

const categoryUsage = z.object({ bytes: z.number().int(), count: z.number().int() });

export const storageUsageSchema = z
  .object({
    used_bytes: z.number().int().describe('Sum of the sizes of completed files'),
    quota_bytes: z.number().int(),
    remaining_bytes: z.number().int().describe('quota - used, never negative'),
    file_count: z.number().int().describe('Completed files'),
    breakdown: z.object({
      documents: categoryUsage,
      images: categoryUsage,
      videos: categoryUsage,
      audio: categoryUsage,
      other: categoryUsage,
    }),
  })
  .meta({ id: 'StorageUsage' });
export type StorageUsage = z.infer<typeof storageUsageSchema>;

export const meResponseSchema = userProfileSchema
  .extend({
    member_since: isoDate,
    storage: storageUsageSchema,
  })
  .meta({ id: 'MeResponse' });
export type MeResponse = z.infer<typeof meResponseSchema>;

export const googleAuthUrlResponseSchema = z.object({ auth_url: z.string() }).meta({ id: 'GoogleAuthUrlResponse' });
export type GoogleAuthUrlResponse = z.infer<typeof googleAuthUrlResponseSchema>;

export const googleSignInResponseSchema = tokenResponseSchema
  .extend({
    user: z.object({ email: z.string(), name: z.string().nullable(), picture: z.string().nullable() }),
  })
  .meta({ id: 'GoogleSignInResponse' });
export type GoogleSignInResponse = z.infer<typeof googleSignInResponseSchema>;

export const adminProfileSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: roleSchema,
    permissions: z.array(permissionSchema),
    created_at: isoDate,
    last_login_at: isoDate.nullable(),
  })
  .meta({ id: 'AdminProfile' });
export type AdminProfile = z.infer<typeof adminProfileSchema>;

export const adminTokenResponseSchema = tokenResponseSchema
  .extend({
    admin_role: roleSchema,
    permissions: z.array(permissionSchema),
  })
  .meta({ id: 'AdminTokenResponse' });
export type AdminTokenResponse = z.infer<typeof adminTokenResponseSchema>;

export const verifyAdminResponseSchema = z
  .object({
    valid: z.literal(true),
    admin_email: z.string(),
    admin_role: roleSchema,
    permissions: z.array(permissionSchema),
  })
  .meta({ id: 'VerifyAdminResponse' });
export type VerifyAdminResponse = z.infer<typeof verifyAdminResponseSchema>;
