#!/usr/bin/env bash
# Local PostgreSQL for Fieldline: the Debian PostgreSQL 15 cluster plus a WebSocket-to-TCP proxy, which
# is how the Neon serverless driver (WebSockets only) reaches a plain PostgreSQL. Used by `npm run test:pg`
# and .ci/run; production connects to Neon directly and needs none of this.
#
# The proxy is scripts/ws-proxy.mjs (Node, one process) unless PG_PROXY=websockify picks Debian's
# websockify, which forks a Python process per connection: 140 ms per connect-query-close here against
# 52 ms (docs/postgres.md), and the Worker connects once per request.
#
#   scripts/pg.sh start   start the cluster and the proxy, create the role and the database
#   scripts/pg.sh stop    stop the proxy, and the cluster if `start` started it
#   scripts/pg.sh url     print the DATABASE_URL to use
#
# Settings (environment): PG_PORT (5432), PG_PROXY_PORT (5488), PG_PROXY (node | websockify),
# PG_USER/PG_PASSWORD (fieldline), PG_DATABASE (fieldline).
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
PG_PORT="${PG_PORT:-5432}"
PG_PROXY_PORT="${PG_PROXY_PORT:-5488}"
PG_PROXY="${PG_PROXY:-node}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PG_USER="${PG_USER:-fieldline}"
PG_PASSWORD="${PG_PASSWORD:-fieldline}"
PG_DATABASE="${PG_DATABASE:-fieldline}"
STATE_DIR="${STATE_DIR:-$ROOT/.wrangler/pg}"

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi
}

psql_admin() { as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }

start_cluster() {
  if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" { print $4 }' | grep -q online; then
    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start
    mkdir -p "$STATE_DIR"
    touch "$STATE_DIR/cluster-started-here"
  fi
  for _ in $(seq 1 50); do pg_isready -q -p "$PG_PORT" && break; sleep 0.2; done
  pg_isready -q -p "$PG_PORT" || { echo "PostgreSQL did not start on port $PG_PORT" >&2; exit 1; }
}

# The role signs in with a plain password over loopback (pg_hba `password`), not SCRAM: the Neon driver
# computes SCRAM's key derivation in JavaScript, about 150 ms per connection here, and the Worker opens a
# connection per request. Neon itself takes the password the same way (over TLS). Local clusters only.
allow_password_login() {
  local hba
  hba="$(as_postgres psql -p "$PG_PORT" -qtAc 'SHOW hba_file')"
  if ! grep -qE "^host\s+all\s+$PG_USER\s+127\.0\.0\.1/32\s+password" "$hba"; then
    sed -i "0,/^# TYPE/s//host    all             $PG_USER       127.0.0.1\/32            password\n&/" "$hba"
    as_postgres psql -p "$PG_PORT" -qtAc 'SELECT pg_reload_conf()' >/dev/null
  fi
}

ensure_role_and_database() {
  if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != 1 ]; then
    psql_admin -c "CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
  fi
  if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" != 1 ]; then
    psql_admin -c "CREATE DATABASE $PG_DATABASE OWNER $PG_USER"
  fi
}

start_proxy() {
  mkdir -p "$STATE_DIR"
  local pidfile="$STATE_DIR/proxy.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then return; fi
  if [ "$PG_PROXY" = websockify ]; then
    command -v websockify >/dev/null || { echo "websockify is not installed (apt-get install -y websockify)" >&2; exit 1; }
    websockify "127.0.0.1:$PG_PROXY_PORT" "127.0.0.1:$PG_PORT" >"$STATE_DIR/proxy.log" 2>&1 &
  else
    (cd "$ROOT" && exec node scripts/ws-proxy.mjs "127.0.0.1:$PG_PROXY_PORT" "127.0.0.1:$PG_PORT") >"$STATE_DIR/proxy.log" 2>&1 &
  fi
  echo $! >"$pidfile"
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PG_PROXY_PORT") 2>/dev/null && return
    sleep 0.1
  done
  echo "the WebSocket proxy did not start on port $PG_PROXY_PORT (see $STATE_DIR/proxy.log)" >&2
  exit 1
}

stop_proxy() {
  local pidfile="$STATE_DIR/proxy.pid"
  if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile"; fi
  if [ -f "$STATE_DIR/cluster-started-here" ]; then
    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main stop || true
    rm -f "$STATE_DIR/cluster-started-here"
  fi
}

url() { echo "postgres://$PG_USER:$PG_PASSWORD@localhost:$PG_PORT/$PG_DATABASE"; }

case "${1:-}" in
  start) start_cluster; ensure_role_and_database; allow_password_login; start_proxy; echo "PostgreSQL on :$PG_PORT, WebSocket proxy on :$PG_PROXY_PORT";;
  stop) stop_proxy;;
  url) url;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2;;
esac
