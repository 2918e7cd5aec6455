import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { UiButtonDirective, UiButtonVariant } from './button.directive';

@Component({
  standalone: true,
  imports: [UiButtonDirective],
  template: `<button uiButton class="mt-2" [variant]="variant()" size="sm" block type="button">Go</button>`,
})
class HostComponent {
  variant = signal<UiButtonVariant>('primary');
}

describe('UiButtonDirective', () => {
  it('styles a native button by variant and keeps the classes the page adds', () => {
    const fixture = TestBed.createComponent(HostComponent);
    fixture.detectChanges();
    const button = (fixture.nativeElement as HTMLElement).querySelector('button') as HTMLButtonElement;
    expect(button.classList).toContain('bg-brand-600');
    expect(button.classList).toContain('w-full');
    expect(button.classList).toContain('px-2.5');
    expect(button.classList).toContain('mt-2');
    expect(button.className).toContain('focus-visible:ring-2');

    fixture.componentInstance.variant.set('danger');
    fixture.detectChanges();
    expect(button.classList).toContain('bg-rose-600');
    expect(button.classList).not.toContain('bg-brand-600');
    expect(button.classList).toContain('mt-2');
  });
});
