#!/usr/bin/env node
// Uploads one file to a running DirectDriveX with nothing but HTTP + a WebSocket,
// following docs/upload-protocol.md. Usage:
//   node tools/scripts/upload-file.mjs <path> [--url http://127.0.0.1:8080] [--token <bearer>]
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import WebSocket from 'ws';

const args = process.argv.slice(2);
const path = args.find((a) => !a.startsWith('--'));
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
if (!path) {
  console.error('usage: node tools/scripts/upload-file.mjs <path> [--url http://127.0.0.1:8080] [--token <bearer>]');
  process.exit(2);
}
const base = opt('url', 'http://127.0.0.1:8080');
const bearer = opt('token');
const size = statSync(path).size;

const res = await fetch(`${base}/api/v1/upload/initiate`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
  body: JSON.stringify({ filename: basename(path), size, content_type: 'application/octet-stream' }),
});
const init = await res.json();
if (!res.ok) {
  console.error(`initiate failed: ${init.error}: ${init.message}`);
  process.exit(1);
}

// The upload token goes in a header for a single-use ticket; only the ticket
// appears in the socket URL (URLs end up in proxy logs). Resuming takes a new one.
const ticketRes = await fetch(`${base}/api/v1/upload/${init.file_id}/ticket`, { method: 'POST', headers: { 'X-Upload-Token': init.upload_token } });
const ticket = await ticketRes.json();
if (!ticketRes.ok) {
  console.error(`ticket refused: ${ticket.error}: ${ticket.message}`);
  process.exit(1);
}
const ws = new WebSocket(`${base.replace(/^http/, 'ws')}${init.upload_url}?ticket=${encodeURIComponent(ticket.ticket)}`);
const FRAMES_IN_FLIGHT = 2; // UPLOAD_MAX_FRAMES_IN_FLIGHT in libs/contracts
let chunkSize = init.chunk_size;
let next = 0; // where the next frame starts
let received = 0; // the server's last `received` (or `ready`/`rewind`) offset
let stored = 0; // what Drive has stored (`progress`)
let pumping = false;

async function readFrame(start, end) {
  const chunks = [];
  for await (const c of createReadStream(path, { start, end: end - 1 })) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * Sends chunk_size frames from `next`, at most FRAMES_IN_FLIGHT beyond `received`:
 * the server says `received` as it passes bytes on, so this keeps pace with Drive.
 * (`progress` moves once per Drive request and plays no part.)
 */
async function pump() {
  if (pumping) return; // the running loop re-checks after each frame
  pumping = true;
  try {
    while (next < size && next - received < FRAMES_IN_FLIGHT * chunkSize && ws.readyState === WebSocket.OPEN) {
      const start = next;
      const end = Math.min(start + chunkSize, size);
      const frame = await readFrame(start, end);
      if (next !== start) continue; // a rewind came while reading: this frame no longer starts where the server counts
      ws.send(frame);
      next = end;
    }
  } finally {
    pumping = false;
  }
}

const pct = (n) => (size ? Math.floor((n / size) * 100) : 100);
const show = () => process.stdout.write(`\r${pct(received)}% received (${received} of ${size} bytes), ${pct(stored)}% stored   `);

ws.on('message', (raw) => {
  const msg = JSON.parse(raw.toString());
  if (msg.type === 'ready') {
    next = received = stored = msg.offset;
    chunkSize = msg.chunk_size;
    void pump();
  } else if (msg.type === 'received') {
    received = Math.max(received, msg.offset);
    show();
    void pump();
  } else if (msg.type === 'progress') {
    stored = msg.offset;
    show();
  } else if (msg.type === 'rewind') {
    // Every frame after msg.offset was dropped: answer first, then send again from there.
    ws.send(JSON.stringify({ type: 'resume', offset: msg.offset }));
    next = received = msg.offset;
    stored = Math.min(stored, msg.offset);
    process.stdout.write(`\nrewound to byte ${msg.offset} (${msg.reason})\n`);
    void pump();
  } else if (msg.type === 'success') {
    console.log(`\ndone: ${base}${msg.value}`);
  } else if (msg.type === 'error') {
    console.error(`\nerror ${msg.code}: ${msg.value}`);
    process.exitCode = 1;
  }
});
ws.on('close', (code) => {
  if (code !== 1000) process.exitCode = 1;
});
