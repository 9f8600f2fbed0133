#!/usr/bin/env bash
# The provider plugin's tarball of the current build, cached: scripts/pack-plugin.sh (which makes it) runs
# only when dist/, package.json or package-lock.json changed, so ./test.sh spends a hash of dist/ on it once
# it is built. The tests install it as a user does (`pulumi plugin install resource zstack <version> --file`).
#
#   scripts/build-plugin.sh             ensure the tarball (after `npm run build`); prints its path on stdout
#   scripts/build-plugin.sh --check     never builds: prints the path if it is up to date, or exits 1
#
# Cached in $PZM_CACHE/plugin/<version>-<key>/. Progress goes to stderr.
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

MODE="ensure"
case "${1:-}" in
  --check) MODE="check" ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

log() { printf '[build-plugin] %s\n' "$*" >&2; }
die() { printf '[build-plugin] ERROR: %s\n' "$*" >&2; exit 1; }

cd "$PZM_ROOT"
[ -f dist/provider/hosts/plugin/main.js ] || die "dist/ has no provider plugin: run 'npm run build' first"
version="$(node -p 'require("./package.json").version')"
key="$({ find dist -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum package.json package-lock.json scripts/pack-plugin.sh; } |
  sha256sum | cut -c1-16)"
dir="$PZM_CACHE/plugin/$version-$key"
name="pulumi-resource-zstack-v$version.tar.gz"

if [ ! -f "$dir/$name" ]; then
  [ "$MODE" = "check" ] && { log "the plugin tarball of this build is not made; run scripts/build-plugin.sh"; exit 1; }
  mkdir -p "$PZM_CACHE/plugin"
  exec 9>"$PZM_CACHE/plugin/.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  if [ ! -f "$dir/$name" ]; then
    work="$(mktemp -d "$PZM_CACHE/plugin/.build.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    bash scripts/pack-plugin.sh "$work" >/dev/null || die "scripts/pack-plugin.sh failed"
    [ -f "$work/$name" ] || die "scripts/pack-plugin.sh wrote no $name"
    rm -rf "$dir"; mv "$work" "$dir"; trap - EXIT
  fi
fi
echo "$dir/$name"
