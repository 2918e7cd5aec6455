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
let sent = 0;
let acked = 0;
let reader;

/** Reads the file in chunk_size pieces, keeping at most 2 frames unacknowledged. */
async function pump(chunkSize) {
  while (sent < size && sent - acked < 2 * chunkSize) {
    const end = Math.min(sent + chunkSize, size);
    const chunks = [];
    for await (const c of createReadStream(path, { start: sent, end: end - 1 })) chunks.push(c);
    ws.send(Buffer.concat(chunks));
    sent = end;
  }
}

ws.on('message', async (raw) => {
  const msg = JSON.parse(raw.toString());
  if (msg.type === 'ready') {
    sent = acked = msg.offset;
    reader = msg.chunk_size;
    await pump(reader);
  } else if (msg.type === 'progress') {
    acked = msg.offset;
    process.stdout.write(`\r${msg.value}% (${msg.offset} of ${size} bytes)`);
    await pump(reader);
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
