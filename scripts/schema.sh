#!/usr/bin/env bash
# Writes sql/schema.sql: the whole schema in one file for a reader, pg_dump --schema-only of a
# database migrated from sql/migrations, normalised (SchemaFileTests does it; the same test,
# run without GRIDGOV_WRITE_SCHEMA, fails when the file is stale). Run after adding a migration.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/db.sh start
eval "$(scripts/db.sh env)"
GRIDGOV_WRITE_SCHEMA=1 swift test --filter SchemaFileTests
echo "wrote sql/schema.sql ($(wc -l <sql/schema.sql) lines)"
