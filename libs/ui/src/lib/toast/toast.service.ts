import { Injectable, signal } from '@angular/core';

export type UiToastKind = 'success' | 'error' | 'info';

export interface UiToast {
  id: number;
  kind: UiToastKind;
  message: string;
}

const DURATION_MS: Record<UiToastKind, number> = { success: 4000, info: 5000, error: 8000 };

/** Short notices shown by `<ui-toasts>` (placed once in the app shell). */
@Injectable({ providedIn: 'root' })
export class UiToastService {
  private readonly list = signal<UiToast[]>([]);
  private nextId = 0;
  readonly toasts = this.list.asReadonly();

  success(message: string): number {
    return this.show('success', message);
  }

  error(message: string): number {
    return this.show('error', message);
  }

  info(message: string): number {
    return this.show('info', message);
  }

  show(kind: UiToastKind, message: string): number {
    const id = ++this.nextId;
    this.list.update((l) => [...l.slice(-4), { id, kind, message }]);
    setTimeout(() => this.dismiss(id), DURATION_MS[kind]);
    return id;
  }

  dismiss(id: number): void {
    this.list.update((l) => l.filter((t) => t.id !== id));
  }
}
