import { fakeAsync, TestBed, tick } from '@angular/core/testing';

import { UiToastsComponent } from './toasts.component';
import { UiToastService } from './toast.service';

describe('UiToastService + <ui-toasts>', () => {
  it('shows toasts in a live region, dismisses them on click and after a while', fakeAsync(() => {
    const fixture = TestBed.createComponent(UiToastsComponent);
    const toasts = TestBed.inject(UiToastService);
    const el = fixture.nativeElement as HTMLElement;
    toasts.success('Link copied.');
    toasts.error('Could not delete.');
    fixture.detectChanges();
    expect(el.querySelector('[aria-live="polite"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="toast-success"]')?.textContent).toContain('Link copied.');
    (el.querySelector('[data-testid="toast-error"] button') as HTMLButtonElement).click();
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="toast-error"]')).toBeNull();
    tick(4000);
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="toast-success"]')).toBeNull();
    tick(10_000);
  }));
});
