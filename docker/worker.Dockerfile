# DirectDriveX worker (BullMQ processors). Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t directdrivex-worker .
# Stages deps and prod-deps are identical to docker/api.Dockerfile, so the builder's
# layer cache shares them between the two images.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- deps: every dependency, from the lockfile only (cached until package*.json change)
FROM ${NODE_IMAGE} AS deps
WORKDIR /repo
ENV NX_DAEMON=false NX_NO_CLOUD=true CI=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# ---- build
FROM deps AS build
COPY . .
RUN npx nx build worker --skip-nx-cache

# ---- prod-deps: the production dependency tree the bundle require()s (see api.Dockerfile)
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
COPY docker/prod-deps-fixups.sh /tmp/
RUN sh /tmp/prod-deps-fixups.sh /app

# ---- runtime
FROM ${NODE_IMAGE} AS runtime
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
ENV NODE_ENV=production WORKER_MAIN=/app/main.js
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /repo/dist/apps/worker ./
COPY docker/healthcheck/worker.js /usr/local/lib/ddx/healthcheck.js
USER node
# Alive = the worker process runs and Redis (its queues) answers PING with its REDIS_URL.
HEALTHCHECK --interval=30s --timeout=6s --start-period=30s --retries=3 \
  CMD ["node", "/usr/local/lib/ddx/healthcheck.js"]
# The absolute path is what the health check looks for in /proc/<pid>/cmdline.
CMD ["node", "/app/main.js"]
