#!/usr/bin/env bash
# Zero-downtime upgrade of the docker compose stack (README, "Deploy" → Upgrading):
# rebuilds the images, then replaces the api replicas one at a time — Nginx keeps
# serving from the other — then the worker and Nginx itself.
#   deploy/compose-rolling-upgrade.sh            (run from the repository root, after git pull)
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then
  compose() { docker compose "$@"; }
elif command -v docker-compose >/dev/null; then
  compose() { docker-compose "$@"; }
else
  echo "docker compose (v2) or docker-compose (>= 1.28) is required" >&2
  exit 1
fi

wait_healthy() {
  local service=$1 id status
  id=$(compose ps -q "$service")
  for _ in $(seq 1 90); do
    status=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")
    if [ "$status" = healthy ]; then
      echo "$service is healthy"
      return 0
    fi
    sleep 2
  done
  echo "$service did not become healthy; see: docker compose logs $service" >&2
  exit 1
}

# Nginx resolves api-1/api-2 when it (re)loads its configuration; a recreated container
# may have a new address, so reload once the replica is healthy.
reload_nginx() {
  compose exec -T web nginx -s reload
}

compose build
for replica in api-1 api-2; do
  compose up -d --no-deps "$replica"
  wait_healthy "$replica"
  reload_nginx
done
compose up -d --no-deps worker
wait_healthy worker
compose up -d --no-deps web
wait_healthy web
echo "upgrade complete"
