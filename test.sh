#!/usr/bin/env bash
# Runs every test: installs what is missing (Node 22 if needed, npm packages, the Pulumi CLI), builds,
# then runs mocha over test/ (simulator, client and providers, SDK wiring, packaging, and the
# end-to-end tests that drive the real Pulumi engine). The last line is "N passed, N failed".
#
#   ./test.sh                       # everything
#   ./test.sh --spec 'test/simulator/**/*.test.ts'   # extra arguments go to mocha
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/env.sh
pzm_ensure_npm_packages
pzm_ensure_pulumi
npx tsc -p tsconfig.json
npx tsc -p tsconfig.test.json   # type-checks tests and benchmarks too (mocha runs them transpile-only)
exec npx mocha "$@"
