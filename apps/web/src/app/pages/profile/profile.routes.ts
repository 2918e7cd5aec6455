import { Routes } from '@angular/router';

import { ProfilePage } from './profile.page';

export const PROFILE_ROUTES: Routes = [{ path: '', component: ProfilePage, title: 'Profile · DirectDriveX' }];
