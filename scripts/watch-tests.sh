#!/usr/bin/env bash
# Runs a test command (scripts/test.sh runs `swift test` through it) and ends it when it hangs:
# when it has printed nothing for GRIDGOV_TEST_SILENCE seconds (default 600; the longest test takes
# about a minute), it prints the tests that started and never ended, the threads of the test
# process (when gdb is installed) and the database's sessions, kills it and exits 124. Otherwise
# it exits with the command's own status. A hang then fails CI in minutes, saying where, instead
# of at CI's time limit with nothing to go on.
#
#   scripts/watch-tests.sh swift test --skip-build
set -uo pipefail
silence=${GRIDGOV_TEST_SILENCE:-600}
log=$(mktemp "${TMPDIR:-/tmp}/gridgov-tests.XXXXXX")
trap 'rm -f "$log"' EXIT

# A session (and process group) of its own, so that a hang can be ended with every process it
# started. Only coreutils, util-linux and /proc: CI's machine may have no procps.
setsid -w "$@" >"$log" 2>&1 &
pid=$!
trap 'kill -KILL -- -$pid 2>/dev/null; rm -f "$log"; exit 130' INT TERM
# The processes of the group: /proc/N/stat reads "N (name) state ppid pgrp …".
members() {
  local d fields
  for d in /proc/[0-9]*; do
    fields=$(sed 's/^.*) //' "$d/stat" 2>/dev/null) || continue
    set -- $fields
    [ "${3:-}" = "$pid" ] && echo "${d#/proc/}"
  done
}
tail -n +1 -f --pid=$pid "$log" &
printer=$!

quiet=0 last=-1
while kill -0 $pid 2>/dev/null; do
  sleep 1
  size=$(stat -c %s "$log")
  if [ "$size" = "$last" ]; then quiet=$((quiet + 1)); else quiet=0 last=$size; fi
  [ $quiet -lt "$silence" ] && continue

  sleep 1  # let tail print the last lines first
  echo
  echo "watch-tests: nothing printed for ${silence} s: the run has hung. Tests started and not ended:"
  # Swift Testing prints "◇ Test name() started." and "✔/✘ Test name() passed/failed after …".
  started=$(grep -a -E '^◇ Test .* started\.$' "$log" | sed -E 's/^◇ Test (.*) started\.$/\1/' | sort -u)
  ended=$(grep -a -E '^(✔|✘) Test .* (passed|failed) after' "$log" |
    sed -E 's/^(✔|✘) Test (.*) (passed|failed) after.*/\2/; s/ with [0-9]+ test cases?$//' | sort -u)
  comm -23 <(echo "$started") <(echo "$ended") | sed 's/^/  /'
  if [ -n "${GRIDGOV_TEST_OWNER_URL:-}" ] && command -v psql >/dev/null; then
    echo "watch-tests: the database's sessions:"
    psql "$GRIDGOV_TEST_OWNER_URL" -X -c "SELECT pid, datname, usename, state, wait_event, now() - query_start AS age, left(query, 120) AS query
      FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" 2>&1 | sed 's/^/  /'
  fi
  for child in $(members); do
    if command -v gdb >/dev/null && grep -q -a 'xctest' /proc/$child/cmdline 2>/dev/null; then
      echo "watch-tests: the threads of $(tr '\0' ' ' </proc/$child/cmdline | cut -c1-120):"
      timeout 60 gdb -p "$child" -batch -ex 'thread apply all bt 30' 2>/dev/null | grep -E '^(Thread|#)' | sed 's/^/  /'
    fi
  done
  kill -KILL -- -$pid 2>/dev/null
  wait $pid 2>/dev/null
  wait $printer 2>/dev/null
  exit 124
done
wait $pid
status=$?
wait $printer 2>/dev/null
exit $status
