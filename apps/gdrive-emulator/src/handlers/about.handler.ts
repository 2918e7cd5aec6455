import { fieldSchema, parseFields, projectFields } from '../core/fields-projection';
import { googleErrors } from '../core/google-error';
import { requireAccount, type ApiContext } from '../http/api-context';

const ABOUT_SCHEMA = fieldSchema([
  'kind', 'user', 'storageQuota', 'maxUploadSize', 'importFormats', 'exportFormats', 'appInstalled',
  'canCreateDrives', 'maxImportSizes', 'folderColorPalette', 'driveThemes', 'canCreateTeamDrives',
  'teamDriveThemes',
]);

/** `GET /drive/v3/about`: `fields` is mandatory; int64 quota values are decimal strings. */
export async function getAbout(ctx: ApiContext): Promise<void> {
  const account = requireAccount(ctx);
  const fields = ctx.ex.query('fields');
  if (!fields) throw googleErrors.required('fields', "The 'fields' parameter is required for this method.");
  const selection = parseFields(fields);
  const usage = ctx.services.accounts.usage(account);
  const about = {
    kind: 'drive#about',
    user: {
      kind: 'drive#user',
      displayName: account.displayName,
      emailAddress: account.email,
      me: true,
      permissionId: account.id,
    },
    storageQuota: {
      // Absent for unlimited storage, as Drive does.
      limit: account.limit === null ? undefined : String(account.limit),
      usage: String(usage.usage),
      usageInDrive: String(usage.usageInDrive),
      usageInDriveTrash: String(usage.usageInDriveTrash),
    },
    maxUploadSize: String(5 * 1024 ** 4),
    appInstalled: false,
    canCreateDrives: false,
    importFormats: {},
    exportFormats: {},
    maxImportSizes: {},
  };
  ctx.ex.sendJson(200, projectFields(about, selection, ABOUT_SCHEMA));
}
