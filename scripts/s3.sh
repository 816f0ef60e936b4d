#!/usr/bin/env bash
# A throwaway S3-compatible object store for the scale-out tests: moto's server mode, installed
# from PyPI into its own virtual environment (.venv-s3, created once), listening on 127.0.0.1
# only, keeping everything in memory.
#
# Usage:
#   scripts/s3.sh install          create .venv-s3 and install moto[server] (idempotent, quick
#                                  when already done)
#   scripts/s3.sh start            install if needed, start a server; prints for the caller:
#                                    CHAMDIEM_TEST_S3_PID=<process id>
#                                    CHAMDIEM_TEST_S3_ENDPOINT=http://127.0.0.1:<port>
#   scripts/s3.sh stop PID         stop the server started with that process id (idempotent)
#
# Environment: PYTHON, the interpreter that creates .venv-s3 (default: python3).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-s3"
MOTO_VERSION="5.2.5"
STAMP="$VENV/.moto-$MOTO_VERSION"

log() { echo "s3.sh: $*" >&2; }

install() {
  if [ -f "$STAMP" ] && [ -x "$VENV/bin/moto_server" ]; then
    return 0
  fi
  log "installing moto[server]==$MOTO_VERSION into $VENV"
  [ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "moto[server]==$MOTO_VERSION" >&2
  touch "$STAMP"
}

free_port() {
  local port tries=0
  while [ $tries -lt 50 ]; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
    tries=$((tries + 1))
  done
  return 1
}

start() {
  install
  local port pid log_file tries=0
  port="$(free_port)"
  log_file="$(mktemp "${TMPDIR:-/tmp}/chamdiem-s3.XXXXXX.log")"
  # setsid: its own process group, so that `stop` ends it with any children.
  setsid "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log_file" 2>&1 </dev/null &
  pid=$!
  while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ $tries -ge 300 ]; then
      log "moto did not start:"
      cat "$log_file" >&2
      kill "$pid" 2>/dev/null || true
      return 1
    fi
    tries=$((tries + 1))
    sleep 0.1
  done
  log "moto $MOTO_VERSION listening on 127.0.0.1:$port (log: $log_file)"
  echo "CHAMDIEM_TEST_S3_PID=$pid"
  echo "CHAMDIEM_TEST_S3_ENDPOINT=http://127.0.0.1:$port"
}

stop() {
  local pid="${1:-}"
  [ -n "$pid" ] || { log "usage: $0 stop PID"; return 2; }
  if kill -0 "$pid" 2>/dev/null && grep -q moto "/proc/$pid/cmdline" 2>/dev/null; then
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    log "stopped moto ($pid)"
  fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 install | $0 start | $0 stop PID" >&2; exit 2 ;;
esac
