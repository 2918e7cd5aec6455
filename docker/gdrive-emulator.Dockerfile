# Google Drive v3 emulator — DEVELOPMENT ONLY (`docker compose --profile dev up`).
# Never part of a production deployment: with real credentials the product talks to Google.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /repo
ENV NX_DAEMON=false NX_NO_CLOUD=true CI=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npx nx build gdrive-emulator --skip-nx-cache

# The emulator bundle uses only Node built-ins: no node_modules in the runtime image.
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /repo/dist/apps/gdrive-emulator ./
COPY docker/healthcheck/http.js /usr/local/lib/ddx/healthcheck.js
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4444
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "/usr/local/lib/ddx/healthcheck.js", "http://127.0.0.1:4444/__emulator/accounts"]
CMD ["node", "/app/main.js", "--host", "0.0.0.0", "--port", "4444", "--data-dir", "/data", "--config", "/etc/ddx/gdrive-emulator.json"]
