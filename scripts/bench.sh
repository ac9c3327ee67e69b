#!/usr/bin/env bash
# The foundation benchmark (issue 2): release build, a fresh database, a 30,000-grid district.
# Prints import seconds, locate latency p50/p99 via the SQL function and via HTTP, server memory.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/db.sh start
eval "$(scripts/db.sh env)"
scratch=${GRIDGOV_BENCH_SCRATCH:-.build}
swift build -c release --scratch-path "$scratch" --product gridgov
swift build -c release --scratch-path "$scratch" --product gridgov-bench
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
db=gridgov_bench
base=${GRIDGOV_TEST_OWNER_URL%/postgres}
psql -X -q "$GRIDGOV_TEST_OWNER_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE gridgov_template OWNER gridgov_owner"
"$bin/gridgov" migrate --owner-url "$base/$db" >/dev/null
app_url=$(sed "s#/gridgov\$#/$db#" <<<"$DATABASE_URL")
"$bin/gridgov-bench" --database-url "$app_url" "$@"
