#!/usr/bin/env node
// Container health check of the worker. The worker serves no HTTP, so "healthy" means:
//   1. the worker process (node <WORKER_MAIN>) is running and not a zombie, and
//   2. Redis — where its queues live — answers PING with the worker's own REDIS_URL
//      (password and TLS included).
// The worker exits on its own when Redis stays lost (WORKER_REDIS_LOST_EXIT_MS), so a
// failing check here is the early warning; the restart policy handles the exit.
// Dependency-free on purpose: node is all the runtime image has.
'use strict';

const { readdirSync, readFileSync } = require('node:fs');
const net = require('node:net');
const tls = require('node:tls');

const workerMain = process.env.WORKER_MAIN || '/app/main.js';
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 4000);

function fail(why) {
  process.stderr.write(`unhealthy: ${why}\n`);
  process.exit(1);
}

/** Pid of a live process whose argv contains workerMain (never this script). */
function findWorker() {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!argv.includes(workerMain)) continue;
      // Field 3 of /proc/<pid>/stat is the state; Z = zombie, X = dead.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && state !== 'X') return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

function resp(...args) {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** Sends AUTH (when the URL has a password) and PING; resolves when PONG arrives. */
function pingRedis(urlText) {
  return new Promise((resolve, reject) => {
    let url;
    try {
      url = new URL(urlText);
    } catch {
      reject(new Error('REDIS_URL is not a URL'));
      return;
    }
    const port = Number(url.port || 6379);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket =
      url.protocol === 'rediss:' ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from Redis within ${timeoutMs} ms`));
    }, timeoutMs);
    let commands = '';
    const password = decodeURIComponent(url.password || '');
    const username = decodeURIComponent(url.username || '');
    if (password) commands += username ? resp('AUTH', username, password) : resp('AUTH', password);
    commands += resp('PING');
    let buffer = '';
    socket.once(url.protocol === 'rediss:' ? 'secureConnect' : 'connect', () => socket.write(commands));
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      const errorLine = /^-(.*)\r\n/m.exec(buffer);
      if (errorLine) {
        clearTimeout(timer);
        socket.destroy();
        reject(new Error(`Redis answered: ${errorLine[1]}`));
      } else if (buffer.includes('+PONG\r\n')) {
        clearTimeout(timer);
        socket.end();
        resolve();
      }
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

const pid = findWorker();
if (!pid) fail(`no running process for ${workerMain}`);
pingRedis(process.env.REDIS_URL || 'redis://127.0.0.1:6379').then(
  () => process.exit(0),
  (e) => fail(`worker pid ${pid} is running but Redis is not reachable: ${e.message}`),
);
