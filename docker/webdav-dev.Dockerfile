# WebDAV server standing in for the Hetzner Storage Box — DEVELOPMENT ONLY
# (`docker compose --profile dev up`). webdav-server (npm, a devDependency) over /data.

ARG NODE_IMAGE=node:20-bookworm-slim

# Same first stage as the other images, so the builder's cache shares it.
FROM ${NODE_IMAGE} AS deps
WORKDIR /repo
ENV NX_DAEMON=false NX_NO_CLOUD=true CI=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# Only webdav-server and what it depends on, at the lockfile's versions.
FROM deps AS closure
COPY docker/dev/copy-package-closure.js docker/dev/
RUN node docker/dev/copy-package-closure.js /out webdav-server

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
COPY --from=closure /out/node_modules ./node_modules
COPY docker/dev/webdav-server.js ./webdav-server.js
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
  CMD ["node", "-e", "require('node:net').connect(8080,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"]
CMD ["node", "/app/webdav-server.js"]
