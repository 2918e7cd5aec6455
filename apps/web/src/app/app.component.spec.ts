import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { AppComponent } from './app.component';
import { USER_TOKEN_STORAGE_KEY } from './core/user-session';

describe('AppComponent (layout shell)', () => {
  function render() {
    TestBed.configureTestingModule({
      imports: [AppComponent],
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
    const fixture = TestBed.createComponent(AppComponent);
    fixture.detectChanges();
    return fixture.nativeElement as HTMLElement;
  }
  const links = (el: Element | null) => Array.from(el?.querySelectorAll('a') ?? []).map((a) => [a.textContent?.trim(), a.getAttribute('href')]);

  afterEach(() => localStorage.clear());

  it('has a header, a main landmark, toasts and a footer with real links', () => {
    const el = render();
    expect(el.querySelector('header')?.textContent).toContain('DirectDriveX');
    expect(el.querySelector('main#main router-outlet')).not.toBeNull();
    expect(el.querySelector('ui-toasts [aria-live]')).not.toBeNull();
    expect(links(el.querySelector('footer'))).toEqual(
      expect.arrayContaining([
        ['How it works', '/how-it-works'],
        ['API documentation', '/api/docs'],
        ['Sign in', '/login'],
        ['Create an account', '/register'],
      ]),
    );
  });

  it('offers the dashboard and profile instead of sign-in when signed in', () => {
    localStorage.setItem(USER_TOKEN_STORAGE_KEY, 'a.b.c');
    const el = render();
    const nav = links(el.querySelector('header nav'));
    expect(nav).toEqual(expect.arrayContaining([['My files', '/dashboard'], ['Profile', '/profile']]));
    expect(nav.map(([t]) => t)).not.toContain('Sign in');
    expect(el.querySelector('[data-testid="sign-out"]')).not.toBeNull();
  });
});
