# DirectDriveX api (NestJS HTTP + WebSocket). Build from the repository root:
#   docker build -f docker/api.Dockerfile -t directdrivex-api .
# docker-compose.yml builds it for the services api-1 and api-2.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- deps: every dependency, from the lockfile only (cached until package*.json change)
FROM ${NODE_IMAGE} AS deps
WORKDIR /repo
ENV NX_DAEMON=false NX_NO_CLOUD=true CI=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# ---- build: webpack bundle of the app (dependencies stay external: see prod-deps)
FROM deps AS build
COPY . .
RUN npx nx build api --skip-nx-cache

# ---- prod-deps: what the bundle require()s at run time.
# The api and worker bundles keep node_modules external, so the runtime needs the
# production dependency tree: `npm ci --omit=dev` from the same lockfile installs exactly
# the versions the tests ran against (deploy-e2e checks every package the bundles require
# is in that tree). --ignore-scripts: no install script runs in the image; the only native
# module (msgpackr-extract) ships prebuilt binaries. docker/prod-deps-fixups.sh then drops
# pino's 400 MB of test binaries and links express (see the script).
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
COPY docker/prod-deps-fixups.sh /tmp/
RUN sh /tmp/prod-deps-fixups.sh /app

# ---- runtime
FROM ${NODE_IMAGE} AS runtime
# npm/corepack are not needed to run main.js; removing them drops their CVE surface.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
# Owned by root and not writable by the app user.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /repo/dist/apps/api ./
COPY docker/healthcheck/http.js /usr/local/lib/ddx/healthcheck.js
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=40s --retries=3 \
  CMD ["node", "/usr/local/lib/ddx/healthcheck.js"]
# One-shot commands run the same file: docker compose exec api-1 node main.js admin:create …
# Node flags: NODE_FLAGS in tools/local-services/src/app-process.ts says why.
CMD ["node", "--max-semi-space-size=64", "/app/main.js"]
