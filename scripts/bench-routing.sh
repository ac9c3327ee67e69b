#!/usr/bin/env bash
# The routing benchmark (issue 3): release build, a fresh database, the 30,000-grid district with about
# 600 items, 300 rules and a duty list. Prints the pure matcher's decisions per second (aim ≥ 100,000/s
# on one core) and explain latency p50/p99 in process and through HTTP (aim p99 ≤ 10 ms), server memory.
# Extra arguments go to gridgov-bench (e.g. --routing-requests 200000 --explains 5000); set
# GRIDGOV_BENCH_SCRATCH to build elsewhere than .build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/db.sh start
eval "$(scripts/db.sh env)"
scratch=${GRIDGOV_BENCH_SCRATCH:-.build}
swift build -c release --scratch-path "$scratch" --product gridgov
swift build -c release --scratch-path "$scratch" --product gridgov-bench
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
# Its own database and port, so that it can run beside scripts/bench.sh.
db=gridgov_bench_routing
base=${GRIDGOV_TEST_OWNER_URL%/postgres}
psql -X -q "$GRIDGOV_TEST_OWNER_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE gridgov_template OWNER gridgov_owner"
"$bin/gridgov" migrate --owner-url "$base/$db" >/dev/null
app_url=$(sed "s#/gridgov\$#/$db#" <<<"$DATABASE_URL")
"$bin/gridgov-bench" --database-url "$app_url" --port "${GRIDGOV_BENCH_PORT:-18081}" --suite routing "$@"
