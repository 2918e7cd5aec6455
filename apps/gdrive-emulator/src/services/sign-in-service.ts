import { randomInt } from 'node:crypto';
import type { OAuthClientInput, SignInUserInput } from '../config/emulator-config';
import { randomToken } from '../core/ids';
import type { EmulatorState } from '../state/emulator-state';
import type { OAuthClientRecord, SignInUser } from '../state/types';
import { InputError } from './input-error';

/** Users who can "sign in with Google" and the OAuth clients they sign in to. */
export class SignInService {
  constructor(private readonly state: EmulatorState) {}

  users(): SignInUser[] {
    return [...this.state.users.values()];
  }

  findUserByEmail(email: string): SignInUser | undefined {
    const wanted = email.trim().toLowerCase();
    return this.users().find((u) => u.email.toLowerCase() === wanted);
  }

  addUser(input: SignInUserInput, fromConfig = false): SignInUser {
    if (!input || typeof input.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(input.email)) {
      throw new InputError('user email is required');
    }
    if (this.findUserByEmail(input.email)) throw new InputError(`user ${input.email} already exists`, 409);
    const sub = input.sub ?? String(randomInt(100000000, 999999999)) + String(randomInt(100000000000, 999999999999));
    if (this.state.users.has(sub)) throw new InputError(`user sub ${sub} already exists`, 409);
    const user: SignInUser = {
      sub,
      email: input.email,
      emailVerified: input.email_verified ?? true,
      name: input.name ?? input.email.split('@')[0],
      picture: input.picture ?? null,
      fromConfig,
    };
    this.state.users.set(sub, user);
    this.state.changed();
    return user;
  }

  clients(): OAuthClientRecord[] {
    return [...this.state.oauthClients.values()];
  }

  addClient(input: OAuthClientInput, fromConfig = false): OAuthClientRecord {
    const redirectUris = input.redirect_uris ?? [];
    if (!Array.isArray(redirectUris) || redirectUris.some((u) => typeof u !== 'string')) {
      throw new InputError('redirect_uris must be an array of strings');
    }
    const clientId = input.client_id ?? `${randomInt(100000000000, 999999999999)}-signin.apps.googleusercontent.com`;
    const clientSecret = input.client_secret ?? `GOCSPX-${randomToken(21)}`;
    const existing = this.state.oauthClients.get(clientId);
    if (existing) {
      if (existing.clientSecret !== clientSecret) throw new InputError(`OAuth client ${clientId} already exists with another secret`, 409);
      // Registering an account's client for sign-in too: merge the redirect URIs.
      existing.redirectUris = [...new Set([...existing.redirectUris, ...redirectUris])];
      this.state.changed();
      return existing;
    }
    const client: OAuthClientRecord = { clientId, clientSecret, redirectUris, fromConfig };
    this.state.oauthClients.set(clientId, client);
    this.state.changed();
    return client;
  }
}
