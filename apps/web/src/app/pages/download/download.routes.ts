import { Routes } from '@angular/router';

import { DownloadPage } from './download.page';

export const DOWNLOAD_ROUTES: Routes = [{ path: '', component: DownloadPage, title: 'Download · DirectDriveX' }];
