export interface RouteStats {
  requests: number;
  bytesIn: number;
  bytesOut: number;
  statuses: Record<string, number>;
}

export interface StatsSnapshot {
  since: string;
  requests: number;
  bytesIn: number;
  bytesOut: number;
  faultsInjected: number;
  byRoute: Record<string, RouteStats>;
}

/** Counters for benchmarks: requests per route, body bytes in and out, statuses. */
export class StatsRecorder {
  private since = new Date();
  private byRoute = new Map<string, RouteStats>();
  private faultsInjected = 0;

  record(route: string, status: number, bytesIn: number, bytesOut: number): void {
    let entry = this.byRoute.get(route);
    if (!entry) {
      entry = { requests: 0, bytesIn: 0, bytesOut: 0, statuses: {} };
      this.byRoute.set(route, entry);
    }
    entry.requests++;
    entry.bytesIn += bytesIn;
    entry.bytesOut += bytesOut;
    // Status 0 marks a connection that ended without a complete response.
    const key = String(status);
    entry.statuses[key] = (entry.statuses[key] ?? 0) + 1;
  }

  faultInjected(): void {
    this.faultsInjected++;
  }

  snapshot(): StatsSnapshot {
    const byRoute: Record<string, RouteStats> = {};
    let requests = 0;
    let bytesIn = 0;
    let bytesOut = 0;
    for (const [route, entry] of [...this.byRoute].sort(([a], [b]) => a.localeCompare(b))) {
      byRoute[route] = { ...entry, statuses: { ...entry.statuses } };
      requests += entry.requests;
      bytesIn += entry.bytesIn;
      bytesOut += entry.bytesOut;
    }
    return { since: this.since.toISOString(), requests, bytesIn, bytesOut, faultsInjected: this.faultsInjected, byRoute };
  }

  reset(): void {
    this.since = new Date();
    this.byRoute.clear();
    this.faultsInjected = 0;
  }
}
