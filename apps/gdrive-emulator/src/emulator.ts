import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfigFile, validateConfig, type EmulatorConfig } from './config/emulator-config';
import { createRequestHandler } from './http/request-handler';
import { EmulatorServices } from './services/emulator-services';
import { NO_NETWORK_PROFILE, checkBandwidth, checkLatency, type NetworkProfile } from './http/network-profile';
import { DEFAULT_SETTINGS, type EmulatorSettings } from './services/settings';
import { BlobStore } from './state/blob-store';
import { StatePersistence } from './state/state-persistence';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where bytes and state.json live; default: a fresh temp dir removed on close(). */
  dataDir?: string;
  /** A config object, or the path of a JSON config file. */
  config?: EmulatorConfig | string;
  /** Overrides config.tokenLifetimeSeconds (default 3600). */
  tokenLifetimeSeconds?: number;
  /** Overrides config.sessionLifetimeSeconds (default one week). */
  sessionLifetimeSeconds?: number;
  /** Log one line per request to stderr. */
  verbose?: boolean;
  /** A distant Drive: one-way delay added to every request (default 0). */
  latencyMs?: number;
  /** A distant Drive: cap per connection and direction in bytes/s (default none). */
  bandwidthBytesPerSecond?: number | null;
}

export interface RunningEmulator {
  /** Base URL with a trailing slash: use it as googleapis `rootUrl`; tokens at `${url}token`. */
  url: string;
  port: number;
  dataDir: string;
  close(): Promise<void>;
}

/** Starts a Google Drive v3 + OAuth emulator in this process. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const config =
    typeof options.config === 'string' ? loadConfigFile(options.config) : validateConfig(options.config ?? {}, 'config');
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ? resolve(options.dataDir) : await mkdtemp(join(tmpdir(), 'gdrive-emulator-'));
  const settings: EmulatorSettings = {
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? config.tokenLifetimeSeconds ?? DEFAULT_SETTINGS.tokenLifetimeSeconds,
    sessionLifetimeSeconds: options.sessionLifetimeSeconds ?? config.sessionLifetimeSeconds ?? DEFAULT_SETTINGS.sessionLifetimeSeconds,
  };

  const network: NetworkProfile = {
    latencyMs: options.latencyMs === undefined ? NO_NETWORK_PROFILE.latencyMs : checkLatency(options.latencyMs, Error, 'latencyMs'),
    bandwidthBytesPerSecond: options.bandwidthBytesPerSecond ? checkBandwidth(options.bandwidthBytesPerSecond, 1, Error, 'bandwidthBytesPerSecond') : null,
  };

  const blobs = new BlobStore(dataDir);
  await blobs.init();
  const services = new EmulatorServices(blobs, settings, { ...settings }, config, network);
  const persistence = new StatePersistence(services.state, blobs.stateFile);
  const snapshot = persistence.load();
  if (snapshot) services.state.restore(snapshot);
  services.persistence = persistence;
  services.state.onChange(() => persistence.schedule());
  await services.sessions.reconcile();
  await services.applyConfig();
  await persistence.flush();

  const host = options.host ?? '127.0.0.1';
  let baseUrl = '';
  const server: Server = createServer(
    createRequestHandler(services, { fallbackBaseUrl: () => baseUrl, verbose: options.verbose ?? false }),
  );
  // Multi-GB uploads over slow links must not hit Node's 5-minute request timeout.
  server.requestTimeout = 0;
  // Longer than typical client keep-alive pools, so a reused socket is rarely closed under them.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  baseUrl = `http://${urlHost}:${port}/`;

  let closed = false;
  return {
    url: baseUrl,
    port,
    dataDir,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      await persistence.flush();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
