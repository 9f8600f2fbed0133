#!/usr/bin/env bash
# Builds the `zstack` provider plugin as a plugin tarball, for programs in any Pulumi language:
#
#   scripts/pack-plugin.sh [OUT_DIR]     writes OUT_DIR/pulumi-resource-zstack-v<version>.tar.gz (default: the
#                                        repository) and prints its path on stdout
#   pulumi plugin install resource zstack <version> --file <that tarball>     installs it (no network needed)
#
# The tarball holds the launcher `pulumi-resource-zstack` (a shell script that runs the plugin on the `node`
# on PATH: Node.js >= 22, see docs/plugin.md#the-nodejs-runtime) and a node_modules/ with this package (from
# `npm pack`) and its runtime dependencies, @pulumi/pulumi included, installed from the npm registry (or npm's
# cache). Progress goes to stderr.
set -euo pipefail
out_arg="${1:-}"
# Node.js >= 22 (from the npm registry when the machine's is older) and the build's npm packages, so that a fresh
# clone packs too
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
pzm_ensure_npm_packages
out="$(cd "${out_arg:-$PZM_ROOT}" && pwd)"
cd "$PZM_ROOT"
version="$(node -p 'require("./package.json").version')"
pulumi_version="$(node -p 'require("./package.json").devDependencies["@pulumi/pulumi"]')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "[pack-plugin] npm pack (builds dist/)" >&2
tgz="$(npm pack --pack-destination "$work" --silent | tail -n1)"
mkdir "$work/plugin"
printf '{ "name": "pulumi-resource-zstack", "version": "%s", "private": true }\n' "$version" >"$work/plugin/package.json"
echo "[pack-plugin] installing the package and @pulumi/pulumi $pulumi_version (runtime dependencies only)" >&2
(cd "$work/plugin" && npm install --omit=dev --no-audit --no-fund --loglevel=error --ignore-scripts \
  "$work/$tgz" "@pulumi/pulumi@$pulumi_version" >&2)
cat >"$work/plugin/pulumi-resource-zstack" <<'LAUNCHER'
#!/bin/sh
# The zstack provider plugin (pulumi-zstack-migration), run by the Node.js >= 22 on PATH.
dir="$(cd "$(dirname "$0")" && pwd)"
# AsyncLocalStorage (each request's URN) on async context frames where this Node.js has them (22.7 and later;
# the default from 24): with promise hooks instead, every promise of the plugin costs more
flag=""
if node --experimental-async-context-frame -e "" 2>/dev/null; then flag="--experimental-async-context-frame"; fi
exec node $flag "$dir/node_modules/pulumi-zstack-migration/dist/provider/hosts/plugin/main.js" "$@"
LAUNCHER
chmod 755 "$work/plugin/pulumi-resource-zstack"
file="$out/pulumi-resource-zstack-v$version.tar.gz"
tar -czf "$file.tmp" -C "$work/plugin" .
mv -f "$file.tmp" "$file"
echo "[pack-plugin] wrote $file ($(du -h "$file" | cut -f1))" >&2
echo "$file"
