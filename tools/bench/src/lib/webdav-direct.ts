import { Agent } from 'node:http';
import { Readable } from 'node:stream';

import { call, drain, Drained, keepAliveAgent, send } from './http';

/** Plain WebDAV calls for the backup baseline and for reading back the copies. */
export class DirectWebdav {
  private readonly auth: string;

  constructor(
    readonly url: string,
    username: string,
    password: string,
    readonly agent: Agent = keepAliveAgent(8),
  ) {
    this.auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  private href(path: string): string {
    return `${this.url}${path
      .split('/')
      .map((s) => encodeURIComponent(s))
      .join('/')}`;
  }

  async mkcol(path: string): Promise<void> {
    await call(this.href(path), { method: 'MKCOL', headers: { Authorization: this.auth }, agent: this.agent }, [201, 405]);
  }

  /** PUT with a streamed body of known length. */
  async put(path: string, body: Readable, size: number): Promise<void> {
    const res = await send(this.href(path), {
      method: 'PUT',
      headers: { Authorization: this.auth, 'Content-Length': size, 'Content-Type': 'application/octet-stream' },
      body,
      agent: this.agent,
    });
    await drain(res.stream, false);
    if (res.status !== 201 && res.status !== 204) throw new Error(`WebDAV PUT answered ${res.status}`);
  }

  async get(path: string, hash: boolean): Promise<Drained> {
    const res = await send(this.href(path), { headers: { Authorization: this.auth }, agent: this.agent });
    const body = await drain(res.stream, hash);
    if (res.status !== 200) throw new Error(`WebDAV GET ${path} answered ${res.status}`);
    return body;
  }

  async delete(path: string): Promise<void> {
    await call(this.href(path), { method: 'DELETE', headers: { Authorization: this.auth }, agent: this.agent }, [200, 204, 404]);
  }

  close(): void {
    this.agent.destroy();
  }
}
