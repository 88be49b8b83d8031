#!/usr/bin/env bash
# Installs what is missing and prepares the machine: npm packages, Chromium for the browser tests,
# the Kafka jars, PostgreSQL,
# Redis and Kafka running, one database per service, the Kafka topics, and dev signing keys.
# Idempotent: a second run only checks.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/project-node.sh
source scripts/lib/project-node.sh
use_project_node
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

# The stack's fixed ports (HTTP 3001-3006, gRPC 50051-50054) lie inside Linux's ephemeral port range:
# an outgoing connection (a pool's connection to PostgreSQL) can take one first, and the app that
# should listen there fails with EADDRINUSE. Reserve them where this user may (root, no container).
reserved=/proc/sys/net/ipv4/ip_local_reserved_ports
if [ -w "$reserved" ] && ! grep -q '50051' "$reserved"; then
  current=$(cat "$reserved")
  echo "${current:+$current,}3001-3006,50051-50054" >"$reserved" 2>/dev/null || true
fi

# The dashboard's browser tests drive Debian's headless Chromium; CJK fonts so the Chinese labels
# render in screenshots. Installed once, through apt (as root, or with sudo where it is allowed).
# grep reads all of fc-list's output: with -q it may stop early, and under pipefail fc-list's SIGPIPE
# made the check fail now and then, so setup ran apt-get again.
if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -i 'noto sans cjk' >/dev/null; then
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo -n)
  log "installing chromium and CJK fonts (apt-get)"
  if ! { "${as_root[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
      chromium fonts-noto-cjk >/dev/null; }; then
    log "could not install chromium (no root, no network?): the dashboard's browser tests will fail"
  fi
else
  log "chromium and CJK fonts present"
fi

bash infra/kafka/kafka.sh install
bash scripts/infra.sh up

log "databases, topics and dev keys"
node -r @swc-node/register scripts/prepare-environment.ts
log "done"
