#!/bin/sh
# Final touches to a production node_modules (after `npm ci --omit=dev`) for the api and
# worker images. Run from the directory holding node_modules (or pass it as $1).
# apps/deploy-e2e runs this same script on its model of the runtime tree.
set -eu
cd "${1:-.}"

# pino 9.3.0 publishes ~400 MB of test binaries (test/pkg); nothing loads them.
rm -rf node_modules/pino/test

# The api bundle require()s "express" itself (bootstrap.ts), but package.json does not
# declare it: with dev dependencies omitted, the only copy is the one
# @nestjs/platform-express depends on. Link to that copy until express is a declared
# dependency (then node_modules/express exists and this does nothing).
if [ ! -e node_modules/express ] && [ -d node_modules/@nestjs/platform-express/node_modules/express ]; then
  ln -s @nestjs/platform-express/node_modules/express node_modules/express
fi
