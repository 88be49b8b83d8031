#!/usr/bin/env bash
# Local infrastructure for development, tests and CI.
#
#   scripts/infra.sh up       PostgreSQL + Redis (the machine's) + local Kafka broker
#   scripts/infra.sh down     stop the local Kafka broker (PostgreSQL/Redis stay up:
#                             they belong to the machine)
#   scripts/infra.sh status   report what answers
#
# When DATABASE_URL / REDIS_URL / KAFKA_BROKERS point anywhere other than the
# local defaults (127.0.0.1/localhost on 5432 / 6379 / 9092), nothing is started
# for that service: it is only checked for reachability.
#
# Creates no databases and no topics: the project's own setup does that.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_SH="$ROOT/infra/kafka/kafka.sh"
WAIT_SECONDS="${INFRA_WAIT_SECONDS:-30}"

log() { printf 'infra: %s\n' "$*"; }
die() { printf 'infra: error: %s\n' "$*" >&2; exit 1; }

# url_host_port URL DEFAULT_PORT -> "host port" (handles user:pass@, [v6], /db, ?query)
url_host_port() {
  local url="$1" default_port="$2" rest host port
  rest="${url#*://}"
  rest="${rest%%/*}"
  rest="${rest%%\?*}"
  rest="${rest##*@}"
  if [[ "$rest" == \[*\]* ]]; then
    host="${rest%%]*}"
    host="${host#[}"
    port="${rest#*]}"
    port="${port#:}"
  elif [[ "$rest" == *:* ]]; then
    host="${rest%%:*}"
    port="${rest##*:}"
  else
    host="$rest"
    port=""
  fi
  echo "${host:-127.0.0.1} ${port:-$default_port}"
}

is_local_default() { # host port default_port
  [[ "$1" == 127.0.0.1 || "$1" == localhost ]] && [[ "$2" == "$3" ]]
}

tcp_ok() { # host port
  timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

wait_for() { # description command...
  local what="$1" started=$SECONDS
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - started < WAIT_SECONDS)) || die "$what did not come up within ${WAIT_SECONDS}s"
    sleep 0.5
  done
}

pg_ok() { # host port
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$1" -p "$2" -t 3
  else
    tcp_ok "$1" "$2"
  fi
}

redis_ok() { # host port
  if command -v redis-cli >/dev/null 2>&1; then
    [[ "$(timeout 3 redis-cli -h "$1" -p "$2" ping 2>/dev/null || true)" == PONG ]]
  else
    tcp_ok "$1" "$2"
  fi
}

postgres_up() {
  local host port
  read -r host port <<<"$(url_host_port "${DATABASE_URL:-}" 5432)"
  if ! is_local_default "$host" "$port" 5432; then
    # A remote server may demand auth for pg_isready's probe; TCP is enough here.
    tcp_ok "$host" "$port" || die "PostgreSQL at $host:$port (DATABASE_URL) is not reachable"
    log "PostgreSQL: using $host:$port (reachable)"
    return 0
  fi
  if pg_ok 127.0.0.1 5432; then
    log "PostgreSQL: running on 127.0.0.1:5432"
    return 0
  fi
  local version
  version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$version" ]] || die "PostgreSQL is not running and no cluster is configured under /etc/postgresql"
  log "PostgreSQL: starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_for "PostgreSQL" pg_ok 127.0.0.1 5432
  log "PostgreSQL: running on 127.0.0.1:5432"
}

redis_up() {
  local host port
  read -r host port <<<"$(url_host_port "${REDIS_URL:-}" 6379)"
  if ! is_local_default "$host" "$port" 6379; then
    tcp_ok "$host" "$port" || die "Redis at $host:$port (REDIS_URL) is not reachable"
    log "Redis: using $host:$port (reachable)"
    return 0
  fi
  if redis_ok 127.0.0.1 6379; then
    log "Redis: running on 127.0.0.1:6379"
    return 0
  fi
  log "Redis: starting redis-server"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for "Redis" redis_ok 127.0.0.1 6379
  log "Redis: running on 127.0.0.1:6379"
}

# KAFKA_BROKERS: comma-separated host:port list. Local when every entry is the default.
kafka_is_local() {
  local brokers="${KAFKA_BROKERS:-127.0.0.1:9092}" b host port
  local -a list
  IFS=',' read -r -a list <<<"$brokers"
  for b in "${list[@]}"; do
    b="${b// /}"
    [[ -z "$b" ]] && continue
    read -r host port <<<"$(url_host_port "kafka://$b" 9092)"
    is_local_default "$host" "$port" 9092 || return 1
  done
  return 0
}

kafka_reachable() {
  local b host port
  local -a list
  IFS=',' read -r -a list <<<"${KAFKA_BROKERS:-}"
  for b in "${list[@]}"; do
    b="${b// /}"
    [[ -z "$b" ]] && continue
    read -r host port <<<"$(url_host_port "kafka://$b" 9092)"
    if tcp_ok "$host" "$port"; then
      echo "$host:$port"
      return 0
    fi
  done
  return 1
}

kafka_up() {
  if ! kafka_is_local; then
    local reached
    reached="$(kafka_reachable)" || die "no Kafka broker in KAFKA_BROKERS ($KAFKA_BROKERS) is reachable"
    log "Kafka: using $KAFKA_BROKERS ($reached reachable)"
    return 0
  fi
  # KAFKA_* of this file's callers (e.g. KAFKA_BROKERS) do not affect kafka.sh,
  # which always serves 127.0.0.1:9092.
  bash "$KAFKA_SH" start
}

cmd_up() {
  postgres_up
  redis_up
  kafka_up
  log "up"
}

cmd_down() {
  if kafka_is_local; then
    bash "$KAFKA_SH" stop
  else
    log "Kafka: KAFKA_BROKERS is not local, nothing to stop"
  fi
  log "down (PostgreSQL and Redis left running)"
}

cmd_status() {
  local rc=0 host port reached
  read -r host port <<<"$(url_host_port "${DATABASE_URL:-}" 5432)"
  if pg_ok "$host" "$port" || tcp_ok "$host" "$port"; then log "PostgreSQL: $host:$port answers"; else log "PostgreSQL: $host:$port DOWN"; rc=1; fi
  read -r host port <<<"$(url_host_port "${REDIS_URL:-}" 6379)"
  if redis_ok "$host" "$port" || tcp_ok "$host" "$port"; then log "Redis: $host:$port answers"; else log "Redis: $host:$port DOWN"; rc=1; fi
  if kafka_is_local; then
    bash "$KAFKA_SH" status || rc=1
  elif reached="$(kafka_reachable)"; then
    log "Kafka: $reached answers"
  else
    log "Kafka: $KAFKA_BROKERS DOWN"
    rc=1
  fi
  return "$rc"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) echo "usage: $(basename "$0") {up|down|status}" >&2; exit 2 ;;
esac
