#!/usr/bin/env bash
# `npm run bench`: sets up the toolchain (Node 22, npm packages, Pulumi CLI), builds, then runs
# bench/index.ts. Arguments select parts: simulator, polling, verify, scale, plan (default: all);
# --short (`npm run bench -- --short`, or `npm run bench:short`) runs each on the smallest set-up, in
# seconds, to check that it completes (bench/mode.ts; test/bench/bench-short.test.ts does it in CI).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PZM_ROOT"
pzm_ensure_npm_packages
pzm_ensure_pulumi
npm run --silent build   # dist/ afresh (the benchmarks load it)
exec npx ts-node --transpile-only bench/index.ts "$@"
