#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the storage tests: its own temporary folder, listening only
# on a Unix socket inside it, trust authentication, a fresh database. It never touches another
# server.
#
# Usage:
#   scripts/postgres.sh start       start a cluster; prints two lines for the caller:
#                                     CHAMDIEM_TEST_POSTGRES_DIR=<folder>
#                                     CHAMDIEM_TEST_POSTGRES_URL=<connection URL>
#   scripts/postgres.sh stop DIR    stop the cluster in DIR and delete DIR (idempotent)
#   scripts/postgres.sh down DIR    stop the cluster in DIR (fast shutdown), keeping its data
#   scripts/postgres.sh up DIR      start the cluster in DIR again, on the same socket
#
# `down` and `up` let the tests take the database away for a moment and bring it back.
#
# The binaries are looked up under /usr/lib/postgresql/*/bin (newest first), then on PATH; when
# there are none, `apt-get install postgresql` installs them. initdb refuses to run as root, so
# as root the cluster runs as the `postgres` user (runuser). Progress goes to stderr.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local d
  while read -r d; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return 0
    fi
  done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r)
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

install_postgres() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  log "no PostgreSQL binaries found: installing the postgresql package"
  $sudo apt-get update >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
}

# as_owner CMD...: runs CMD as the cluster's owner (the postgres user when we are root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
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

# pg_start BIN DIR: starts the cluster of DIR with the options saved in DIR/options.
pg_start() {
  as_owner "$1/pg_ctl" -D "$2/data" -l "$2/data/server.log" -w -t 30 -o "$(cat "$2/options")" start >&2
}

# made_here DIR: whether DIR is a folder made by `start` (the only kind this script touches).
made_here() {
  case "$(basename "$1")" in
    chamdiem-pg.*) return 0 ;;
    *) log "refusing to touch $1: not a folder made by '$0 start'"; return 2 ;;
  esac
}

down() {
  local dir="${1:-}" bin
  [ -n "$dir" ] || { log "usage: $0 down DIR"; return 2; }
  made_here "$dir" || return 2
  bin="$(find_bin)"
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >&2
}

up() {
  local dir="${1:-}" bin
  [ -n "$dir" ] || { log "usage: $0 up DIR"; return 2; }
  made_here "$dir" || return 2
  bin="$(find_bin)"
  pg_start "$bin" "$dir"
}

start() {
  local bin dir port db
  bin="$(find_bin)" || { install_postgres && bin="$(find_bin)"; } || {
    log "PostgreSQL binaries are still missing after installing"
    return 1
  }
  if [ "$(id -u)" -eq 0 ] && ! id -u postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
  dir="$(mktemp -d "${TMPDIR:-/tmp}/chamdiem-pg.XXXXXX")"
  chmod 0755 "$dir"
  [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
  port="$(free_port)"
  db="chamdiem_test_$(date +%s)_$$"
  log "initdb in $dir with $bin"
  if ! as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C \
      --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    return 1
  fi
  # Throwaway data: durability settings off to keep the tests fast.
  echo "-k $dir -p $port -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >"$dir/options"
  if ! pg_start "$bin" "$dir"; then
    cat "$dir/data/server.log" >&2 || true
    rm -rf "$dir"
    return 1
  fi
  as_owner "$bin/createdb" -h "$dir" -p "$port" -U postgres "$db" >&2
  log "started on socket $dir/.s.PGSQL.$port, database $db"
  echo "CHAMDIEM_TEST_POSTGRES_DIR=$dir"
  echo "CHAMDIEM_TEST_POSTGRES_URL=postgresql://postgres@localhost/$db?host=$dir&port=$port"
}

stop() {
  local dir="${1:-}" bin pid
  if [ -z "$dir" ]; then
    log "usage: $0 stop DIR"
    return 2
  fi
  made_here "$dir" || return 2
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    if bin="$(find_bin)"; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 20 stop >&2 || true
    fi
    if [ -f "$dir/data/postmaster.pid" ]; then
      pid="$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
      [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$dir"
  log "stopped and removed $dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  down) down "${2:-}" ;;
  up) up "${2:-}" ;;
  *) echo "usage: $0 start | $0 stop DIR | $0 down DIR | $0 up DIR" >&2; exit 2 ;;
esac
