import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { HomePage } from './home.page';

describe('HomePage', () => {
  function setup() {
    TestBed.configureTestingModule({ imports: [HomePage], providers: [provideHttpClient(), provideHttpClientTesting()] });
    const fixture = TestBed.createComponent(HomePage);
    fixture.detectChanges();
    return { fixture, http: TestBed.inject(HttpTestingController) };
  }
  const status = (f: ReturnType<typeof setup>['fixture']) =>
    (f.nativeElement as HTMLElement).querySelector('[data-testid="service-status"]')?.textContent?.trim();

  it('reports operational when the api is healthy', () => {
    const { fixture, http } = setup();
    expect(status(fixture)).toBe('Checking service status…');
    http.expectOne('/api/v1/health').flush({ status: 'ok', mongo: 'up', redis: 'up' });
    fixture.detectChanges();
    expect(status(fixture)).toBe('All systems operational');
  });

  it('reports degraded on a 503 health body', () => {
    const { fixture, http } = setup();
    http.expectOne('/api/v1/health').flush({ status: 'degraded', mongo: 'up', redis: 'down' }, { status: 503, statusText: 'Unavailable' });
    fixture.detectChanges();
    expect(status(fixture)).toContain('degraded');
  });

  it('reports unreachable when the request fails', () => {
    const { fixture, http } = setup();
    http.expectOne('/api/v1/health').error(new ProgressEvent('error'), { status: 0 });
    fixture.detectChanges();
    expect(status(fixture)).toBe('The service cannot be reached');
  });
});
