import { TestBed } from '@angular/core/testing';

import { UiProgressBarComponent, usageTone } from './progress-bar.component';

describe('UiProgressBarComponent', () => {
  it('exposes its value to assistive technology and clamps it', () => {
    const fixture = TestBed.createComponent(UiProgressBarComponent);
    fixture.componentRef.setInput('label', 'Upload of a.bin');
    fixture.componentRef.setInput('value', 42.26);
    fixture.detectChanges();
    const bar = (fixture.nativeElement as HTMLElement).querySelector('[role="progressbar"]') as HTMLElement;
    expect(bar.getAttribute('aria-label')).toBe('Upload of a.bin');
    expect(bar.getAttribute('aria-valuenow')).toBe('42.3');
    expect((bar.firstElementChild as HTMLElement).style.width).toBe('42.3%');

    fixture.componentRef.setInput('value', 180);
    fixture.detectChanges();
    expect(bar.getAttribute('aria-valuenow')).toBe('100');

    fixture.componentRef.setInput('indeterminate', true);
    fixture.detectChanges();
    expect(bar.getAttribute('aria-valuenow')).toBeNull();
  });

  it('turns amber from 75 % and red from 90 % of a quota', () => {
    expect([10, 75, 89, 90, 100].map(usageTone)).toEqual(['brand', 'warning', 'warning', 'danger', 'danger']);
  });
});
