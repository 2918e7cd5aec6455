#!/usr/bin/env node
// A WebDAV server standing in for the Hetzner Storage Box — DEVELOPMENT ONLY
// (`docker compose --profile dev up`). webdav-server v2 over a folder on disk.
//
// Env: WEBDAV_USERNAME / WEBDAV_PASSWORD  Basic-auth account (the same values the api and
//        worker use from .env; both unset = anyone may write, fine on a private network)
//      WEBDAV_DEV_PORT (8080), WEBDAV_DEV_HOST (0.0.0.0), WEBDAV_DEV_ROOT (/data)
//      WEBDAV_DEV_QUOTA_BYTES  optional quota, reported over PROPFIND; 507 beyond it
'use strict';

const { mkdirSync } = require('node:fs');
const { v2 } = require('webdav-server');

const port = Number(process.env.WEBDAV_DEV_PORT || 8080);
const hostname = process.env.WEBDAV_DEV_HOST || '0.0.0.0';
const root = process.env.WEBDAV_DEV_ROOT || '/data';
const username = process.env.WEBDAV_USERNAME || '';
const password = process.env.WEBDAV_PASSWORD || '';
const quota = process.env.WEBDAV_DEV_QUOTA_BYTES;

if (Boolean(username) !== Boolean(password)) {
  process.stderr.write('webdav-dev: set both WEBDAV_USERNAME and WEBDAV_PASSWORD, or neither\n');
  process.exit(78);
}
mkdirSync(root, { recursive: true });

const options = { hostname, port, rootFileSystem: new v2.PhysicalFileSystem(root) };
if (quota) options.storageManager = new v2.PerUserStorageManager(Number(quota));
if (username) {
  const users = new v2.SimpleUserManager();
  const user = users.addUser(username, password, false);
  const privileges = new v2.SimplePathPrivilegeManager();
  privileges.setRights(user, '/', ['all']);
  options.httpAuthentication = new v2.HTTPBasicAuthentication(users, 'DirectDriveX dev WebDAV');
  options.requireAuthentification = true;
  options.privilegeManager = privileges;
}

const server = new v2.WebDAVServer(options);
server.start((http) => {
  const address = http.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  process.stdout.write(`webdav-dev listening on http://${hostname}:${actual} (root ${root}${username ? ', Basic auth' : ', no auth'})\n`);
});

const stop = () => server.stop(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
