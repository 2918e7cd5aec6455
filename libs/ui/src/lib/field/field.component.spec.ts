import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { UiFieldComponent } from './field.component';
import { UiInputDirective } from './input.directive';

@Component({
  standalone: true,
  imports: [UiFieldComponent, UiInputDirective],
  template: `
    <ui-field label="E-mail" [error]="error()" hint="We never share it." required>
      <input uiInput type="email" />
    </ui-field>
  `,
})
class HostComponent {
  error = signal<string | null>(null);
}

describe('UiFieldComponent + uiInput', () => {
  it('labels the control and ties the hint, then the error, to it', () => {
    const fixture = TestBed.createComponent(HostComponent);
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const input = el.querySelector('input') as HTMLInputElement;
    const label = el.querySelector('label') as HTMLLabelElement;
    expect(label.htmlFor).toBe(input.id);
    expect(input.id).toMatch(/^ui-field-\d+$/);
    expect(label.textContent).toContain('E-mail');
    expect(input.getAttribute('aria-invalid')).toBeNull();
    expect(el.querySelector(`#${input.getAttribute('aria-describedby')}`)?.textContent).toBe('We never share it.');

    fixture.componentInstance.error.set('Enter a valid e-mail address.');
    fixture.detectChanges();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(el.querySelector(`#${input.getAttribute('aria-describedby')}`)?.textContent).toBe('Enter a valid e-mail address.');
    expect(el.textContent).not.toContain('We never share it.');
  });

  it('gives every field its own id', () => {
    const a = TestBed.createComponent(HostComponent);
    const b = TestBed.createComponent(HostComponent);
    a.detectChanges();
    b.detectChanges();
    const id = (f: typeof a) => ((f.nativeElement as HTMLElement).querySelector('input') as HTMLInputElement).id;
    expect(id(a)).not.toBe(id(b));
  });
});
