import { INestApplicationContext, Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { IncomingMessage, Server, STATUS_CODES } from 'node:http';
import { Duplex } from 'node:stream';

export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer, params: Record<string, string>) => void;

interface UpgradeRoute {
  pattern: RegExp;
  names: string[];
  handler: UpgradeHandler;
}

const logger = new Logger('WebSocket');

/**
 * Nest's WsAdapter matches gateway paths exactly and destroys every other
 * upgrade. Upload sockets live at `/ws_api/upload/:file_id`, so this adapter
 * also dispatches upgrades to parameterised routes registered by features,
 * before falling back to Nest's own gateways.
 *
 * The dispatcher runs on the raw socket of an unauthenticated request, where
 * nothing of Express or Nest catches a throw: an exception here would end the
 * whole process. So it answers any request it cannot read with a 4xx on that
 * one socket, and keeps a handler's failure to that socket as well.
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
      // Node removes its own 'error' listener from a socket it hands to 'upgrade';
      // until the ws library adds one (after a handler's async checks), a client
      // resetting the connection would raise an error nobody listens to.
      socket.on('error', () => socket.destroy());
      let target: { route: UpgradeRoute; params: Record<string, string> } | 'not-found';
      try {
        target = resolve(routesOf(server), request.url);
      } catch {
        refuse(socket, 400);
        return;
      }
      try {
        if (target !== 'not-found') {
          target.route.handler(request, socket, head, target.params);
          return;
        }
        if (fallbacks.length === 0) {
          refuse(socket, 404);
          return;
        }
        for (const l of fallbacks) l(request, socket, head);
      } catch (err) {
        logger.error({ msg: 'upgrade handler failed', path: target === 'not-found' ? undefined : target.route.pattern.source, err });
        refuse(socket, 500);
      }
    };
    (dispatch as unknown as { ddxDispatch: boolean }).ddxDispatch = true;
    server.on('upgrade', dispatch);
  }
}

/** A request line the dispatcher cannot read: the client's fault, answered 400. */
class UpgradeRequestError extends Error {}

function resolve(routes: UpgradeRoute[], url: string | undefined): { route: UpgradeRoute; params: Record<string, string> } | 'not-found' {
  let pathname: string;
  try {
    pathname = new URL(url ?? '/', 'ws://localhost').pathname;
  } catch {
    throw new UpgradeRequestError('unparseable URL');
  }
  for (const route of routes) {
    const m = route.pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(m[i + 1] ?? '');
      } catch {
        // `%FF`, `%E0%A4`, a lone `%`: not UTF-8 percent-encoding.
        throw new UpgradeRequestError('bad percent-encoding');
      }
    });
    return { route, params };
  }
  return 'not-found';
}

/** Ends an upgrade that will not happen with a plain HTTP answer, if the socket can still take one. */
function refuse(socket: Duplex, status: 400 | 404 | 500): void {
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  // A client that never reads must not hold the socket open.
  setTimeout(() => socket.destroy(), 1000).unref();
}

function routesOf(server: Server): UpgradeRoute[] {
  const state = server as Server & { ddxRoutes?: UpgradeRoute[] };
  return (state.ddxRoutes ??= []);
}
