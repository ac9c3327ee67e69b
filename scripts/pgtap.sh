#!/usr/bin/env bash
# Runs the pgTAP files in sql/tests against a fresh database migrated by `gridgov migrate` (build
# first), and fails on any "not ok", error or plan not kept.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
eval "$(scripts/db.sh env)"
db="gridgov_pgtap_$$"
owner_base=${GRIDGOV_TEST_OWNER_URL%/postgres}
psql -X -q "$GRIDGOV_TEST_OWNER_URL" -c "CREATE DATABASE $db TEMPLATE gridgov_template OWNER gridgov_owner"
trap 'psql -X -q "$GRIDGOV_TEST_OWNER_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null' EXIT
"${GRIDGOV_BIN:-.build/debug/gridgov}" migrate --owner-url "$owner_base/$db" >/dev/null
status=0
for t in sql/tests/*.sql; do
  [ -e "$t" ] || continue
  ran=0
  out=$(PGOPTIONS='--client-min-messages=warning' psql -X -q -At -v ON_ERROR_STOP=1 "$owner_base/$db" -f "$t" 2>&1) || ran=1
  # A failed check, an error, or fewer checks run than planned (finish() says so): this file's output.
  if grep -q -e '^not ok' -e 'Looks like you planned' <<<"$out" || [ $ran -ne 0 ]; then status=1; echo "$out"; fi
  passed=$(grep -c '^ok' <<<"$out" || true); failed=$(grep -c '^not ok' <<<"$out" || true)
  echo "pgTAP $(basename "$t"): $passed passed, $failed failed"
done
exit $status
