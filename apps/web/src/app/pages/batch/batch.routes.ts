import { Routes } from '@angular/router';

import { BatchPage } from './batch.page';

export const BATCH_ROUTES: Routes = [{ path: '', component: BatchPage, title: 'Shared files · DirectDriveX' }];
