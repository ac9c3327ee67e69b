#!/usr/bin/env bash
# Faults, tested: a gridgov server on a PostgreSQL cluster of its own, N clients posting cases
# (scripts/faults-load.py, each report retried with its Idempotency-Key until acknowledged) while
# this script restarts PostgreSQL (-m fast and -m immediate, several times each), then SIGKILLs the
# server and starts it again, restarts the database once more, and finally stops the server with
# SIGTERM. Prints acknowledged / lost / duplicated cases, non-503 5xx answers, refused reports,
# unanswered requests, whether the server survived every database restart, and how long SIGTERM
# took; exits 1 unless lost = duplicated = unanswered = non-503 5xx = refused = 0, the server
# survived every restart without being restarted, and SIGTERM stopped it within 10 s.
#
#   scripts/faults.sh                  debug build (what scripts/test.sh built)
#   scripts/faults.sh --release        release build
#   FAULTS_CLIENTS=16 FAULTS_ROUNDS=5 scripts/faults.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
config=debug
[ "${1:-}" = "--release" ] && config=release
CLIENTS=${FAULTS_CLIENTS:-8}
ROUNDS=${FAULTS_ROUNDS:-3}
PG_PORT=${FAULTS_PG_PORT:-54349}
HTTP_PORT=${FAULTS_HTTP_PORT:-18095}
PGBIN=/usr/lib/postgresql/15/bin

scripts/db.sh start >/dev/null  # installs PostgreSQL + PostGIS when missing; this script uses a cluster of its own
need=()
command -v python3 >/dev/null || need+=(python3)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
work=$(mktemp -d /var/tmp/gridgov-faults.XXXXXX)
chmod 755 "$work"
if [ "$(id -u)" = 0 ]; then chown postgres "$work"; fi
swift build -c "$config" --product gridgov >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
bin=$(swift build -c "$config" --show-bin-path)/gridgov
PGDATA=$work/pgdata
as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
pg() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$work/postgres.log" "$@" >/dev/null; }
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  pg -m immediate stop 2>/dev/null || true
  if [ "${FAULTS_KEEP:-}" = 1 ]; then echo "faults: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
log() { printf 'faults: %s\n' "$*" >&2; }

# The cluster: trust on loopback (it lives for this run only), the project's two roles.
mkdir -p "$PGDATA"
if [ "$(id -u)" = 0 ]; then chown postgres "$PGDATA"; fi
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >/dev/null
cat >>"$PGDATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
max_connections = 100
fsync = on
synchronous_commit = on
timezone = 'UTC'
EOF
pg -w -t 60 start
psql_super() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }
psql_super -d postgres -c "CREATE ROLE gridgov_owner LOGIN CREATEDB BYPASSRLS" -c "CREATE ROLE gridgov_app LOGIN NOBYPASSRLS" \
  -c "CREATE DATABASE gridgov OWNER gridgov_owner"
psql_super -d gridgov -c "CREATE EXTENSION postgis; CREATE EXTENSION btree_gist; REVOKE CREATE ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO gridgov_owner"
export GRIDGOV_OWNER_URL="postgres://gridgov_owner:x@127.0.0.1:$PG_PORT/gridgov"
export DATABASE_URL="postgres://gridgov_app:x@127.0.0.1:$PG_PORT/gridgov"
"$bin" migrate >/dev/null
"$bin" demo seed --streets 2 --communities 2 >"$work/seed.txt"
password=$(awk '$1 == "dispatcher" { print $4 }' "$work/seed.txt")

start_server() {
  GRIDGOV_PORT=$HTTP_PORT GRIDGOV_BCRYPT_COST=4 LOG_LEVEL=${FAULTS_LOG_LEVEL:-warning} "$bin" serve >>"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    curl -sf "localhost:$HTTP_PORT/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  log "the server did not start"; tail -20 "$work/server.log"; exit 1
}
alive() { kill -0 "$server_pid" 2>/dev/null; }
start_server

# A token for the district dispatcher (a one-time password is changed first when the server asks).
login=$(curl -sf -X POST "localhost:$HTTP_PORT/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"tenant\":\"DEMO\",\"login\":\"dispatcher\",\"password\":\"$password\"}")
token=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' <<<"$login")
if python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin).get("mustChangePassword") else 1)' <<<"$login"; then
  curl -sf -X POST "localhost:$HTTP_PORT/v1/auth/password" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"currentPassword\":\"$password\",\"newPassword\":\"faults-$password\"}" >/dev/null
fi
read -r lat lng < <("$bin" demo geojson --streets 2 --communities 2 | python3 -c '
import json, sys
grid = next(f for f in json.load(sys.stdin)["features"] if f["properties"]["kind"] in ("unitGrid", "grid"))
ring = grid["geometry"]["coordinates"][0]
xs, ys = [p[0] for p in ring], [p[1] for p in ring]
print((min(ys) + max(ys)) / 2, (min(xs) + max(xs)) / 2)')

python3 scripts/faults-load.py --port "$HTTP_PORT" --token "$token" --clients "$CLIENTS" --lat "$lat" --lng "$lng" \
  --stop "$work/stop" --out "$work/load.json" &
load_pid=$!

survived=yes
restart_db() {
  log "PostgreSQL restart -m $1"
  pg -m "$1" -w -t 60 restart
  sleep 4
  if ! alive; then
    survived=no
    # Its exit status says how it went: 128 + N is signal N (9: killed, 6: a trap, 11: a fault).
    code=0; wait "$server_pid" 2>/dev/null || code=$?
    log "the server died on a -m $1 restart (exit status $code)"; tail -20 "$work/server.log" >&2
    start_server
  fi
}
sleep 4
for round in $(seq "$ROUNDS"); do
  restart_db fast
  restart_db immediate
done
log "SIGKILL the server, start it again"
kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null || true
sleep 1
start_server
sleep 4
restart_db immediate
touch "$work/stop"
wait "$load_pid"

log "SIGTERM the server"
started=$(date +%s.%N)
kill -TERM "$server_pid"
for _ in $(seq 150); do alive || break; sleep 0.1; done
term_seconds=$(python3 -c "import time; print(round(time.time() - $started, 1))")
stopped=yes
if alive; then stopped=no; fi
server_pid=

# What the database holds, compared with what the clients were told.
psql_super -d gridgov -At -c "SELECT substr(description, 8) || ' ' || number FROM cases WHERE description LIKE 'faults %'" >"$work/cases.txt"
python3 - "$work/load.json" "$work/cases.txt" "$survived" "$stopped" "$term_seconds" <<'EOF'
import json, sys
load = json.load(open(sys.argv[1]))
stored = {}
for line in open(sys.argv[2]):
    key, number = line.split()
    stored.setdefault(key, []).append(number)
acked = load["acked"]
lost = [k for k in acked if k not in stored]
mismatched = [k for k, n in acked.items() if k in stored and n not in stored[k]]
duplicated = [k for k, numbers in stored.items() if len(numbers) > 1]
survived, stopped, term = sys.argv[3] == "yes", sys.argv[4] == "yes", float(sys.argv[5])
print(f"acknowledged {len(acked)}  stored {sum(len(v) for v in stored.values())}  never acknowledged {len(load['pending'])}")
print(f"lost {len(lost) + len(mismatched)}  duplicated {len(duplicated)}  non-503 5xx {len(load['non503_5xx'])}  "
      f"refused {len(load['refused'])}  unanswered {load['unanswered']}  connection errors {load['conn_errors']}")
print(f"answers by status {json.dumps(load['status'], sort_keys=True)}")
print(f"server survived every database restart: {'yes' if survived else 'no'}  SIGTERM stopped it in {term} s: {'yes' if stopped and term <= 10 else 'no'}")
if load["unanswered_ids"]:
    print(f"  unanswered request ids (X-Request-Id): {' '.join(load['unanswered_ids'][:5])}")
for item in (load["non503_5xx"] + load["refused"])[:5]:
    print(f"  e.g. {item['status']}: {item['body'][:300]}")
ok = not lost and not mismatched and not duplicated and not load["non503_5xx"] and not load["refused"] \
    and load["unanswered"] == 0 and survived and stopped and term <= 10 and len(acked) > 0
print("faults: PASS" if ok else "faults: FAIL")
sys.exit(0 if ok else 1)
EOF
