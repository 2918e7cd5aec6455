import { ErrorBody, UploadRoutes, UploadServerMessage, WsTicketResponse } from '@ddx/contracts';
import { WebSocket } from 'ws';

export interface UploadRun {
  messages: UploadServerMessage[];
  closeCode: number;
  /** The socket URL opened (it carries a ticket, never the upload token); absent when no ticket was given. */
  url?: string;
  /** The ticket route's refusal; then no socket was opened. */
  refused?: ErrorBody;
}

export interface UploadClientOptions {
  /** Start sending from this offset (default: the `ready` offset). */
  startAt?: number;
  /** Close the socket once this many frames were taken by the server (`received`). */
  dropAfterFrames?: number;
  /** Send {"type":"cancel"} once this many frames were taken by the server. */
  cancelAfterFrames?: number;
  /** Send only this many frames (then wait until the server took them and close). */
  sendOnlyFrames?: number;
  chunkSize?: number;
  /** Called with each frame before it is sent; may return different bytes. */
  mangle?: (frame: Buffer, index: number) => Buffer;
  /** Frames allowed beyond the last `received` offset (the protocol says 2). */
  window?: number;
  /** Extra handshake headers (e.g. X-Request-Id to find the request in a proxy's log). */
  headers?: Record<string, string>;
  /** Answer `rewind` with `resume` (the protocol); false plays an old client that ignores it. */
  followRewind?: boolean;
  /** Called each time the server has taken one more whole frame, with the count so far. */
  onFrameTaken?: (framesTaken: number) => void;
}

/** POST /upload/:file_id/ticket with the upload token in its header: the ticket, or the API's refusal. */
export async function uploadTicket(baseUrl: string, fileId: string, token: string): Promise<{ ticket: string } | { refused: ErrorBody }> {
  const res = await fetch(`${baseUrl}${UploadRoutes.ticket(fileId)}`, { method: 'POST', headers: { 'X-Upload-Token': token } });
  const body = (await res.json()) as WsTicketResponse | ErrorBody;
  return res.status === 201 ? { ticket: (body as WsTicketResponse).ticket } : { refused: body as ErrorBody };
}

export function uploadSocketUrl(baseUrl: string, fileId: string, ticket: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}${UploadRoutes.socket(fileId)}?ticket=${encodeURIComponent(ticket)}`;
}

/**
 * A protocol-following WebSocket upload client (what the SPA does): gets a
 * ticket with the upload token, waits for `ready`, sends 4 MiB binary frames
 * from its offset with at most `window` unacknowledged, and collects every
 * server message until the socket closes.
 */
export async function runUpload(baseUrl: string, fileId: string, token: string, data: Buffer, options: UploadClientOptions = {}): Promise<UploadRun> {
  const issued = await uploadTicket(baseUrl, fileId, token);
  if ('refused' in issued) return { messages: [], closeCode: 0, refused: issued.refused };
  return runUploadSocket(uploadSocketUrl(baseUrl, fileId, issued.ticket), data, options);
}

/** The socket part of `runUpload`, on a URL the caller built (e.g. with a spent ticket, or to another replica). */
export function runUploadSocket(url: string, data: Buffer, options: UploadClientOptions = {}): Promise<UploadRun> {
  const ws = new WebSocket(url, { headers: options.headers });
  const messages: UploadServerMessage[] = [];
  const window = options.window ?? 2;
  let chunk = options.chunkSize ?? 4 * 1024 * 1024;
  let next = -1;
  /** The send window counts from here: the `ready`/`rewind` offset, then each `received`. */
  let taken = 0;
  /** Frames the server has taken, counted by their ends. */
  let frameEnds: number[] = [];
  let framesTaken = 0;
  let frameIndex = 0;
  let stopped = false;
  const pump = () => {
    while (
      !stopped &&
      next >= 0 &&
      next < data.length &&
      next - taken < window * chunk &&
      ws.readyState === WebSocket.OPEN &&
      (options.sendOnlyFrames === undefined || frameIndex < options.sendOnlyFrames)
    ) {
      let frame = data.subarray(next, Math.min(next + chunk, data.length));
      if (options.mangle) frame = options.mangle(frame, frameIndex);
      frameIndex++;
      ws.send(frame);
      next = Math.min(next + chunk, data.length);
      frameEnds.push(next);
    }
  };
  const onTaken = (offset: number) => {
    if (offset > taken) taken = offset;
    while (frameEnds.length && (frameEnds[0] as number) <= taken) {
      frameEnds.shift();
      framesTaken++;
      options.onFrameTaken?.(framesTaken);
      if (options.cancelAfterFrames !== undefined && framesTaken === options.cancelAfterFrames) {
        stopped = true;
        ws.send(JSON.stringify({ type: 'cancel' }));
        return;
      }
      const sentAll = options.sendOnlyFrames !== undefined && framesTaken >= options.sendOnlyFrames;
      if ((options.dropAfterFrames !== undefined && framesTaken >= options.dropAfterFrames) || sentAll) {
        stopped = true;
        ws.terminate();
        return;
      }
    }
    pump();
  };
  return new Promise((resolve, reject) => {
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as UploadServerMessage;
      messages.push(msg);
      if (msg.type === 'ready') {
        chunk = msg.chunk_size;
        next = options.startAt ?? msg.offset;
        taken = msg.offset;
        frameEnds = [];
        pump();
      } else if (msg.type === 'received' || msg.type === 'progress') {
        onTaken(msg.offset);
      } else if (msg.type === 'rewind' && options.followRewind !== false) {
        ws.send(JSON.stringify({ type: 'resume', offset: msg.offset }));
        next = msg.offset;
        taken = msg.offset;
        frameEnds = [];
        pump();
      }
    });
    ws.on('close', (code) => resolve({ messages, closeCode: code, url }));
    ws.on('error', (e) => {
      if (ws.readyState === WebSocket.CLOSED) return;
      reject(e);
    });
  });
}

/**
 * Reconnects while the server says another socket still holds the upload —
 * what a client does after its previous connection (or api process) died.
 */
export async function runUploadRetryingLock(baseUrl: string, fileId: string, token: string, data: Buffer, options: UploadClientOptions = {}, timeoutMs = 30_000): Promise<UploadRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await runUpload(baseUrl, fileId, token, data, options);
    const first = run.messages[0];
    if (!(first?.type === 'error' && first.code === 'UPLOAD_IN_PROGRESS') || Date.now() > deadline) return run;
    await new Promise((r) => setTimeout(r, 500));
  }
}
