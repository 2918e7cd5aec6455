import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /**
   * Source address of the connection. Linux routes all of 127.0.0.0/8 to loopback, so
   * 127.0.0.2, 127.0.0.3 … are distinct clients as far as nginx is concerned.
   */
  localAddress?: string;
  timeoutMs?: number;
}

/**
 * One HTTP(S) request on a fresh connection (no agent: nothing is reused between
 * requests, so each one is scheduled by nginx on its own). Self-signed certificates are
 * accepted: the TLS tests bring their own.
 */
export function send(url: string, options: HttpOptions = {}): Promise<HttpResult> {
  const target = new URL(url);
  const requestFn = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = requestFn(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(options.body)), ...options.headers } : options.headers,
        localAddress: options.localAddress,
        agent: false,
        rejectUnauthorized: false,
        timeout: options.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${options.method ?? 'GET'} ${url}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A header as one string (joined when repeated), '' when absent. */
export function header(result: HttpResult, name: string): string {
  const value = result.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}
