#!/usr/bin/env bash
# The project's own local PostgreSQL 15 + PostGIS cluster.
#
#   scripts/db.sh start    install packages if missing, create the cluster if missing, start it (idempotent)
#   scripts/db.sh stop     stop the cluster
#   scripts/db.sh reset    stop, delete the cluster and its credentials, start afresh
#   scripts/db.sh status   say whether it runs
#   scripts/db.sh env      print the connection variables (eval "$(scripts/db.sh env)")
#   scripts/db.sh psql     open psql as the superuser on the gridgov database
#   scripts/db.sh standby  start a streaming (hot, read-only) standby of it on the next port (54330);
#                          standby-stop stops it, stop and reset stop it too
#
# The cluster lives in .pgdata/ (ignored by git) and listens on 127.0.0.1:$GRIDGOV_PG_PORT (54329).
# Roles: postgres (superuser, local only), gridgov_owner (owns the schema, runs migrations, owns the
# SECURITY DEFINER lookups, BYPASSRLS), gridgov_app (what the service uses: no BYPASSRLS).
# Database gridgov is the service's; gridgov_template (PostGIS ready) is what tests clone.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGVER=15
PGBIN=/usr/lib/postgresql/$PGVER/bin
PORT=${GRIDGOV_PG_PORT:-54329}
CREDS=$ROOT/.run/credentials
# The cluster lives in the project; when the postgres user cannot reach the project directory
# (a checkout under /root, say), it lives under /var/tmp instead, named after the project path.
choose_pgdata() {
  if [ -n "${GRIDGOV_PGDATA:-}" ]; then
    PGDATA=$GRIDGOV_PGDATA
  elif [ "$(id -u)" != 0 ] || ! id postgres >/dev/null 2>&1 || runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
    PGDATA=$ROOT/.pgdata
  else
    PGDATA=/var/tmp/gridgov-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)/pgdata
  fi
}
choose_pgdata
SUPERUSER=postgres

log() { printf 'db: %s\n' "$*" >&2; }

# Runs a command as the cluster's OS user: PostgreSQL refuses to run as root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

install_packages() {
  local need=()
  [ -x "$PGBIN/postgres" ] || need+=("postgresql-$PGVER")
  [ -f "/usr/share/postgresql/$PGVER/extension/postgis.control" ] || need+=("postgresql-$PGVER-postgis-3")
  [ -f "/usr/share/postgresql/$PGVER/extension/pgtap.control" ] || need+=("postgresql-$PGVER-pgtap")
  command -v psql >/dev/null || need+=("postgresql-client-$PGVER")
  # Not the database's, but every build needs it and this is where the project installs packages:
  # libxlsxwriter for the XLSX exports.
  [ -f /usr/include/xlsxwriter.h ] || need+=("libxlsxwriter-dev")
  # WeasyPrint (Pango + Cairo) and a CJK font, for the briefs' PDF.
  command -v weasyprint >/dev/null || need+=("weasyprint")
  [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=("fonts-wqy-microhei")
  # unzip, for the tests that read an XLSX's cells back.
  command -v unzip >/dev/null || need+=("unzip")
  [ ${#need[@]} -eq 0 ] && return 0
  log "installing ${need[*]}"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

random_secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

is_running() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }

init_cluster() {
  [ -f "$PGDATA/PG_VERSION" ] && return 0
  log "creating cluster in $PGDATA"
  mkdir -p "$PGDATA" "$(dirname "$CREDS")"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$PGDATA"
    [ "$(dirname "$PGDATA")" = "$ROOT" ] || chown postgres "$(dirname "$PGDATA")"
  fi
  chmod 700 "$PGDATA"
  local super_pw owner_pw app_pw pwfile
  super_pw=$(random_secret); owner_pw=$(random_secret); app_pw=$(random_secret)
  pwfile=$(mktemp); echo "$super_pw" >"$pwfile"; chmod 644 "$pwfile"
  as_pg "$PGBIN/initdb" -D "$PGDATA" -U "$SUPERUSER" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  # A quarter of the machine's memory for the buffer cache (between 128 MB and 8 GB), as a
  # database server is set up: the figures of a period read its cases from memory.
  local mem_kb buffers_mb
  mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || echo 2097152)
  buffers_mb=$(( mem_kb / 4096 )); [ "$buffers_mb" -lt 128 ] && buffers_mb=128; [ "$buffers_mb" -gt 8192 ] && buffers_mb=8192
  cat >>"$PGDATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = ''
max_connections = 200
shared_buffers = ${buffers_mb}MB
effective_cache_size = $(( buffers_mb * 3 ))MB
fsync = on
synchronous_commit = on
log_min_duration_statement = 1000
timezone = 'UTC'
EOF
  umask 077
  cat >"$CREDS" <<EOF
SUPER_PW=$super_pw
OWNER_PW=$owner_pw
APP_PW=$app_pw
EOF
}

load_creds() { # shellcheck disable=SC1090
  . "$CREDS"
}

super_psql() {
  PGPASSWORD=$SUPER_PW psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" "$@"
}

bootstrap_roles() {
  # Roles, the service database and the test template; every statement tolerates a second run.
  super_psql -d postgres >/dev/null <<EOF
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridgov_owner') THEN
    CREATE ROLE gridgov_owner LOGIN CREATEDB BYPASSRLS PASSWORD '$OWNER_PW';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridgov_app') THEN
    CREATE ROLE gridgov_app LOGIN NOBYPASSRLS PASSWORD '$APP_PW';
  END IF;
END \$\$;
EOF
  local db
  for db in gridgov_template gridgov; do
    if [ -z "$(super_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      if [ "$db" = gridgov_template ]; then
        super_psql -d postgres -c "CREATE DATABASE gridgov_template OWNER gridgov_owner"
        super_psql -d gridgov_template -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS btree_gist; CREATE EXTENSION IF NOT EXISTS pgtap; REVOKE CREATE ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO gridgov_owner;"
        super_psql -d postgres -c "ALTER DATABASE gridgov_template WITH IS_TEMPLATE true"
      else
        super_psql -d postgres -c "CREATE DATABASE gridgov TEMPLATE gridgov_template OWNER gridgov_owner"
      fi
    fi
  done
}

start() {
  install_packages
  choose_pgdata
  init_cluster
  load_creds
  if ! is_running; then
    log "starting on 127.0.0.1:$PORT"
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 start >/dev/null
  fi
  bootstrap_roles
  log "ready on 127.0.0.1:$PORT"
}

stop() {
  stop_standby
  if [ -f "$PGDATA/PG_VERSION" ] && is_running; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    log "stopped"
  fi
}

# A streaming standby of the local cluster (hot, read-only) on the next port, for the statistics'
# reads off the primary (GRIDGOV_READ_URL): a base backup of the primary, following its WAL.
standby_data() { printf '%s' "${PGDATA%/}-standby"; }

standby() {
  start
  local data port=$((PORT + 1))
  data=$(standby_data)
  if [ ! -f "$data/PG_VERSION" ]; then
    make_standby "$data" "$port"
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "starting the standby on 127.0.0.1:$port"
    as_pg "$PGBIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null
  fi
  # A standby stopped while the primary wrote more WAL than it keeps cannot catch up: it waits for
  # segments that are gone. It is made again from a new base backup.
  if ! streaming; then
    log "the standby cannot follow the primary (its WAL is gone): making it again"
    as_pg "$PGBIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$data"
    make_standby "$data" "$port"
    as_pg "$PGBIN/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null
    streaming || { log "the new standby does not stream either: see $data/server.log"; exit 1; }
  fi
  log "standby ready on 127.0.0.1:$port"
}

make_standby() {
  local data=$1 port=$2
  log "making a streaming standby in $data"
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown postgres "$data"
  chmod 700 "$data"
  as_pg env PGPASSWORD="$SUPER_PW" "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" -D "$data" -R -X stream -c fast
  # The copy carries the primary's settings; a later line wins.
  printf 'port = %s\nhot_standby = on\n' "$port" | as_pg tee -a "$data/postgresql.conf" >/dev/null
}

# Whether a standby follows the primary (within 30 s): streaming, or catching up on WAL the
# primary still has. One whose WAL is gone never gets that far.
streaming() {
  local i
  for i in $(seq 1 60); do
    [ "$(super_psql -At -d postgres -c "SELECT count(*) FROM pg_stat_replication WHERE state IN ('streaming', 'catchup')")" != 0 ] && return 0
    sleep 0.5
  done
  return 1
}

stop_standby() {
  local data
  data=$(standby_data)
  if [ -f "$data/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    log "standby stopped"
  fi
}

print_env() {
  load_creds
  cat <<EOF
export GRIDGOV_PG_PORT=$PORT
export DATABASE_URL='postgres://gridgov_app:$APP_PW@127.0.0.1:$PORT/gridgov'
export GRIDGOV_OWNER_URL='postgres://gridgov_owner:$OWNER_PW@127.0.0.1:$PORT/gridgov'
export GRIDGOV_TEST_OWNER_URL='postgres://gridgov_owner:$OWNER_PW@127.0.0.1:$PORT/postgres'
export GRIDGOV_TEST_APP_PASSWORD='$APP_PW'
EOF
  if [ -f "$(standby_data)/PG_VERSION" ]; then
    echo "export GRIDGOV_TEST_STANDBY_PORT=$((PORT + 1))"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  reset) stop; rm -rf "$PGDATA" "$(standby_data)" "$CREDS"; start ;;
  standby) standby ;;
  standby-stop) stop_standby ;;
  status) if [ -f "$PGDATA/PG_VERSION" ] && is_running; then echo "running on 127.0.0.1:$PORT"; else echo "stopped"; exit 3; fi ;;
  env) [ -f "$CREDS" ] || { log "no cluster yet: run scripts/db.sh start"; exit 1; }; print_env ;;
  psql) shift; load_creds; super_psql -d gridgov "$@" ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
