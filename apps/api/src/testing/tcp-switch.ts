import { connect, createServer, Server, Socket } from 'node:net';

/**
 * A loopback TCP forwarder that can be switched off (connections refused
 * by closing them at once) to simulate an outage of the server behind it.
 */
export class TcpSwitch {
  private enabled = true;
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, enabled = true): Promise<TcpSwitch> {
    const ref: { self?: TcpSwitch } = {};
    const server = createServer((client) => {
      const self = ref.self;
      if (!self?.enabled) {
        client.destroy();
        return;
      }
      const upstream = connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        self.sockets.add(s);
        s.on('close', () => self.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const self = new TcpSwitch(server, typeof address === 'object' && address ? address.port : 0);
    self.enabled = enabled;
    ref.self = self;
    return self;
  }

  set(enabled: boolean): void {
    this.enabled = enabled;
    if (!enabled) for (const s of this.sockets) s.destroy();
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}
