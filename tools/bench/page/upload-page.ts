/**
 * The page of the browser figure, bundled with esbuild by tools/bench/src/lib/browser.ts and
 * served on the api's own origin. It uploads the File of `<input id="file">` with the SPA's
 * own client (ResumableUpload, with the real @angular/core signals), as the upload queue does:
 * initiate, a fresh ticket per connection, the browser's WebSocket. Around the client it keeps
 * timing marks: File slice reads, socket sends (and bufferedAmount), the time the client sat
 * with nothing to do because its send window was full, message handling, progress rendering
 * (a bar and a line of text, redrawn once per animation frame as the upload row shows them),
 * and long tasks of the page's main thread.
 */
// The SPA's client itself, not a copy: what the browser figure measures.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ResumableUpload, SocketLike, UploadSource } from '../../../apps/web/src/app/services/resumable-upload';

export interface PageTimings {
  /** File.slice(…).arrayBuffer() calls, their summed and longest time. */
  reads: number;
  readMs: number;
  readMaxMs: number;
  /** Binary WebSocket.send() calls and the time spent inside them (the copy into the socket's buffer). */
  sends: number;
  sendMs: number;
  /** bufferedAmount just after each send: mean and highest. */
  bufferedMeanMiB: number;
  bufferedMaxMiB: number;
  /** Time between a send and the next read starting: the client waiting for the window (a `received`). */
  windowWaitMs: number;
  /** Server messages, and the time spent handling them (the client's onmessage, signal updates). */
  messages: number;
  messageMs: number;
  /** Progress redraws and their time. */
  renders: number;
  renderMs: number;
  /** Main-thread tasks over 50 ms (PerformanceObserver 'longtask'). */
  longTasks: number;
  longTaskMs: number;
}

export interface PageResult {
  fileId: string;
  /** ms from the initiate request to `completed`. */
  ms: number;
  phase: string;
  message: string | null;
  timings: PageTimings;
}

interface Initiated {
  file_id: string;
  upload_url: string;
  upload_token: string;
  chunk_size: number;
}

declare global {
  interface Window {
    benchUpload(): Promise<PageResult>;
  }
}

async function post<T>(path: string, init: RequestInit): Promise<T> {
  const res = await fetch(path, { method: 'POST', ...init });
  if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

window.benchUpload = async (): Promise<PageResult> => {
  const file = (document.getElementById('file') as HTMLInputElement).files?.[0];
  if (!file) throw new Error('no file chosen');
  const bar = document.getElementById('bar') as HTMLElement;
  const text = document.getElementById('text') as HTMLElement;
  const t = { reads: 0, readMs: 0, readMaxMs: 0, sends: 0, sendMs: 0, bufferedSum: 0, bufferedMax: 0, windowWaitMs: 0, messages: 0, messageMs: 0, renders: 0, renderMs: 0, longTasks: 0, longTaskMs: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      t.longTasks++;
      t.longTaskMs += e.duration;
    }
  });
  try {
    observer.observe({ type: 'longtask', buffered: false });
  } catch {
    // not supported: reported as 0
  }
  let lastSendEnd: number | null = null;

  const source: UploadSource = {
    size: file.size,
    slice: (start, end) => {
      const at = performance.now();
      if (lastSendEnd !== null) t.windowWaitMs += at - lastSendEnd;
      lastSendEnd = null;
      const blob = file.slice(start, end);
      return {
        arrayBuffer: async () => {
          const s = performance.now();
          const buf = await blob.arrayBuffer();
          const d = performance.now() - s;
          t.reads++;
          t.readMs += d;
          t.readMaxMs = Math.max(t.readMaxMs, d);
          return buf;
        },
      };
    },
  };

  const socketFactory = (url: string): SocketLike => {
    const ws = new WebSocket(url);
    const wrapper: SocketLike = {
      get binaryType() {
        return ws.binaryType;
      },
      set binaryType(v: BinaryType) {
        ws.binaryType = v;
      },
      get readyState() {
        return ws.readyState;
      },
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      onmessage: null,
      onclose: null,
      onerror: null,
      send(data: string | ArrayBuffer) {
        if (typeof data === 'string') return ws.send(data);
        const s = performance.now();
        ws.send(data);
        const e = performance.now();
        t.sends++;
        t.sendMs += e - s;
        t.bufferedSum += ws.bufferedAmount;
        t.bufferedMax = Math.max(t.bufferedMax, ws.bufferedAmount);
        lastSendEnd = e;
      },
      close(code?: number, reason?: string) {
        ws.close(code, reason);
      },
    };
    ws.onmessage = (ev) => {
      const s = performance.now();
      wrapper.onmessage?.({ data: ev.data });
      t.messages++;
      t.messageMs += performance.now() - s;
    };
    ws.onclose = (ev) => wrapper.onclose?.({ code: ev.code, reason: ev.reason });
    ws.onerror = (ev) => wrapper.onerror?.(ev);
    return wrapper;
  };

  const started = performance.now();
  const init = await post<Initiated>('/api/v1/upload/initiate', {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ filename: file.name, size: file.size, content_type: 'application/octet-stream' }),
  });
  const upload = new ResumableUpload({
    socketUrl: async () => {
      const { ticket } = await post<{ ticket: string }>(`/api/v1/upload/${init.file_id}/ticket`, { headers: { 'X-Upload-Token': init.upload_token } });
      return `ws://${location.host}${init.upload_url}?ticket=${encodeURIComponent(ticket)}`;
    },
    source,
    chunkSize: init.chunk_size,
    socketFactory,
    cancelRemote: async () => {
      await fetch(`/api/v1/upload/cancel/${init.file_id}`, { method: 'POST', headers: { 'X-Upload-Token': init.upload_token } });
    },
  });
  let frame = 0;
  const render = () => {
    const s = performance.now();
    const st = upload.state();
    bar.style.width = `${st.percent.toFixed(1)}%`;
    text.textContent = `${st.phase} ${st.percent.toFixed(0)} % — ${st.bytesPerSecond ? (st.bytesPerSecond / 1048576).toFixed(1) : '…'} MiB/s, ${st.secondsLeft ?? '…'} s left`;
    t.renders++;
    t.renderMs += performance.now() - s;
    frame = requestAnimationFrame(render);
  };
  frame = requestAnimationFrame(render);
  upload.start();
  const end = await upload.done;
  const ms = performance.now() - started;
  cancelAnimationFrame(frame);
  observer.disconnect();
  const mib = 1048576;
  return {
    fileId: init.file_id,
    ms,
    phase: end.phase,
    message: end.message,
    timings: {
      reads: t.reads,
      readMs: t.readMs,
      readMaxMs: t.readMaxMs,
      sends: t.sends,
      sendMs: t.sendMs,
      bufferedMeanMiB: t.sends ? t.bufferedSum / t.sends / mib : 0,
      bufferedMaxMiB: t.bufferedMax / mib,
      windowWaitMs: t.windowWaitMs,
      messages: t.messages,
      messageMs: t.messageMs,
      renders: t.renders,
      renderMs: t.renderMs,
      longTasks: t.longTasks,
      longTaskMs: t.longTaskMs,
    },
  };
};
