import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { ApplicationConfig } from '@angular/core';
import { provideRouter, withComponentInputBinding, withInMemoryScrolling } from '@angular/router';

import { adminAuthInterceptor } from './admin/core/admin-auth.interceptor';
import { appRoutes } from './app.routes';
import { maintenanceInterceptor } from './components/maintenance/maintenance.interceptor';
import { userAuthInterceptor } from './core/user-auth.interceptor';

export const appConfig: ApplicationConfig = {
  providers: [
    provideRouter(appRoutes, withComponentInputBinding(), withInMemoryScrolling({ scrollPositionRestoration: 'top', anchorScrolling: 'enabled' })),
    provideHttpClient(withFetch(), withInterceptors([userAuthInterceptor, adminAuthInterceptor, maintenanceInterceptor])),
  ],
};
