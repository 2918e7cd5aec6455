import { Routes } from '@angular/router';

import { HowItWorksPage } from './how-it-works.page';

export const HOW_IT_WORKS_ROUTES: Routes = [{ path: '', component: HowItWorksPage, title: 'How it works · DirectDriveX' }];
