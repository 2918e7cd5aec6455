/**
 * A fixed-window write budget: at most `perWindow` writes per `windowMs`.
 * What does not fit is counted, and the count travels with the next write
 * that does (so a storm leaves one trace, not a thousand documents).
 */
export class WriteBudget {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;
  private skipped = 0;

  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
  ) {}

  /** `null` when over budget; otherwise how many were skipped since the last granted write. */
  take(now: number): number | null {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used >= this.perWindow) {
      this.skipped++;
      return null;
    }
    this.used++;
    const skipped = this.skipped;
    this.skipped = 0;
    return skipped;
  }
}
