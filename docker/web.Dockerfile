# DirectDriveX web: Nginx serving the built Angular SPA and proxying /api/, /ws_api/ and
# /ws_admin to the api replicas. Build from the repository root:
#   docker build -f docker/web.Dockerfile -t directdrivex-web .

ARG NODE_IMAGE=node:20-bookworm-slim
ARG NGINX_IMAGE=nginx:1.27-alpine

# ---- deps: every dependency, from the lockfile only (cached until package*.json change)
FROM ${NODE_IMAGE} AS deps
WORKDIR /repo
ENV NX_DAEMON=false NX_NO_CLOUD=true CI=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# ---- build: production Angular build (content-hashed file names)
FROM deps AS build
COPY . .
RUN npx nx build web --configuration=production --skip-nx-cache

# ---- runtime: no Node, no node_modules
FROM ${NGINX_IMAGE} AS runtime
# nginx/nginx.conf is nginx/nginx.conf.template rendered with the production values.
RUN rm -f /etc/nginx/conf.d/default.conf
COPY nginx/nginx.conf /etc/nginx/nginx.conf
COPY nginx/directdrivex/ /etc/nginx/directdrivex/
COPY --from=build /repo/dist/apps/web/browser/ /usr/share/nginx/html/
# The image's unprivileged "nginx" user (uid 101): listens on 8080/8443, writes only
# under /tmp (pid, temp files), so the container runs with cap_drop ALL and a read-only
# root file system.
USER nginx
EXPOSE 8080 8443
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
# Plain nginx in the foreground (the image's entrypoint scripts would try to rewrite
# files this user cannot write).
ENTRYPOINT ["nginx", "-g", "daemon off;"]
