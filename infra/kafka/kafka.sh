#!/usr/bin/env bash
# Local single-node Apache Kafka 3.9.1 (KRaft, combined broker + controller).
#
#   kafka.sh install   resolve the broker jars from Maven Central into .cache/libs
#   kafka.sh start     install if needed, format storage once, start, wait until it answers
#   kafka.sh stop      SIGTERM, wait up to KAFKA_STOP_TIMEOUT s (30), then SIGKILL
#   kafka.sh status    exit 0 when running and answering on the PLAINTEXT listener
#   kafka.sh reset     stop and delete the data dir
#   kafka.sh topics …  run org.apache.kafka.tools.TopicCommand against the broker
#
# Environment:
#   KAFKA_STATE_DIR       config, pid, logs and data of this broker (default: <this dir>/.cache)
#   KAFKA_DATA_DIR        log.dirs (default: $KAFKA_STATE_DIR/data)
#   KAFKA_PORT            PLAINTEXT listener port on 127.0.0.1 (default: 9092)
#   KAFKA_CONTROLLER_PORT CONTROLLER listener port on 127.0.0.1 (default: 9093)
#   KAFKA_SASL_PORT       opt-in: a SASL_PLAINTEXT listener (mechanism PLAIN) on this port of
#                         127.0.0.1 besides the PLAINTEXT one (tests of the clients' SASL settings)
#   KAFKA_SASL_PLAIN_USERS  its accounts, user:password[,user:password] (required with
#                         KAFKA_SASL_PORT; letters, digits and . _ - only). Written into
#                         server.properties in the state dir (mode 600): test accounts only.
#   KAFKA_HEAP            JVM heap flags (default: -Xmx512m -Xms256m)
#   KAFKA_JVM_OPTS        extra JVM flags
#   KAFKA_START_TIMEOUT   seconds to wait for the broker to answer (default: 60)
#   KAFKA_STOP_TIMEOUT    seconds to wait after SIGTERM before SIGKILL (default: 30)
#   MVN / JAVA_HOME       maven / java to use
#
# Everything it creates lives in <this dir>/.cache/ (git-ignored): libs/, data/,
# server.properties, log4j.properties, kafka.log (broker log), kafka.out
# (JVM stdout/stderr), kafka.pid.
set -euo pipefail

KAFKA_VERSION=3.9.1
HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="$DIR/.cache"
LIBS="$CACHE/libs"
STAMP="$CACHE/libs.stamp"
# A second broker (e.g. the health test's, which it stops and starts) gets its own state dir.
STATE="${KAFKA_STATE_DIR:-$CACHE}"
DATA_DIR="${KAFKA_DATA_DIR:-$STATE/data}"
CONF="$STATE/server.properties"
LOG4J="$STATE/log4j.properties"
LOG_FILE="$STATE/kafka.log"
OUT_FILE="$STATE/kafka.out"
PID_FILE="$STATE/kafka.pid"
SASL_PORT="${KAFKA_SASL_PORT:-}"
SASL_PLAIN_USERS="${KAFKA_SASL_PLAIN_USERS:-}"
KAFKA_HEAP="${KAFKA_HEAP:--Xmx512m -Xms256m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:-}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
MVN="${MVN:-mvn}"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA=java
fi

log() { printf 'kafka: %s\n' "$*"; }
die() { printf 'kafka: error: %s\n' "$*" >&2; exit 1; }

# Serialise start/stop/reset/install between concurrent callers.
lock() {
  mkdir -p "$CACHE" "$STATE"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$STATE/.lock"
    flock -w 120 9 || die "could not take $STATE/.lock"
  fi
}

# ---------------------------------------------------------------- install ---

pom_hash() { sha256sum "$DIR/pom.xml" | cut -d' ' -f1; }

installed() {
  [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(pom_hash)" ]] &&
    compgen -G "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null
}

do_install() {
  if installed; then
    log "kafka $KAFKA_VERSION jars already in $LIBS"
    return 0
  fi
  command -v "$MVN" >/dev/null 2>&1 || die "maven ($MVN) not found"
  log "resolving kafka $KAFKA_VERSION jars with maven into $LIBS"
  rm -rf "$LIBS" "$STAMP"
  mkdir -p "$CACHE"
  local mvn_log="$CACHE/mvn.log"
  # Offline first (no network needed once ~/.m2 has everything), then online.
  if ! "$MVN" -B -q -o -f "$DIR/pom.xml" package >"$mvn_log" 2>&1; then
    if ! "$MVN" -B -q -f "$DIR/pom.xml" package >"$mvn_log" 2>&1; then
      tail -n 40 "$mvn_log" >&2
      die "maven failed (full log: $mvn_log)"
    fi
  fi
  compgen -G "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null ||
    die "maven ran but $LIBS has no kafka_2.13-$KAFKA_VERSION.jar"
  pom_hash >"$STAMP"
  log "installed $(find "$LIBS" -name '*.jar' | wc -l) jars"
}

# ---------------------------------------------------------------- process ---

# Is $1 a live broker process started with our server.properties?
is_our_broker() {
  local pid="$1" cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *kafka.Kafka* && "$cmdline" == *"$CONF"* ]]
}

# Prints the broker pid (from the pid file, else found by its command line).
broker_pid() {
  local pid="" p
  if [[ -f "$PID_FILE" ]]; then
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    if is_our_broker "$pid"; then
      echo "$pid"
      return 0
    fi
  fi
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    if is_our_broker "$p"; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/${1:-$PORT}" 2>/dev/null
}

# A real Kafka protocol round trip: ApiVersions v0 request (api_key 18,
# correlation id 42, client id "kafka.sh"); expects the same correlation id
# and error code 0. The broker only serves requests once it has finished
# starting up (caught up with the metadata log and been unfenced).
answers() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "\x00\x00\x00\x12\x00\x12\x00\x00\x00\x00\x00\x2a\x00\x08kafka.sh" >&3
    resp="$(head -c 10 <&3 | od -An -tx1 | tr -d " \n")"
    [[ "${resp:8:12}" == "0000002a0000" ]]
  ' _ "$HOST" "$PORT" 2>/dev/null
}

# ------------------------------------------------------------------ start ---

# The SASL_PLAINTEXT listener's lines (none unless KAFKA_SASL_PORT is set): PLAIN accounts from
# KAFKA_SASL_PLAIN_USERS in the listener's JAAS entry. Brokers talk to each other on PLAINTEXT.
sasl_listener_config() {
  [[ -n "$SASL_PORT" ]] || return 0
  local jaas="org.apache.kafka.common.security.plain.PlainLoginModule required" pair user password
  local -a pairs
  IFS=',' read -r -a pairs <<<"$SASL_PLAIN_USERS"
  for pair in "${pairs[@]}"; do
    user="${pair%%:*}"
    password="${pair#*:}"
    jaas+=" user_$user=\"$password\""
  done
  printf '%s\n' \
    "sasl.enabled.mechanisms=PLAIN" \
    "listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN" \
    "listener.name.sasl_plaintext.plain.sasl.jaas.config=$jaas;"
}

check_sasl_settings() {
  [[ -z "$SASL_PORT" && -z "$SASL_PLAIN_USERS" ]] && return 0
  [[ "$SASL_PORT" =~ ^[0-9]+$ ]] || die "KAFKA_SASL_PORT must be a port number (with KAFKA_SASL_PLAIN_USERS)"
  [[ "$SASL_PORT" != "$PORT" && "$SASL_PORT" != "$CONTROLLER_PORT" ]] ||
    die "KAFKA_SASL_PORT must differ from KAFKA_PORT and KAFKA_CONTROLLER_PORT"
  [[ "$SASL_PLAIN_USERS" =~ ^[A-Za-z0-9._-]+:[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+:[A-Za-z0-9._-]+)*$ ]] ||
    die "KAFKA_SASL_PLAIN_USERS must be user:password[,user:password] (letters, digits, . _ -)"
}

write_config() {
  mkdir -p "$CACHE" "$STATE" "$DATA_DIR"
  local listeners="PLAINTEXT://$HOST:$PORT" protocols="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
  if [[ -n "$SASL_PORT" ]]; then
    listeners+=",SASL_PLAINTEXT://$HOST:$SASL_PORT"
    protocols+=",SASL_PLAINTEXT:SASL_PLAINTEXT"
  fi
  # With SASL it holds the test accounts' passwords: readable by its owner only.
  [[ -z "$SASL_PORT" ]] || (umask 077 && : >"$CONF" && chmod 600 "$CONF")
  cat >"$CONF" <<EOF
# Generated by infra/kafka/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=$listeners,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=$listeners
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=$protocols
$(sasl_listener_config)
log.dirs=$DATA_DIR
num.partitions=6
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
# After an unclean end (SIGKILL, machine reset) the controller rejects the
# broker's new registration until the old session times out (default 9 s,
# plus backoff: ~13 s restarts). A shorter session keeps restarts quick.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4000
EOF
  cat >"$LOG4J" <<EOF
# Generated by infra/kafka/kafka.sh: everything goes to $LOG_FILE, nothing to the console.
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$LOG_FILE
log4j.appender.file.MaxFileSize=50MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
EOF
}

# Kafka cluster ids are 16 random bytes, base64url without padding (22 chars);
# Kafka's own generator avoids ids starting with '-'.
random_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && { echo "$id"; return 0; }
  done
}

format_storage() {
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    return 0
  fi
  local cid
  cid="$(random_cluster_id)"
  log "formatting storage in $DATA_DIR (cluster id $cid)"
  "$JAVA" -Xmx256m -Dlog4j.configuration="file:$LOG4J" -cp "$LIBS/*" \
    kafka.tools.StorageTool format -t "$cid" -c "$CONF" --ignore-formatted \
    >"$STATE/format.out" 2>&1 || { cat "$STATE/format.out" >&2; die "storage format failed"; }
}

wait_until_ready() {
  local pid="$1" started=$SECONDS
  while ((SECONDS - started < START_TIMEOUT)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "broker process $pid exited during startup; last lines of $LOG_FILE:" >&2
      tail -n 30 "$LOG_FILE" >&2 2>/dev/null || true
      tail -n 10 "$OUT_FILE" >&2 2>/dev/null || true
      rm -f "$PID_FILE"
      return 1
    fi
    if port_open && answers && { [[ -z "$SASL_PORT" ]] || port_open "$SASL_PORT"; }; then
      return 0
    fi
    sleep 0.5
  done
  log "broker did not answer on $HOST:$PORT within ${START_TIMEOUT}s; see $LOG_FILE" >&2
  return 1
}

do_start() {
  local pid t0=$SECONDS
  if pid="$(broker_pid)"; then
    echo "$pid" >"$PID_FILE"
    if answers; then
      log "already running (pid $pid) and answering on $HOST:$PORT"
      return 0
    fi
    log "already running (pid $pid), waiting for it to answer on $HOST:$PORT"
    wait_until_ready "$pid" || exit 1
    log "ready on $HOST:$PORT"
    return 0
  fi
  rm -f "$PID_FILE"
  if port_open; then
    if answers; then
      log "a broker not started by this script already answers on $HOST:$PORT; using it"
      return 0
    fi
    die "port $HOST:$PORT is taken by another process"
  fi

  check_sasl_settings
  do_install
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found"
  write_config
  format_storage

  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.prev"
  local -a heap opts
  read -r -a heap <<<"$KAFKA_HEAP"
  read -r -a opts <<<"$KAFKA_JVM_OPTS"
  log "starting broker (data: $DATA_DIR, log: $LOG_FILE)"
  # setsid: own session, so the broker outlives the calling shell / CI step.
  # The inner sh writes its own pid, then execs java, so the pid is java's.
  # shellcheck disable=SC2016 # expanded by the inner sh
  setsid sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$PID_FILE" \
    "$JAVA" "${heap[@]}" \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$LOG4J" -Dkafka.logs.dir="$STATE" \
    "${opts[@]}" \
    -cp "$LIBS/*" kafka.Kafka "$CONF" \
    </dev/null >"$OUT_FILE" 2>&1 9>&- &
  local _
  for _ in $(seq 1 50); do
    [[ -s "$PID_FILE" ]] && break
    sleep 0.1
  done
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || die "broker process did not start (see $OUT_FILE)"
  log "broker pid $pid, waiting up to ${START_TIMEOUT}s for $HOST:$PORT"
  wait_until_ready "$pid" || exit 1
  log "ready on $HOST:$PORT${SASL_PORT:+ (SASL/PLAIN on $HOST:$SASL_PORT)} after $((SECONDS - t0))s"
}

# ------------------------------------------------------------- stop/reset ---

do_stop() {
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local started=$SECONDS
  while kill -0 "$pid" 2>/dev/null && ((SECONDS - started < STOP_TIMEOUT)); do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  log "stopped after $((SECONDS - started))s"
}

do_reset() {
  do_stop
  [[ -n "$DATA_DIR" && "$DATA_DIR" != "/" ]] || die "refusing to delete data dir '$DATA_DIR'"
  rm -rf "$DATA_DIR"
  log "deleted $DATA_DIR"
}

do_status() {
  local pid
  if pid="$(broker_pid)"; then
    if answers; then
      log "running (pid $pid), answering on $HOST:$PORT"
      return 0
    fi
    log "running (pid $pid) but not answering on $HOST:$PORT"
    return 1
  fi
  if answers; then
    log "not started by this script, but a broker answers on $HOST:$PORT"
    return 0
  fi
  log "not running"
  return 3
}

do_topics() {
  installed || die "not installed; run: $0 install"
  local tools_log4j="$CACHE/tools-log4j.properties"
  printf '%s\n' 'log4j.rootLogger=WARN, stderr' \
    'log4j.appender.stderr=org.apache.log4j.ConsoleAppender' \
    'log4j.appender.stderr.Target=System.err' \
    'log4j.appender.stderr.layout=org.apache.log4j.PatternLayout' \
    'log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n' >"$tools_log4j"
  exec "$JAVA" -Xmx256m -Dlog4j.configuration="file:$tools_log4j" -cp "$LIBS/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$PORT" "$@"
}

usage() {
  echo "usage: $(basename "$0") {install|start|stop|status|reset|topics [TopicCommand args]}" >&2
  exit 2
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  install) lock; do_install ;;
  start) lock; do_start ;;
  stop) lock; do_stop ;;
  status) do_status ;;
  reset) lock; do_reset ;;
  topics) do_topics "$@" ;;
  *) usage ;;
esac
