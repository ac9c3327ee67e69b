#!/usr/bin/env bash
# One command from a fresh clone to a running service: starts the project's own PostgreSQL +
# PostGIS (installing them if missing), builds gridgov, applies migrations, loads the demo
# district once (printing its users' passwords the first time), and serves on 127.0.0.1:8080.
# Idempotent: run it again and it reuses the cluster, the schema and the demo district.
#   GRIDGOV_PORT=9000 scripts/run.sh      another port
#   scripts/run.sh --release              a release build
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
config=debug
[ "${1:-}" = "--release" ] && config=release
scripts/db.sh start
eval "$(scripts/db.sh env)"
swift build -c "$config" --product gridgov
bin=".build/$config/gridgov"
"$bin" migrate
"$bin" demo seed
echo "gridgov: serving on http://${GRIDGOV_HOST:-127.0.0.1}:${GRIDGOV_PORT:-8080} (Ctrl-C stops); API contract at /openapi.yaml"
exec "$bin" serve
