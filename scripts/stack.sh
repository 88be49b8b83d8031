#!/usr/bin/env bash
# `stack.sh up [--no-demo]`: installs what is missing, starts Kafka (PostgreSQL and Redis are the
# machine's), builds and starts every app in the background (logs in .stack/logs), waits until each
# one is ready, then runs the demo once: a small simulated sales day (apps/simulator) so that every
# analytics view has something to show. The demo is skipped when the catalog already holds products,
# with --no-demo, or with STACK_DEMO=0; STACK_DEMO_SHOPPERS sets its size (default 150).
# `stack.sh down`: stops the apps, and Kafka if `up` started it (nothing else). `stack.sh status`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/project-node.sh
source scripts/lib/project-node.sh
use_project_node
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

kafka_answers() { timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9092' 2>/dev/null; }

up() {
  local demo="${STACK_DEMO:-1}"
  for arg in "$@"; do
    case "$arg" in
      --no-demo) demo=0 ;;
      *) echo "usage: $0 up [--no-demo]" >&2; exit 2 ;;
    esac
  done
  # Remember whether this start brings Kafka up, so that `down` stops only what `up` started.
  if [ -z "${KAFKA_BROKERS:-}" ] && ! kafka_answers; then touch "$STATE/kafka-started"; fi
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
  log "all apps ready"
  if [ "$demo" = 1 ]; then run_demo; else log "demo skipped (--no-demo or STACK_DEMO=0)"; fi
  where_to_look
}

# The demo: once, on an empty shop. Its failure leaves the stack running (the demo is an extra).
run_demo() {
  if curl -fsS 'http://127.0.0.1:3001/v1/products?limit=1' 2>/dev/null | grep '"id"' >/dev/null; then
    log "demo skipped: the catalog already holds products (npm run simulate -- --help for another run)"
    return
  fi
  local shoppers="${STACK_DEMO_SHOPPERS:-150}"
  log "demo: a simulated sales day with $shoppers shoppers and 180 days of imported history (npm run simulate)"
  if node -r @swc-node/register apps/simulator/src/main.ts --shoppers "$shoppers" --history-days 180 --seed 7 \
    --out "$STATE/demo-report.json"; then
    log "demo done; its report: .stack/demo-report.json"
  else
    log "the demo did not complete (see above); the stack is running anyway"
  fi
}

where_to_look() {
  local password='<your ADMIN_PASSWORD>'
  [ "$ADMIN_PASSWORD" = 'Admin-Passw0rd!' ] && password="$ADMIN_PASSWORD"
  cat <<EOT

  Dashboard    http://127.0.0.1:3005/dashboard   (operator login: $ADMIN_EMAIL / $password)
  API docs     http://127.0.0.1:3001/docs (catalog), :3002/docs (orders), :3003/docs (inventory),
               :3004/docs (members), :3005/docs (analytics); contract: docs/contract.md
  Try          TOKEN=\$(curl -s -H 'Content-Type: application/json' -d '{"email":"$ADMIN_EMAIL","password":"$password"}' \\
                 http://127.0.0.1:3004/v1/auth/login | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')
               curl -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:3005/v1/analytics/rfm/segments
               curl -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:3005/v1/analytics/stock-warnings
               more calls: docs/examples/explore.http
  Logs         .stack/logs/<app>.log
  Stop         npm run stack:down

EOT
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
  if [ -f "$STATE/kafka-started" ]; then
    bash scripts/infra.sh down
    rm -f "$STATE/kafka-started"
  else
    log "Kafka left running (it was running before npm run stack)"
  fi
}

status() {
  for app in "${APPS[@]}"; do
    if running "$app"; then echo "$app: running (pid $(cat "$STATE/pids/$app.pid"))"; else echo "$app: stopped"; fi
  done
  bash infra/kafka/kafka.sh status || true
}

case "${1:-up}" in
  up) shift || true; up "$@" ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
