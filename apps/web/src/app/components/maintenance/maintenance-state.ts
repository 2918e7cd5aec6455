import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import { API_PREFIX, UploadErrorCode } from '@ddx/contracts';

/** GET /api/v1/system/status (apps/api admin-config.controller.ts SystemStatusController); open during maintenance. */
export const SYSTEM_STATUS_URL = `${API_PREFIX}/system/status`;

export interface SystemStatus {
  maintenance: boolean;
  message: string | null;
  max_files_per_batch: number;
  registration_open: boolean;
}

export const DEFAULT_MAINTENANCE_MESSAGE = 'DirectDriveX is down for maintenance. Please come back shortly.';

/**
 * Whether the api is in maintenance mode, and the admin's message. Learnt from
 * the status endpoint and from any 503 answered with the MAINTENANCE code.
 */
@Injectable({ providedIn: 'root' })
export class MaintenanceState {
  private readonly http = inject(HttpClient);
  private readonly state = signal<{ active: boolean; message: string | null }>({ active: false, message: null });
  private inFlight = false;

  readonly active = computed(() => this.state().active);
  readonly message = computed(() => this.state().message?.trim() || DEFAULT_MAINTENANCE_MESSAGE);

  /** Asks the status endpoint; a failed request leaves what is known. */
  refresh(): void {
    if (this.inFlight) return;
    this.inFlight = true;
    this.http.get<SystemStatus>(SYSTEM_STATUS_URL).subscribe({
      next: (s) => {
        this.inFlight = false;
        this.state.set({ active: s.maintenance === true, message: s.maintenance ? s.message : null });
      },
      error: () => (this.inFlight = false),
    });
  }

  /** Called for every failed api request: a 503 MAINTENANCE turns the banner on with the api's message. */
  noteError(err: unknown): void {
    if (!isMaintenanceError(err)) return;
    const body = err.error as { message?: unknown };
    this.state.set({ active: true, message: typeof body.message === 'string' ? body.message : null });
  }
}

export function isMaintenanceError(err: unknown): err is HttpErrorResponse {
  if (!(err instanceof HttpErrorResponse) || err.status !== 503) return false;
  const body: unknown = err.error;
  return typeof body === 'object' && body !== null && (body as { error?: unknown }).error === UploadErrorCode.MAINTENANCE;
}
