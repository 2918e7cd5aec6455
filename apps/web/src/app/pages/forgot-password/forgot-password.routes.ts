import { Routes } from '@angular/router';

import { ForgotPasswordPage } from './forgot-password.page';

export const FORGOT_PASSWORD_ROUTES: Routes = [{ path: '', component: ForgotPasswordPage, title: 'Forgot password · DirectDriveX' }];
