import { API_PREFIX } from '@ddx/contracts';
import { AppConfig, ConfigModule, Env, loadConfig } from '@ddx/server-config';
import { createRootLogger, JsonLogger } from '@ddx/server-logging';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import express, { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import pinoHttp from 'pino-http';

import { AppModule } from './app.module';
import { AppWsAdapter } from './common/app-ws.adapter';
import { installMetrics } from './metrics/metrics-http';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Creates the fully configured api (used by main.ts and by in-process tests). */
export async function createApp(env: Env = loadConfig()): Promise<NestExpressApplication> {
  const root = createRootLogger('api', env.LOG_LEVEL);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(ConfigModule.forRoot(env)), new ExpressAdapter(strictExpress()), {
    logger: new JsonLogger(root),
    bufferLogs: true,
  });
  const config = app.get(AppConfig);

  // X-Forwarded-For is believed only from configured proxies.
  app.set('trust proxy', config.TRUSTED_PROXIES);
  app.disable('x-powered-by');
  installMetrics(app);
  app.use(
    pinoHttp({
      logger: root,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => req.url === `${API_PREFIX}/health` },
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(helmet({ crossOriginResourcePolicy: { policy: 'same-site' } }));
  if (config.CORS_ORIGINS.length) {
    app.enableCors({ origin: config.CORS_ORIGINS, credentials: true, exposedHeaders: ['X-Request-Id', 'Content-Disposition', 'Server-Timing'] });
  }
  app.useBodyParser('json', { limit: '1mb' });
  app.useBodyParser('urlencoded', { limit: '64kb', extended: false });

  app.setGlobalPrefix(API_PREFIX.slice(1), {
    exclude: [
      { path: 'api/docs', method: RequestMethod.GET },
      { path: 'api/docs/(.*)', method: RequestMethod.GET },
    ],
  });
  app.useWebSocketAdapter(new AppWsAdapter(app));
  app.enableShutdownHooks();

  if (config.ENABLE_API_DOCS) {
    app.use('/api/docs/assets', express.static(swaggerUiDir(), { index: false, immutable: true, maxAge: '7d' }));
  }
  if (config.WEB_DIST_DIR) serveSpa(app, config.WEB_DIST_DIR);
  return app;
}

/**
 * Express by default routes `/api/v1/Auth/Token` and `/api/v1/auth/token/` to
 * the handler of `/api/v1/auth/token`, so a proxy limit keyed on the path
 * could be sidestepped by spelling it differently. Here every route has one
 * spelling (nginx, for its part, limits the sign-in routes in any spelling).
 * Express reads these settings when its router is created (on first use),
 * hence an instance configured up front.
 */
function strictExpress(): express.Express {
  const server = express();
  server.set('case sensitive routing', true);
  server.set('strict routing', true);
  // Node's querystring: flat keys only. qs (Express's default) builds nested
  // objects and arrays from `a[b][c]=`, which no contract here uses and every
  // handler would otherwise have to expect.
  server.set('query parser', 'simple');
  return server;
}

/** Upload and reset tokens travel in query strings; keep them out of logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|upload_token|code|state)=)[^&]*/gi, '$1[redacted]');
}

function swaggerUiDir(): string {
  // Resolved, not required: requiring the package evaluates its 1 MB bundle
  // (~1 s of CPU at start). `createRequire` keeps webpack from inlining it.
  const fromCwd = createRequire(join(process.cwd(), 'noop.js'));
  try {
    return dirname(fromCwd.resolve('swagger-ui-dist/package.json'));
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();
  }
}

/** Local single-origin mode: static SPA plus index.html for client-side routes. */
function serveSpa(app: NestExpressApplication, dir: string): void {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) throw new Error(`WEB_DIST_DIR has no index.html: ${dir}`);
  app.use(express.static(dir, { index: false, maxAge: '1h' }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    const isApi = req.path.startsWith('/api/') || req.path.startsWith('/ws_');
    if ((req.method === 'GET' || req.method === 'HEAD') && !isApi && req.accepts('html')) {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
      return;
    }
    next();
  });
}
