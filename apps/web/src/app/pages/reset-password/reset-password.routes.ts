import { Routes } from '@angular/router';

import { ResetPasswordPage } from './reset-password.page';

export const RESET_PASSWORD_ROUTES: Routes = [{ path: '', component: ResetPasswordPage, title: 'Reset password · DirectDriveX' }];
