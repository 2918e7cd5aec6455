import { Permission } from '@ddx/contracts';
import { SetMetadata } from '@nestjs/common';

export const REQUIRED_PERMISSIONS_KEY = 'ddx:required-permissions';

/**
 * Permissions an admin route needs, checked by AdminAuthGuard (on the
 * handler, the controller, or both — they add up):
 *
 *   @UseGuards(AdminAuthGuard)
 *   @RequirePermissions(Permission.manageStorage)
 */
export const RequirePermissions = (...permissions: Permission[]) => SetMetadata(REQUIRED_PERMISSIONS_KEY, permissions);
