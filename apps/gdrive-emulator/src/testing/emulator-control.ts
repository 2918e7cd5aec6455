import type { FaultSpec } from '../faults/fault-types';

/** Credentials as the control API hands them out (Google's own JSON key names). */
export interface EmulatorOAuthCredentials {
  type: 'authorized_user';
  client_id: string;
  client_secret: string;
  refresh_token: string;
  token_uri: string;
}

export interface EmulatorServiceAccountJson {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key?: string;
  client_email: string;
  client_id: string;
  token_uri: string;
}

export interface EmulatorAccount {
  id: string;
  email: string;
  displayName: string;
  limit: number | null;
  usage: number;
  usageInDrive: number;
  usageInDriveTrash: number;
  rootFolderId: string;
  revoked: boolean;
  credentials: {
    oauth: EmulatorOAuthCredentials | null;
    serviceAccount: EmulatorServiceAccountJson | null;
  };
}

export interface EmulatorStats {
  requests: number;
  bytesIn: number;
  bytesOut: number;
  faultsInjected: number;
  byRoute: Record<string, { requests: number; bytesIn: number; bytesOut: number; statuses: Record<string, number> }>;
}

/** The emulator's network profile (a distant Drive); all zero/null = loopback. */
export interface EmulatorNetwork {
  latencyMs: number;
  bandwidthBytesPerSecond: number | null;
  bandwidthMbps: number | null;
}

/** A thin client for `/__emulator/*`, for tests and launchers (plain fetch, no googleapis). */
export class EmulatorControl {
  constructor(readonly baseUrl: string) {}

  reset(): Promise<unknown> {
    return this.call('POST', 'reset');
  }

  addAccount(input: Record<string, unknown> = {}): Promise<EmulatorAccount> {
    return this.call('POST', 'accounts', input) as Promise<EmulatorAccount>;
  }

  getAccount(idOrEmail: string): Promise<EmulatorAccount> {
    return this.call('GET', `accounts/${encodeURIComponent(idOrEmail)}`) as Promise<EmulatorAccount>;
  }

  updateAccount(idOrEmail: string, patch: { limit?: number | null; usage?: number }): Promise<EmulatorAccount> {
    return this.call('PATCH', `accounts/${encodeURIComponent(idOrEmail)}`, patch) as Promise<EmulatorAccount>;
  }

  revokeAccount(idOrEmail: string): Promise<EmulatorAccount> {
    return this.call('POST', `accounts/${encodeURIComponent(idOrEmail)}/revoke`) as Promise<EmulatorAccount>;
  }

  addFault(spec: FaultSpec): Promise<unknown> {
    return this.call('POST', 'faults', spec);
  }

  async faults(): Promise<Array<{ id: string; kind: string; count: number; hits: number }>> {
    return ((await this.call('GET', 'faults')) as { faults: Array<{ id: string; kind: string; count: number; hits: number }> }).faults;
  }

  clearFaults(): Promise<unknown> {
    return this.call('DELETE', 'faults');
  }

  stats(): Promise<EmulatorStats> {
    return this.call('GET', 'stats') as Promise<EmulatorStats>;
  }

  clearStats(): Promise<unknown> {
    return this.call('DELETE', 'stats');
  }

  network(): Promise<EmulatorNetwork> {
    return this.call('GET', 'network') as Promise<EmulatorNetwork>;
  }

  /**
   * Changes only what `patch` names (latency is one way: a request's answer starts 2 ×
   * latencyMs later; bandwidth is per connection and direction, null or 0 = no cap).
   */
  setNetwork(patch: { latencyMs?: number; bandwidthBytesPerSecond?: number | null; bandwidthMbps?: number | null }): Promise<EmulatorNetwork> {
    return this.call('PATCH', 'network', patch) as Promise<EmulatorNetwork>;
  }

  /** Back to loopback: no latency, no cap. */
  clearNetwork(): Promise<EmulatorNetwork> {
    return this.call('DELETE', 'network') as Promise<EmulatorNetwork>;
  }

  settings(patch: { tokenLifetimeSeconds?: number; sessionLifetimeSeconds?: number }): Promise<unknown> {
    return this.call('PATCH', 'settings', patch);
  }

  addUser(input: { email: string; email_verified?: boolean; name?: string; picture?: string }): Promise<{ sub: string; email: string }> {
    return this.call('POST', 'users', input) as Promise<{ sub: string; email: string }>;
  }

  addOAuthClient(input: { client_id?: string; client_secret?: string; redirect_uris: string[] }): Promise<{
    client_id: string;
    client_secret: string;
    redirect_uris: string[];
  }> {
    return this.call('POST', 'oauth-clients', input) as Promise<{ client_id: string; client_secret: string; redirect_uris: string[] }>;
  }

  async sessions(account?: string): Promise<Array<{ id: string; committed: number; state: string }>> {
    const query = account ? `?account=${encodeURIComponent(account)}` : '';
    return ((await this.call('GET', `sessions${query}`)) as { sessions: Array<{ id: string; committed: number; state: string }> }).sessions;
  }

  /** The bytes the emulator stored for a file, read straight from its data directory. */
  async fileContent(fileId: string): Promise<Buffer> {
    const res = await fetch(`${this.baseUrl}__emulator/files/${encodeURIComponent(fileId)}/content`);
    if (!res.ok) throw new Error(`control GET files/${fileId}/content: ${res.status} ${await res.text()}`);
    return Buffer.from(await res.arrayBuffer());
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.baseUrl}__emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
}
