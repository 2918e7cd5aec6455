import { Routes } from '@angular/router';

import { VerifyEmailPage } from './verify-email.page';

export const VERIFY_EMAIL_ROUTES: Routes = [{ path: '', component: VerifyEmailPage, title: 'Confirm your e-mail · DirectDriveX' }];
