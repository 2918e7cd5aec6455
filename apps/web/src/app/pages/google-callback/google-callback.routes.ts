import { Routes } from '@angular/router';

import { GoogleCallbackPage } from './google-callback.page';

export const GOOGLE_CALLBACK_ROUTES: Routes = [{ path: '', component: GoogleCallbackPage, title: 'Signing in · DirectDriveX' }];
