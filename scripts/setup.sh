#!/usr/bin/env bash
# Installs what is missing and prepares the machine: npm packages, the Kafka jars, PostgreSQL,
# Redis and Kafka running, one database per service, the Kafka topics, and dev signing keys.
# Idempotent: a second run only checks.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '[setup] %s\n' "$*"; }

# npm ci when node_modules is missing or package-lock.json changed since the last install.
stamp=node_modules/.package-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
else
  log "npm packages up to date"
fi

bash infra/kafka/kafka.sh install
bash scripts/infra.sh up

log "databases, topics and dev keys"
node -r @swc-node/register scripts/prepare-environment.ts
log "done"
