import { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

/** The message to show under a control, once it was touched or the form submitted. */
export function controlError(control: AbstractControl | null, label: string, submitted: boolean): string | null {
  if (!control || control.valid || !(control.touched || submitted)) return null;
  const e = control.errors ?? {};
  if (e['required']) return `${label} is required.`;
  if (e['email']) return 'Enter a valid e-mail address, like name@example.com.';
  if (e['minlength']) return `${label} must be at least ${(e['minlength'] as { requiredLength: number }).requiredLength} characters.`;
  if (e['maxlength']) return `${label} must be at most ${(e['maxlength'] as { requiredLength: number }).requiredLength} characters.`;
  if (e['mismatch']) return 'The passwords do not match.';
  if (e['server']) return e['server'] as string;
  return `${label} is not valid.`;
}

/** On the confirmation control: equal to `otherName` in the same group. */
export function matchesControl(otherName: string): ValidatorFn {
  return (control: AbstractControl): ValidationErrors | null => {
    const other = control.parent?.get(otherName);
    if (!other || !control.value) return null;
    return control.value === other.value ? null : { mismatch: true };
  };
}
