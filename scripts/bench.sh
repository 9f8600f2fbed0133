#!/usr/bin/env bash
# `npm run bench`: sets up the toolchain (Node 22, npm packages, Pulumi CLI), builds, then runs
# bench/index.ts. Arguments select parts: simulator, polling, verify, scale, plan (default: all).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PZM_ROOT"
pzm_ensure_npm_packages
pzm_ensure_pulumi
npx tsc -p tsconfig.json
exec npx ts-node --transpile-only bench/index.ts "$@"
