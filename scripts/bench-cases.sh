#!/usr/bin/env bash
# The cases benchmark (issue 4): release build, a fresh database, the 30,000-grid demo district with a year
# of history (1,000,000 cases with their hash-chained events, written as the schema owner by
# bench/sql/case-history.sql). Prints case intake through HTTP with 32 keep-alive clients (requests/s,
# p50/p99; aim p99 ≤ 50 ms) against the same SQL run by pgbench as the ceiling (aim ≥ 60 % of it), a street
# dispatcher's work lists (aim p99 ≤ 20 ms), the life cycle of cases with 1 and 8 clients (actions/s) and the
# server's memory. Extra arguments go to gridgov-bench (e.g. --history-cases 100000 --intake-seconds 30);
# set GRIDGOV_BENCH_SCRATCH to build elsewhere than .build, GRIDGOV_BENCH_PORT for another port,
# GRIDGOV_BENCH_DB for another database than gridgov_bench_cases (a larger history beside it), and
# GRIDGOV_BENCH_REUSE=1 to measure again on the database and history an earlier run left. --ladder-only
# (issue 16) adds the ladder's year once (bench/sql/ladder-history.sql) and measures only the level figures
# (a street's month, aim p99 ≤ 200 ms; the district's year, aim ≤ 2 s) and the hand-up action (aim p99 ≤ 30 ms).
# --whistle-only (issue 17) adds the whistles' year once (bench/sql/whistle-history.sql) and measures only the
# whistle: a department's check-in with 32 liaisons, each on a fresh summons (aim p99 ≤ 30 ms at half the
# saturating rate), beside the same writes by pgbench; the red notice of a report-in limit passing, with the
# server's worker running (aim ≤ 5 s); and the district's year of report-in figures by department and by
# street (aim p99 ≤ 1 s) beside the plain GROUP BY. --assessment-only (issue 18) measures every indicator of a
# street's month (aim p99 ≤ 200 ms) and the district's rankings of streets and departments for a month (aim
# p99 ≤ 500 ms) and for 365 days (aim ≤ 2 s), each beside one plain GROUP BY over the cases, and the
# district's monthly brief (aim ≤ 5 s).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/db.sh start
eval "$(scripts/db.sh env)"
scratch=${GRIDGOV_BENCH_SCRATCH:-.build}
swift build -c release --scratch-path "$scratch" --product gridgov
swift build -c release --scratch-path "$scratch" --product gridgov-bench
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)
# Its own database and port, so that it can run beside scripts/bench.sh and scripts/bench-routing.sh.
db=${GRIDGOV_BENCH_DB:-gridgov_bench_cases}
[[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "GRIDGOV_BENCH_DB: '$db' is not a plain database name" >&2; exit 2; }
base=${GRIDGOV_TEST_OWNER_URL%/postgres}
reuse=()
if [ "${GRIDGOV_BENCH_REUSE:-}" = 1 ] && psql -X -qAt "$GRIDGOV_TEST_OWNER_URL" -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  reuse=(--reuse-history)  # the database and the history of an earlier run (writing a year of history takes about 11 minutes)
else
  psql -X -q "$GRIDGOV_TEST_OWNER_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db TEMPLATE gridgov_template OWNER gridgov_owner"
fi
"$bin/gridgov" migrate --owner-url "$base/$db" >/dev/null
app_url=$(sed "s#/gridgov\$#/$db#" <<<"$DATABASE_URL")
if [ ${#reuse[@]} -gt 0 ]; then
  # An earlier run's tables read once into the buffer cache (pg_prewarm), as a database server
  # that has been serving them holds them: the figures measure the queries, not this machine's
  # disk after a build pushed the files out of memory.
  scripts/db.sh psql -d "$db" -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
    -c "SELECT count(pg_prewarm(c.oid::regclass)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') AND c.relname ~ '^(cases|case_events|case_checks|case_callbacks|whistle|patrol_(grid|person)|patrol_days)'" >/dev/null
fi
# Line-buffered, so that figures appear as they are measured also when the output goes to a file.
stdbuf -oL "$bin/gridgov-bench" --database-url "$app_url" --owner-url "$base/$db" --port "${GRIDGOV_BENCH_PORT:-18082}" --suite cases "${reuse[@]}" "$@"
