#!/usr/bin/env bash
# The whole test suite: starts (or reuses) the project's local PostgreSQL + PostGIS, then runs the
# Swift tests (GridCore unit tests; store, HTTP and database-invariant tests against real PostgreSQL,
# each suite on a fresh database cloned from the PostGIS template) and the pgTAP tests in sql/tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The cluster and its streaming standby (one test reads figures there, GRIDGOV_TEST_STANDBY_PORT).
scripts/db.sh standby
eval "$(scripts/db.sh env)"
# The house style (.swift-format, checked as Hummingbird's validate.sh does): `swift format format -i` fixes it.
git ls-files -z '*.swift' ':!Sources/GridAPI/GeneratedSources' | xargs -0 swift format lint --strict
swift build --build-tests
scripts/pgtap.sh
# Through a watchdog: a run that prints nothing for 10 minutes has hung; it names the tests that
# were running and fails, rather than waiting for CI's limit.
scripts/watch-tests.sh swift test "$@"
