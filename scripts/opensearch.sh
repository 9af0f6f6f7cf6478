#!/usr/bin/env bash
# A throw-away single-node OpenSearch for Peregrine's integration tests.
#
#   scripts/opensearch.sh start    fetch (mvn) + unpack (cache) + start on 127.0.0.1:$PORT, wait for health
#   scripts/opensearch.sh stop     stop the node this script started (pid file), wait for it to exit
#   scripts/opensearch.sh status   exit 0 when a node answers on $PORT with green/yellow health
#
# The distribution is OpenSearch's `integ-test-zip` (core + netty4 only: no security plugin, plain HTTP, no auth),
# fetched from Maven with `mvn dependency:get` into ~/.m2 and unpacked into the cache dir. OpenSearch refuses to run
# as root, so as root the node runs as a dedicated unprivileged user (created here with useradd when missing).
# Works without a terminal (CI=true, no stdin) and is idempotent: `start` on a running node and `stop` on a stopped
# one both succeed.
#
# Environment:
#   PEREGRINE_OPENSEARCH_PORT     HTTP port (default 9200)
#   PEREGRINE_OPENSEARCH_VERSION  distribution version (default 2.19.6)
#   PEREGRINE_OPENSEARCH_CACHE    cache dir (default <repo>/.cache/opensearch)
#   PEREGRINE_OPENSEARCH_HEAP     JVM heap (default 512m)
#   PEREGRINE_OPENSEARCH_TIMEOUT  seconds to wait for health (default 120)
#   PEREGRINE_OPENSEARCH_USER     user to run as when root (default peregrine-os)
#   PEREGRINE_OPENSEARCH_KEEP_DATA=1  keep the data dir between starts (default: wiped on start, tests are repeatable)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${PEREGRINE_OPENSEARCH_VERSION:-2.19.6}"
PORT="${PEREGRINE_OPENSEARCH_PORT:-9200}"
CACHE="${PEREGRINE_OPENSEARCH_CACHE:-$ROOT/.cache/opensearch}"
HEAP="${PEREGRINE_OPENSEARCH_HEAP:-512m}"
TIMEOUT="${PEREGRINE_OPENSEARCH_TIMEOUT:-120}"
RUN_USER="${PEREGRINE_OPENSEARCH_USER:-peregrine-os}"
SETSID="$(command -v setsid || true)"
ARTIFACT="org.opensearch.distribution.integ-test-zip:opensearch:${VERSION}:zip"
M2_ZIP="${HOME}/.m2/repository/org/opensearch/distribution/integ-test-zip/opensearch/${VERSION}/opensearch-${VERSION}.zip"

log() { printf 'opensearch: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

# Health of the node on $PORT: prints green/yellow/red, or nothing when nothing answers.
health() {
  local body=""
  if command -v curl >/dev/null 2>&1; then
    body="$(curl -s --max-time 3 "http://127.0.0.1:${PORT}/_cluster/health" 2>/dev/null || true)"
  else
    body="$(node -e "fetch('http://127.0.0.1:${PORT}/_cluster/health',{signal:AbortSignal.timeout(3000)}).then(r=>r.text()).then(t=>process.stdout.write(t)).catch(()=>{})" 2>/dev/null || true)"
  fi
  printf '%s' "$body" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p'
}

healthy() {
  local h
  h="$(health)"
  [[ "$h" == "green" || "$h" == "yellow" ]]
}

# Where the node lives. As root, the run user must be able to reach the cache; when the repo is not traversable
# by others (e.g. under /root), fall back to a cache under /var/tmp.
resolve_cache() {
  if [[ $(id -u) -eq 0 && -z "${PEREGRINE_OPENSEARCH_CACHE:-}" ]]; then
    local d="$ROOT"
    while [[ "$d" != "/" ]]; do
      local perm
      perm="$(stat -c '%a' "$d")"
      if (( (${perm: -1}) & 1 )); then :; else
        CACHE="/var/tmp/peregrine-opensearch"
        break
      fi
      d="$(dirname "$d")"
    done
  fi
  HOME_DIR="$CACHE/opensearch-${VERSION}"
  DATA_DIR="$CACHE/data-${PORT}"
  LOG_DIR="$CACHE/logs-${PORT}"
  PID_FILE="$CACHE/opensearch-${PORT}.pid"
}

fetch_and_unpack() {
  if [[ -x "$HOME_DIR/bin/opensearch" ]]; then return 0; fi
  mkdir -p "$CACHE"
  if [[ ! -f "$M2_ZIP" ]]; then
    command -v mvn >/dev/null 2>&1 || die "mvn is not installed; install Maven (or put ${ARTIFACT} in ~/.m2) and retry"
    log "fetching ${ARTIFACT} with mvn"
    mvn -q -B dependency:get -Dtransitive=false -Dartifact="$ARTIFACT" </dev/null >&2 ||
      die "mvn could not fetch ${ARTIFACT}; check network access to the Maven repository"
  fi
  [[ -f "$M2_ZIP" ]] || die "mvn reported success but ${M2_ZIP} is missing"
  log "unpacking into $CACHE"
  local tmp
  tmp="$(mktemp -d "$CACHE/unpack.XXXXXX")"
  if command -v unzip >/dev/null 2>&1; then
    unzip -q "$M2_ZIP" -d "$tmp"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -m zipfile -e "$M2_ZIP" "$tmp"
  elif command -v jar >/dev/null 2>&1; then
    (cd "$tmp" && jar xf "$M2_ZIP")
  else
    die "need unzip, python3 or jar to unpack $M2_ZIP"
  fi
  chmod +x "$tmp/opensearch-${VERSION}/bin/"*
  rm -rf "$HOME_DIR"
  mv "$tmp/opensearch-${VERSION}" "$HOME_DIR"
  rmdir "$tmp"
}

java_home() {
  if [[ -n "${OPENSEARCH_JAVA_HOME:-}" ]]; then printf '%s' "$OPENSEARCH_JAVA_HOME"; return; fi
  if [[ -n "${JAVA_HOME:-}" ]]; then printf '%s' "$JAVA_HOME"; return; fi
  local j
  j="$(command -v java)" || die "java is not installed (OpenSearch ${VERSION} needs Java 11+; 17 or 21 recommended)"
  j="$(readlink -f "$j")"
  dirname "$(dirname "$j")"
}

ensure_user() {
  if id -u "$RUN_USER" >/dev/null 2>&1; then return 0; fi
  log "creating unprivileged user $RUN_USER (OpenSearch refuses to run as root)"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_USER" 2>/dev/null ||
    useradd -r -M -s /bin/false "$RUN_USER" ||
    die "cannot create user $RUN_USER; run as a non-root user or set PEREGRINE_OPENSEARCH_USER to an existing one"
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && { printf '%s' "$pid"; return 0; }
  return 1
}

show_log_tail() {
  local f="$LOG_DIR/peregrine-test.log"
  if [[ -f "$f" ]]; then
    log "last lines of $f:"
    tail -n 40 "$f" >&2
  fi
  if [[ -f "$LOG_DIR/stdout.log" ]]; then
    log "last lines of $LOG_DIR/stdout.log:"
    tail -n 20 "$LOG_DIR/stdout.log" >&2
  fi
}

cmd_start() {
  if healthy; then
    log "already running on 127.0.0.1:${PORT}"
    return 0
  fi
  if pid="$(running_pid)"; then
    log "a node (pid $pid) is starting; waiting for it"
  else
    fetch_and_unpack
    local jh
    jh="$(java_home)"
    if [[ "${PEREGRINE_OPENSEARCH_KEEP_DATA:-}" != "1" ]]; then rm -rf "$DATA_DIR"; fi
    mkdir -p "$DATA_DIR" "$LOG_DIR"
    rm -f "$PID_FILE"
    local -a args=(
      -d -p "$PID_FILE"
      -Ecluster.name=peregrine-test
      -Enode.name=peregrine-test-node
      -Ediscovery.type=single-node
      -Enetwork.host=127.0.0.1
      -Ehttp.port="$PORT"
      -Etransport.port="$((PORT + 100))-$((PORT + 199))"
      -Epath.data="$DATA_DIR"
      -Epath.logs="$LOG_DIR"
      -Ecluster.routing.allocation.disk.threshold_enabled=false
      -Eaction.destructive_requires_name=false
    )
    local -a envs=(
      "OPENSEARCH_JAVA_HOME=$jh"
      "OPENSEARCH_JAVA_OPTS=-Xms${HEAP} -Xmx${HEAP} -XX:-HeapDumpOnOutOfMemoryError"
      "OPENSEARCH_PATH_CONF=$HOME_DIR/config"
      "PATH=$PATH"
    )
    log "starting OpenSearch ${VERSION} on 127.0.0.1:${PORT} (heap ${HEAP}, data $DATA_DIR)"
    if [[ $(id -u) -eq 0 ]]; then
      ensure_user
      chown -R "$RUN_USER:" "$CACHE"
      # The pid file dir must be writable by the run user; it is (the cache is chowned).
      if command -v setpriv >/dev/null 2>&1; then
        env -i "${envs[@]}" HOME=/tmp $SETSID setpriv --reuid="$RUN_USER" --regid="$(id -g "$RUN_USER")" --init-groups \
          "$HOME_DIR/bin/opensearch" "${args[@]}" </dev/null >"$LOG_DIR/stdout.log" 2>&1 ||
          { show_log_tail; die "OpenSearch failed to launch"; }
      else
        env -i "${envs[@]}" HOME=/tmp $SETSID runuser -u "$RUN_USER" -- \
          "$HOME_DIR/bin/opensearch" "${args[@]}" </dev/null >"$LOG_DIR/stdout.log" 2>&1 ||
          { show_log_tail; die "OpenSearch failed to launch"; }
      fi
    else
      env "${envs[@]}" $SETSID "$HOME_DIR/bin/opensearch" "${args[@]}" </dev/null >"$LOG_DIR/stdout.log" 2>&1 ||
        { show_log_tail; die "OpenSearch failed to launch"; }
    fi
  fi
  local waited=0
  while ((waited < TIMEOUT)); do
    if healthy; then
      log "ready on http://127.0.0.1:${PORT} after ${waited}s (pid $(cat "$PID_FILE" 2>/dev/null || echo '?'))"
      return 0
    fi
    if [[ -f "$PID_FILE" ]] && ! running_pid >/dev/null; then
      show_log_tail
      die "OpenSearch exited during startup (see the log above)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  show_log_tail
  die "OpenSearch did not report green/yellow health on 127.0.0.1:${PORT} within ${TIMEOUT}s"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    if healthy; then
      log "a node answers on 127.0.0.1:${PORT} but was not started by this script (no pid file in $CACHE); leaving it"
    else
      log "not running"
    fi
    return 0
  fi
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid did not exit after 30s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local h
  h="$(health)"
  if [[ "$h" == "green" || "$h" == "yellow" ]]; then
    log "running on 127.0.0.1:${PORT} (health $h)"
    return 0
  fi
  if [[ -n "$h" ]]; then log "answering on 127.0.0.1:${PORT} but health is $h"; else log "not running on 127.0.0.1:${PORT}"; fi
  return 1
}

resolve_cache
case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
*)
  echo "usage: $0 start|stop|status" >&2
  exit 2
  ;;
esac
