import { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { IncomingMessage, Server } from 'node:http';
import { Duplex } from 'node:stream';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer, params: Record<string, string>) => void;

interface UpgradeRoute {
  pattern: RegExp;
  names: string[];
  handler: UpgradeHandler;
}

/**
 * Nest's WsAdapter matches gateway paths exactly and destroys every other
 * upgrade. Upload sockets live at `/ws_api/upload/:file_id`, so this adapter
 * also dispatches upgrades to parameterised routes registered by features,
 * before falling back to Nest's own gateways.
 */
export class AppWsAdapter extends WsAdapter {
  constructor(app: INestApplicationContext) {
    super(app);
  }

  /** Adds a route like `/ws_api/upload/:file_id` to this HTTP server's upgrades. */
  static route(server: Server, path: string, handler: UpgradeHandler): void {
    const names: string[] = [];
    const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\?:([A-Za-z_]+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    AppWsAdapter.installDispatch(server);
    routesOf(server).push({ pattern: new RegExp(`^${source}$`), names, handler });
  }

  override ensureHttpServerExists(port: number, httpServer?: Server): Server {
    const server = super.ensureHttpServerExists(port, httpServer) as Server;
    AppWsAdapter.installDispatch(server);
    return server;
  }

  /**
   * Makes one dispatcher the only 'upgrade' listener of `server`; listeners
   * that Nest added (its exact-path gateways) become the fallback. Idempotent.
   */
  static installDispatch(server: Server): void {
    const state = server as Server & { ddxFallbacks?: Array<(...args: unknown[]) => void> };
    const fallbacks = (state.ddxFallbacks ??= []);
    let installed = false;
    for (const l of server.listeners('upgrade') as Array<(...args: unknown[]) => void>) {
      if ((l as { ddxDispatch?: boolean }).ddxDispatch) installed = true;
      else {
        fallbacks.push(l);
        server.removeListener('upgrade', l);
      }
    }
    if (installed) return;
    const dispatch = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const pathname = new URL(request.url ?? '/', 'ws://localhost').pathname;
      for (const route of routesOf(server)) {
        const m = route.pattern.exec(pathname);
        if (m) {
          const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
          route.handler(request, socket, head, params);
          return;
        }
      }
      if (fallbacks.length === 0) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      for (const l of fallbacks) l(request, socket, head);
    };
    (dispatch as unknown as { ddxDispatch: boolean }).ddxDispatch = true;
    server.on('upgrade', dispatch);
  }
}

function routesOf(server: Server): UpgradeRoute[] {
  const state = server as Server & { ddxRoutes?: UpgradeRoute[] };
  return (state.ddxRoutes ??= []);
}
