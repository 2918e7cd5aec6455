import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Bytes of the request body the probe received. */
  bodyBytes: number;
}

/**
 * A stand-in for the api behind nginx that records what nginx forwards: every request's
 * headers, WebSocket upgrades (answered with an echo socket) and, under
 * /api/v1/download/, a ranged body streamed in two parts — the second only after
 * `releaseDownload()` — so a test can see whether nginx forwards bytes as they come.
 */
export class UpstreamProbe {
  readonly seen: SeenRequest[] = [];
  private release?: () => void;
  private released = new Promise<void>((r) => (this.release = r));

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
  ) {}

  static async start(): Promise<UpstreamProbe> {
    const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
    const server = createServer();
    const probe = new UpstreamProbe(server, wss);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => probe.handle(req, res));
    server.on('upgrade', (req: IncomingMessage, socket, head) => {
      probe.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes: 0 });
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return probe;
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The last request the probe saw for a path (query string ignored). */
  last(path: string): SeenRequest | undefined {
    return [...this.seen].reverse().find((s) => s.url.split('?')[0] === path);
  }

  releaseDownload(): void {
    this.release?.();
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let bodyBytes = 0;
    req.on('data', (c: Buffer) => (bodyBytes += c.length));
    req.on('end', () => {
      const entry: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes };
      this.seen.push(entry);
      if ((req.url ?? '').startsWith('/api/v1/download/')) {
        void this.download(req, res);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ probe: true, url: req.url }));
    });
  }

  /** 1 MiB of text; honours `Range: bytes=a-b`; first 1000 bytes now, the rest on release. */
  private async download(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const total = 1024 * 1024;
    const content = Buffer.alloc(total, 'abcdefghijklmnopqrstuvwxyz0123456789\n');
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m ? Math.min(Number(m[2]), total - 1) : total - 1;
    const body = content.subarray(start, end + 1);
    res.writeHead(m ? 206 : 200, {
      'Content-Type': 'text/plain',
      'Content-Length': String(body.length),
      'Accept-Ranges': 'bytes',
      ...(m ? { 'Content-Range': `bytes ${start}-${end}/${total}` } : {}),
    });
    const head = Math.min(1000, body.length);
    res.write(body.subarray(0, head));
    await this.released;
    res.end(body.subarray(head));
  }
}
