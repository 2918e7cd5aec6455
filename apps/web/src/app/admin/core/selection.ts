import { computed, signal } from '@angular/core';

/** Ids ticked in a table for a bulk action, as a signal. */
export class Selection {
  private readonly ids = signal<ReadonlySet<string>>(new Set());
  readonly size = computed(() => this.ids().size);

  has(id: string): boolean {
    return this.ids().has(id);
  }

  toggle(id: string, on = !this.has(id)): void {
    const next = new Set(this.ids());
    if (on) next.add(id);
    else next.delete(id);
    this.ids.set(next);
  }

  /** True when every one of `ids` is selected (and there is at least one). */
  allOf(ids: readonly string[]): boolean {
    const set = this.ids();
    return ids.length > 0 && ids.every((id) => set.has(id));
  }

  setAll(ids: readonly string[], on: boolean): void {
    const next = new Set(this.ids());
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    this.ids.set(next);
  }

  values(): string[] {
    return [...this.ids()];
  }

  clear(): void {
    this.ids.set(new Set());
  }
}
