import type { Socket } from 'node:net';
import { Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from '../services/input-error';

/**
 * A distant Drive: what a real one costs that loopback hides. Off (all zero/null) by default.
 * Applies to Google's surface only; `/__emulator` stays instant so tests can steer it.
 */
export interface NetworkProfile {
  /** One-way delay: every request's answer starts 2 × this later (one round trip). */
  latencyMs: number;
  /** Cap per TCP connection and direction (request bodies in, response bodies out); null = none. */
  bandwidthBytesPerSecond: number | null;
}

export const NO_NETWORK_PROFILE: NetworkProfile = { latencyMs: 0, bandwidthBytesPerSecond: null };

/** 1 Mbit/s in bytes/s: link speeds are quoted in megabits. */
export const MBPS = 125_000;

/** The upper bounds keep a typo from hanging a test for hours. */
const MAX_LATENCY_MS = 60_000;
const MIN_BANDWIDTH = 1024;

export function networkProfileView(profile: NetworkProfile): NetworkProfile & { bandwidthMbps: number | null } {
  return {
    ...profile,
    bandwidthMbps: profile.bandwidthBytesPerSecond === null ? null : profile.bandwidthBytesPerSecond / MBPS,
  };
}

/**
 * Validates a control-API patch `{latencyMs?, bandwidthBytesPerSecond?, bandwidthMbps?}`
 * (`null` or 0 bandwidth = uncapped) and returns the profile it makes from `current`.
 */
export function patchNetworkProfile(current: NetworkProfile, patch: unknown): NetworkProfile {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new InputError('expected a JSON object');
  const body = patch as Record<string, unknown>;
  const known = ['latencyMs', 'bandwidthBytesPerSecond', 'bandwidthMbps'];
  const unknown = Object.keys(body).filter((k) => !known.includes(k));
  if (unknown.length) throw new InputError(`unknown network setting ${unknown.join(', ')}; known: ${known.join(', ')}`);
  if (body['bandwidthBytesPerSecond'] !== undefined && body['bandwidthMbps'] !== undefined) {
    throw new InputError('give bandwidthBytesPerSecond or bandwidthMbps, not both');
  }
  const next = { ...current };
  if (body['latencyMs'] !== undefined) next.latencyMs = checkLatency(body['latencyMs'], InputError, 'latencyMs');
  for (const [key, unit] of [['bandwidthBytesPerSecond', 1], ['bandwidthMbps', MBPS]] as const) {
    const value = body[key];
    if (value === undefined) continue;
    next.bandwidthBytesPerSecond = value === null ? null : checkBandwidth(value, unit, InputError, key);
  }
  return next;
}

export function checkLatency(value: unknown, Err: new (message: string) => Error, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_LATENCY_MS) {
    throw new Err(`${name} must be a number of milliseconds from 0 to ${MAX_LATENCY_MS}`);
  }
  return value;
}

/** `value` in `unit` bytes/s; 0 means uncapped. */
export function checkBandwidth(value: unknown, unit: number, Err: new (message: string) => Error, name: string): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Err(`${name} must be a positive number (0 = no cap)`);
  if (value === 0) return null;
  const bytes = Math.round(value * unit);
  if (bytes < MIN_BANDWIDTH) throw new Err(`${name} is below the smallest cap, ${MIN_BANDWIDTH} bytes/s`);
  return bytes;
}

/**
 * Spaces one direction of one connection at `rate`: each chunk is let through when it would
 * have finished crossing the link. Idle time earns no credit, so there are no bursts.
 */
class Pacer {
  private freeAt = 0;

  delayFor(bytes: number, rate: number): number {
    const now = performance.now();
    this.freeAt = Math.max(now, this.freeAt) + (bytes * 1000) / rate;
    return this.freeAt - now;
  }
}

// Per socket, so keep-alive requests on one connection share its link and separate connections don't.
const pacers = new WeakMap<Socket, { in: Pacer; out: Pacer }>();

function pacerOf(socket: Socket, direction: 'in' | 'out'): Pacer {
  let both = pacers.get(socket);
  if (!both) {
    both = { in: new Pacer(), out: new Pacer() };
    pacers.set(socket, both);
  }
  return both[direction];
}

/** Waits as long as `bytes` take on this connection's link in `direction` (now if uncapped). */
export async function paceChunk(profile: NetworkProfile, socket: Socket, direction: 'in' | 'out', bytes: number): Promise<void> {
  const rate = profile.bandwidthBytesPerSecond;
  if (rate === null || bytes === 0) return;
  const ms = pacerOf(socket, direction).delayFor(bytes, rate);
  // Timers are ~1 ms coarse; sub-millisecond debts are carried by the pacer's schedule.
  if (ms >= 1) await sleep(ms);
}

/** A pass-through that lets response bytes out at the connection's cap (read live, so a change applies mid-stream). */
export function pacedResponse(profile: () => NetworkProfile, socket: Socket): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      paceChunk(profile(), socket, 'out', chunk.length).then(
        () => callback(null, chunk),
        (err: Error) => callback(err),
      );
    },
  });
}

/** One round trip before a request is handled: the answer's first byte comes 2 × latency later. */
export async function roundTrip(profile: NetworkProfile): Promise<void> {
  if (profile.latencyMs > 0) await sleep(2 * profile.latencyMs);
}
