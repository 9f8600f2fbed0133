#!/usr/bin/env bash
# Makes the Pulumi CLI, the Node.js language host and the dynamic-provider plugin script available,
# without the internet: only the Go module proxy (and the project's node_modules) are used.
#
#   scripts/setup-pulumi.sh           ensure everything (builds the CLI on first use), then print
#                                     the directory that holds `pulumi` on stdout
#   scripts/setup-pulumi.sh --check   never build or download: print that directory if everything
#                                     is already there, otherwise exit 1
#
# Progress goes to stderr; stdout is exactly one line (the bin directory), so callers can do
# `bin="$(scripts/setup-pulumi.sh)"`. Idempotent and safe to run concurrently (flock).
#
# 1. A `pulumi` already on PATH with version >= $PZM_PULUMI_MIN_VERSION is used as is. When the
#    language host or `pulumi-resource-pulumi-nodejs` is not next to it, a small directory in the
#    cache provides them (with a one-line `pulumi` wrapper so everything sits in one directory).
# 2. Otherwise the CLI is built from Go modules into $PZM_CACHE/pulumi-<version>/bin (see
#    docs/engine.md). The build happens in a temporary directory that is renamed into place only
#    after `pulumi version` has been verified, so an interrupted build never leaves a broken cache.
#    GOMODCACHE and GOCACHE keep their usual locations (outside the repository).
set -euo pipefail

PZM_ROOT="${PZM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
PZM_CACHE="${PZM_CACHE:-$HOME/.cache/pulumi-zstack-migration}"

# The CLI must be at least the version of the @pulumi/pulumi SDK we develop against (devDependency).
PZM_PULUMI_MIN_VERSION="v3.270.0"
# Versions we build, in order of preference. v3.270.0 matches the SDK exactly; the Go module proxy
# serves only the .info/.mod of pkg/v3@v3.270.0, not its source zip ("403 Forbidden: This module
# version is not available"), so the next release the proxy does serve is the fallback.
PZM_PULUMI_BUILD_VERSIONS="${PZM_PULUMI_BUILD_VERSIONS:-v3.270.0 v3.274.1}"
# The Node.js language host lives in its own, untagged Go module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) that is reachable only by a
# pseudo-version. When the proxy does not serve it, we build the same host from the last sdk/v3
# release that still contained it as a package (sdk/v3 v3.68.0, May 2023); the engine negotiates
# everything newer with it (see docs/engine.md and test/e2e/engine-smoke.test.ts).
PZM_LEGACY_LANGHOST_SDK="v3.68.0"

PKG_MOD="github.com/pulumi/pulumi/pkg/v3"
SDK_MOD="github.com/pulumi/pulumi/sdk/v3"
LANGHOST_MOD="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"
LEGACY_LANGHOST_PKG="github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
DYNPROV_SRC="$PZM_ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

MODE="ensure"
case "${1:-}" in
  --check) MODE="check" ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

PZM_LOG_TAG="setup-pulumi"
# shellcheck source=scripts/lib/go-build.sh
source "$PZM_ROOT/scripts/lib/go-build.sh"

cli_version() { PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null | tr -d '[:space:]'; }

# Keep the dynamic-provider script identical to the one of the installed @pulumi/pulumi.
sync_dynprov_script() {
  local dir="$1"
  [ -f "$DYNPROV_SRC" ] || { [ -x "$dir/pulumi-resource-pulumi-nodejs" ] && return 0; die "$DYNPROV_SRC not found: run 'npm ci' (or npm install) first"; }
  if ! cmp -s "$DYNPROV_SRC" "$dir/pulumi-resource-pulumi-nodejs" 2>/dev/null; then
    [ "$MODE" = "check" ] && return 1
    cp "$DYNPROV_SRC" "$dir/.pulumi-resource-pulumi-nodejs.tmp.$$"
    chmod 755 "$dir/.pulumi-resource-pulumi-nodejs.tmp.$$"
    mv -f "$dir/.pulumi-resource-pulumi-nodejs.tmp.$$" "$dir/pulumi-resource-pulumi-nodejs"
  fi
}

# Builds `pulumi` into "$1" (a bin dir) for version "$2". Also builds the matching language host
# when the proxy serves it; returns 0 and sets LANGHOST_BUILT=1 in that case.
build_cli() {
  local out="$1" v="$2" work="$3" json hash lh_version="" ldf
  mkdir -p "$work/cli"
  (
    cd "$work/cli"
    go_env go mod init example.invalid/pulumi-build >/dev/null 2>&1
    go_env go mod edit -replace "$CLIPBOARD_REPLACE"
    log "resolving $PKG_MOD/cmd/pulumi@$v through $(go env GOPROXY | cut -d, -f1)"
    go_env go get -tool "$PKG_MOD/cmd/pulumi@$v" 2>&1 | pzm_go_filter >&2 || true
    grep -q "^tool $PKG_MOD/cmd/pulumi" go.mod || exit 1
    # The tag's commit, for the untagged language-host module (pseudo-version).
    json="$(go_env go mod download -json "$PKG_MOD@$v" 2>/dev/null || true)"
    hash="$(printf '%s' "$json" | sed -n 's/.*"Hash": "\([0-9a-f]\{40\}\)".*/\1/p' | head -n1)"
    if [ -n "$hash" ]; then
      lh_version="$(go_env go list -m -f '{{.Version}}' "$LANGHOST_MOD@$hash" 2>/dev/null || true)"
    fi
    if [ -n "$lh_version" ]; then
      log "language host: $LANGHOST_MOD@$lh_version (commit ${hash:0:12} of $v)"
      go_env go get -tool "$LANGHOST_MOD@$lh_version" >/dev/null 2>&1 || lh_version=""
    else
      log "language host module $LANGHOST_MOD is not served for $v (no commit hash or pseudo-version from the proxy); using the legacy host"
    fi
    # Pin pkg and sdk to the same tag (MVS would otherwise keep the max of all requirements).
    go_env go get "$PKG_MOD@$v" "$SDK_MOD@$v" >/dev/null 2>&1
    ldf="-s -w -X $VERSION_X=$v"
    log "compiling pulumi $v (a cold build takes several minutes on 2 cores)"
    go_env go build -p "${PZM_GO_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}" -trimpath -tags osusergo,grpcnotrace \
      -ldflags "$ldf" -o "$out/pulumi" "$PKG_MOD/cmd/pulumi"
    if [ -n "$lh_version" ]; then
      log "compiling pulumi-language-nodejs"
      go_env go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldf" -o "$out/pulumi-language-nodejs" "$LANGHOST_MOD"
      printf 'pulumi-language-nodejs: %s@%s\n' "$LANGHOST_MOD" "$lh_version" >>"$out/../BUILDINFO"
    fi
  )
}

# Builds the legacy language host (a package of sdk/v3@$PZM_LEGACY_LANGHOST_SDK) into "$1".
build_legacy_langhost() {
  local out="$1" work="$2"
  go_build_tool "$work/langhost" "$LEGACY_LANGHOST_PKG" "$PZM_LEGACY_LANGHOST_SDK" "$out/pulumi-language-nodejs" || return 1
  printf 'pulumi-language-nodejs: %s@%s (legacy package of sdk/v3)\n' "$LEGACY_LANGHOST_PKG" "$PZM_LEGACY_LANGHOST_SDK" >>"$out/../BUILDINFO"
}

# --- 1. an ambient pulumi -------------------------------------------------------------------------
ensure_ambient() {
  local exe real dir v lh dyn wrapdir
  exe="$(command -v pulumi 2>/dev/null)" || return 1
  # Ignore our own wrapper directory (it would point back here).
  case "$exe" in "$PZM_CACHE"/*) return 1 ;; esac
  v="$(cli_version "$exe")" || return 1
  { [ -n "$v" ] && version_ge "$v" "$PZM_PULUMI_MIN_VERSION"; } || { log "ignoring $exe ($v < $PZM_PULUMI_MIN_VERSION)"; return 1; }
  real="$(readlink -f "$exe")"; dir="$(dirname "$real")"
  lh="$(command -v pulumi-language-nodejs 2>/dev/null || true)"; [ -n "$lh" ] || { [ -x "$dir/pulumi-language-nodejs" ] && lh="$dir/pulumi-language-nodejs"; }
  dyn="$(command -v pulumi-resource-pulumi-nodejs 2>/dev/null || true)"; [ -n "$dyn" ] || { [ -x "$dir/pulumi-resource-pulumi-nodejs" ] && dyn="$dir/pulumi-resource-pulumi-nodejs"; }
  if [ -n "$lh" ] && [ -n "$dyn" ] && [ "$(dirname "$(readlink -f "$lh")")" = "$dir" ] && [ "$(dirname "$(readlink -f "$dyn")")" = "$dir" ]; then
    log "using $real ($v)"
    echo "$dir"; return 0
  fi
  # Companions are missing: one directory with a `pulumi` wrapper plus both companions, so that the
  # Automation API (which prepends dirname(pulumi) to PATH) finds everything.
  wrapdir="$PZM_CACHE/ambient/bin"
  mkdir -p "$wrapdir"
  printf '#!/bin/sh\nexec "%s" "$@"\n' "$real" >"$wrapdir/.pulumi.tmp.$$" && chmod 755 "$wrapdir/.pulumi.tmp.$$" && mv -f "$wrapdir/.pulumi.tmp.$$" "$wrapdir/pulumi"
  if [ -n "$lh" ]; then
    ln -sfn "$(readlink -f "$lh")" "$wrapdir/pulumi-language-nodejs"
  elif [ ! -x "$wrapdir/pulumi-language-nodejs" ]; then
    [ "$MODE" = "check" ] && return 2
    require_go "no 'pulumi' >= $PZM_PULUMI_MIN_VERSION on PATH and no Go toolchain to build one (or install the Pulumi CLI)"
    local work; work="$(mktemp -d "$PZM_CACHE/.build-langhost.XXXXXX")"
    build_legacy_langhost "$work/bin" "$work" || { rm -rf "$work"; die "building the Node.js language host failed"; }
    mv -f "$work/bin/pulumi-language-nodejs" "$wrapdir/pulumi-language-nodejs"; rm -rf "$work"
  fi
  if [ -n "$dyn" ]; then ln -sfn "$(readlink -f "$dyn")" "$wrapdir/pulumi-resource-pulumi-nodejs"; else sync_dynprov_script "$wrapdir" || return 2; fi
  log "using $real ($v) with companions in $wrapdir"
  echo "$wrapdir"
}

# --- 2. the cached build ----------------------------------------------------------------------------
find_cached() {
  local v
  for v in $PZM_PULUMI_BUILD_VERSIONS; do
    # Complete by construction: the directory is renamed into place only after verification.
    if [ -x "$PZM_CACHE/pulumi-$v/bin/pulumi" ] && [ -x "$PZM_CACHE/pulumi-$v/bin/pulumi-language-nodejs" ]; then
      echo "$PZM_CACHE/pulumi-$v/bin"; return 0
    fi
  done
  return 1
}

build_into_cache() {
  local v work start final
  require_go "no 'pulumi' >= $PZM_PULUMI_MIN_VERSION on PATH and no Go toolchain to build one (or install the Pulumi CLI)"
  for v in $PZM_PULUMI_BUILD_VERSIONS; do
    log "checking that the Go module proxy serves $PKG_MOD@$v"
    if ! go_env go mod download "$PKG_MOD@$v" "$SDK_MOD@$v" 2>/tmp/pzm-go-probe.$$; then
      log "not available: $(tr '\n' ' ' </tmp/pzm-go-probe.$$ | cut -c1-300)"
      rm -f /tmp/pzm-go-probe.$$; continue
    fi
    rm -f /tmp/pzm-go-probe.$$
    go_directive_ok "$(go_env go mod download -json "$PKG_MOD@$v" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')" || continue
    final="$PZM_CACHE/pulumi-$v"
    work="$(mktemp -d "$PZM_CACHE/.build-pulumi-$v.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/out/bin"
    printf 'pulumi: %s/cmd/pulumi@%s (built %s with %s)\n' "$PKG_MOD" "$v" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(go env GOVERSION)" >"$work/out/BUILDINFO"
    start=$(date +%s)
    build_cli "$work/out/bin" "$v" "$work" || die "building pulumi $v failed (see the go output above)"
    if [ ! -x "$work/out/bin/pulumi-language-nodejs" ]; then
      build_legacy_langhost "$work/out/bin" "$work" || die "building the Node.js language host failed (see the go output above)"
    fi
    sync_dynprov_script "$work/out/bin"
    local got; got="$(cli_version "$work/out/bin/pulumi")"
    [ "$got" = "$v" ] || die "built pulumi reports version '$got', expected $v"
    log "built pulumi $v in $(( $(date +%s) - start ))s"
    rm -rf "$final.old"; [ -e "$final" ] && mv "$final" "$final.old"
    mv "$work/out" "$final"
    rm -rf "$work" "$final.old"; trap - EXIT
    echo "$final/bin"; return 0
  done
  die "none of the Pulumi versions $PZM_PULUMI_BUILD_VERSIONS could be fetched from the Go module proxy ($(go env GOPROXY))"
}

main() {
  mkdir -p "$PZM_CACHE"
  # Drift guard: the pinned minimum must follow the SDK in package.json.
  local sdk
  sdk="$(sed -n 's/.*"@pulumi\/pulumi": *"\([0-9][0-9.]*\)".*/\1/p' "$PZM_ROOT/package.json" 2>/dev/null | head -n1)"
  if [ -n "$sdk" ] && ! version_ge "$PZM_PULUMI_MIN_VERSION" "v$sdk"; then
    log "warning: package.json pins @pulumi/pulumi $sdk but PZM_PULUMI_MIN_VERSION is $PZM_PULUMI_MIN_VERSION; update scripts/setup-pulumi.sh"
  fi
  local bin rc=0
  bin="$(ensure_ambient)" || rc=$?
  if [ "$rc" -eq 0 ] && [ -n "$bin" ]; then echo "$bin"; return 0; fi
  [ "$rc" -eq 2 ] && { log "the pulumi on PATH lacks its Node.js companions; run scripts/setup-pulumi.sh"; return 1; }
  if bin="$(find_cached)"; then
    sync_dynprov_script "$bin" || { log "$bin/pulumi-resource-pulumi-nodejs is out of date; run scripts/setup-pulumi.sh"; return 1; }
    echo "$bin"; return 0
  fi
  if [ "$MODE" = "check" ]; then
    log "no Pulumi CLI >= $PZM_PULUMI_MIN_VERSION on PATH or in $PZM_CACHE; run scripts/setup-pulumi.sh (builds it from Go modules)"
    return 1
  fi
  # One build at a time; whoever waited re-checks the cache first.
  exec 9>"$PZM_CACHE/.pulumi-build.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -n 9 || { log "another setup-pulumi.sh is building; waiting"; flock 9; }
  fi
  if bin="$(find_cached)"; then sync_dynprov_script "$bin"; echo "$bin"; return 0; fi
  # Leftovers of an interrupted build (we hold the lock, so nobody is using them).
  rm -rf "$PZM_CACHE"/.build-pulumi-*
  build_into_cache
}

main
