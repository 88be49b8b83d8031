#!/usr/bin/env bash
# `stack.sh up`: installs what is missing, starts PostgreSQL, Redis and Kafka, builds and starts every
# app in the background (logs in .stack/logs), and waits until each one is ready.
# `stack.sh down`: stops the apps and Kafka. `stack.sh status`: what is running.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
APPS=(catalog orders inventory members analytics analytics-projector)
declare -A PORT=([catalog]=3001 [orders]=3002 [inventory]=3003 [members]=3004 [analytics]=3005 [analytics-projector]=3006)
STATE="$ROOT/.stack"
mkdir -p "$STATE/logs" "$STATE/pids"
log() { printf '[stack] %s\n' "$*"; }

running() { [ -f "$STATE/pids/$1.pid" ] && kill -0 "$(cat "$STATE/pids/$1.pid")" 2>/dev/null; }

# A development stack needs someone who may use the back office: the first admin (members creates it
# once). Set ADMIN_EMAIL / ADMIN_PASSWORD to choose your own.
export ADMIN_EMAIL="${ADMIN_EMAIL:-admin@example.com}"
export ADMIN_PASSWORD="${ADMIN_PASSWORD:-Admin-Passw0rd!}"

up() {
  bash scripts/setup.sh
  log "building (tsc)"
  npm run -s build
  for app in "${APPS[@]}"; do
    if running "$app"; then
      log "$app already running (pid $(cat "$STATE/pids/$app.pid"))"
      continue
    fi
    nohup node "dist/apps/$app/src/main.js" >"$STATE/logs/$app.log" 2>&1 &
    echo $! >"$STATE/pids/$app.pid"
    log "started $app (pid $!), log: .stack/logs/$app.log"
  done
  for app in "${APPS[@]}"; do
    local port=${PORT[$app]} deadline=$((SECONDS + 90))
    until curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
      if ! running "$app"; then
        log "$app exited; last lines of its log:"
        tail -n 30 "$STATE/logs/$app.log" >&2
        exit 1
      fi
      if ((SECONDS > deadline)); then
        log "$app not ready after 90 s; last lines of its log:"
        tail -n 30 "$STATE/logs/$app.log" >&2
        exit 1
      fi
      sleep 1
    done
    log "$app ready on http://127.0.0.1:$port (docs: /docs)"
  done
  log "all apps ready; back-office login: $ADMIN_EMAIL (POST :3004/v1/auth/login); stop with: npm run stack:down"
}

down() {
  for app in "${APPS[@]}"; do
    if running "$app"; then
      local pid
      pid=$(cat "$STATE/pids/$app.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
      log "stopped $app"
    fi
    rm -f "$STATE/pids/$app.pid"
  done
  bash scripts/infra.sh down
}

status() {
  for app in "${APPS[@]}"; do
    if running "$app"; then echo "$app: running (pid $(cat "$STATE/pids/$app.pid"))"; else echo "$app: stopped"; fi
  done
  bash infra/kafka/kafka.sh status || true
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
