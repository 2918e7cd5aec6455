import { Component, signal } from '@angular/core';
import { fakeAsync, TestBed, tick } from '@angular/core/testing';

import { UiConfirmDialogComponent } from './confirm-dialog.component';

@Component({
  standalone: true,
  imports: [UiConfirmDialogComponent],
  template: `
    <button id="opener" type="button" (click)="open.set(true)">Delete</button>
    <ui-confirm-dialog [open]="open()" title="Delete this file?" message="It cannot be undone." confirmLabel="Delete file" (confirmed)="confirmed = confirmed + 1; open.set(false)" (cancelled)="open.set(false)" />
  `,
})
class HostComponent {
  open = signal(false);
  confirmed = 0;
}

describe('UiConfirmDialogComponent', () => {
  function setup() {
    const fixture = TestBed.createComponent(HostComponent);
    document.body.appendChild(fixture.nativeElement);
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const opener = el.querySelector('#opener') as HTMLButtonElement;
    opener.focus();
    opener.click();
    fixture.detectChanges();
    return { fixture, el, opener };
  }

  it('is a labelled modal dialog that starts on Cancel and gives focus back when it closes', fakeAsync(() => {
    const { fixture, el, opener } = setup();
    const dialog = el.querySelector('[role="dialog"]') as HTMLElement;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(el.querySelector(`#${dialog.getAttribute('aria-labelledby')}`)?.textContent).toBe('Delete this file?');
    tick();
    expect(document.activeElement?.getAttribute('data-testid')).toBe('confirm-cancel');

    dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    fixture.detectChanges();
    tick();
    expect(el.querySelector('[role="dialog"]')).toBeNull();
    expect(fixture.componentInstance.confirmed).toBe(0);
    expect(document.activeElement).toBe(opener);
  }));

  it('keeps Tab inside the dialog', fakeAsync(() => {
    const { el } = setup();
    tick();
    const dialog = el.querySelector('[role="dialog"]') as HTMLElement;
    const ok = el.querySelector('[data-testid="confirm-ok"]') as HTMLButtonElement;
    ok.focus();
    const tab = new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true });
    dialog.dispatchEvent(tab);
    expect(tab.defaultPrevented).toBe(true);
    expect(document.activeElement?.getAttribute('data-testid')).toBe('confirm-cancel');
  }));

  it('emits confirmed only from the confirm button', fakeAsync(() => {
    const { fixture, el } = setup();
    tick();
    (el.querySelector('[data-testid="confirm-ok"]') as HTMLButtonElement).click();
    fixture.detectChanges();
    tick();
    expect(fixture.componentInstance.confirmed).toBe(1);
    expect(el.querySelector('[role="dialog"]')).toBeNull();
  }));
});
