#!/usr/bin/env bash
# Regenerates the Swift code of the REST contract from Sources/GridAPI/openapi.yaml with
# swift-openapi-generator, and records the document's checksum so a test can tell when the
# committed code is stale. Run after every change to openapi.yaml, and commit the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
api=Sources/GridAPI
swift run --skip-update swift-openapi-generator generate "$api/openapi.yaml" \
  --config "$api/openapi-generator-config.yaml" --output-directory "$api/GeneratedSources"
cat "$api/openapi.yaml" "$api/openapi-generator-config.yaml" | sha256sum | cut -d' ' -f1 >"$api/openapi.sha256"
echo "generated $api/GeneratedSources (checksum $(cat "$api/openapi.sha256"))"
