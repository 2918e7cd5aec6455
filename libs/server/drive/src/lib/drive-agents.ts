import * as http from 'node:http';
import * as https from 'node:https';

/**
 * Kept-alive connections to Drive, shared by the requests that bypass googleapis
 * (streamed PUTs, media GETs): a new TLS handshake per request would cost a round trip or two.
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** The transport and kept-alive agent for a Drive URL. */
export function transportFor(target: URL): { transport: typeof http | typeof https; agent: http.Agent } {
  return target.protocol === 'https:' ? { transport: https, agent: agents['https:'] } : { transport: http, agent: agents['http:'] };
}
