import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';

import { AppComponent, isAdminPath } from '../../app.component';

@Component({ standalone: true, template: '<p id="page">page</p>' })
class StubPage {}

describe('isAdminPath', () => {
  it.each([
    ['/admin', true],
    ['/admin/users/abc', true],
    ['/admin/login?reason=expired', true],
    ['/administrators', false],
    ['/', false],
    ['/download/admin', false],
  ])('%s → %s', (url, expected) => expect(isAdminPath(url)).toBe(expected));
});

describe('AppComponent layout for the admin area', () => {
  async function renderAt(url: string) {
    TestBed.configureTestingModule({
      imports: [AppComponent],
      providers: [provideRouter([{ path: '**', component: StubPage }]), provideHttpClient(), provideHttpClientTesting()],
    });
    const fixture = TestBed.createComponent(AppComponent);
    const router = TestBed.inject(Router);
    await fixture.ngZone?.run(() => router.navigateByUrl(url));
    fixture.detectChanges();
    return fixture.nativeElement as HTMLElement;
  }

  it('admin pages get the whole width, without the public header and footer', async () => {
    const el = await renderAt('/admin/users');
    expect(el.querySelector('app-site-header')).toBeNull();
    expect(el.querySelector('app-site-footer')).toBeNull();
    const main = el.querySelector('main#main') as HTMLElement;
    expect(main.className).not.toContain('max-w-5xl');
    expect(main.querySelector('#page')).not.toBeNull();
  });

  it('public pages keep the site header, footer and the centred column', async () => {
    const el = await renderAt('/how-it-works');
    expect(el.querySelector('app-site-header')).not.toBeNull();
    expect(el.querySelector('app-site-footer')).not.toBeNull();
    expect((el.querySelector('main#main') as HTMLElement).className).toContain('max-w-5xl');
  });
});
