import { Routes } from '@angular/router';

import { HomePage } from './home.page';

export const HOME_ROUTES: Routes = [{ path: '', component: HomePage, title: 'DirectDriveX — send big files, share one link' }];
