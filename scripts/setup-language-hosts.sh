#!/usr/bin/env bash
# Makes the Pulumi language hosts for YAML, Python and Go available, built from Go modules (only the
# Go module proxy is used), so that programs in those languages can use the `zstack` provider plugin.
#
#   scripts/setup-language-hosts.sh [HOST...]          ensure the hosts (build on first use), then
#                                                       print the directory that holds them on stdout
#   scripts/setup-language-hosts.sh --check [HOST...]  never build: print that directory if the hosts
#                                                       are there, otherwise exit 1
#
# HOST is yaml, python or go; the default is all three. Progress goes to stderr; stdout is exactly
# one line (the bin directory), as for scripts/setup-pulumi.sh. Idempotent, safe to run
# concurrently (flock). Each host is built in a temporary directory that is renamed into
# $PZM_CACHE/language-hosts/<host>-<version> only once complete; $PZM_CACHE/language-hosts/bin holds
# links to every host built so far. Recipes and versions: docs/engine.md#language-hosts-for-yaml-python-and-go.
#
# Sourcing the script (`source scripts/setup-language-hosts.sh --functions`) defines the build
# functions (pzm_build_yaml_host, pzm_build_python_host, pzm_build_go_host: each takes an output bin
# directory and a scratch directory) without running anything.
[ "${1:-}" = "--functions" ] || set -euo pipefail

PZM_ROOT="${PZM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
PZM_CACHE="${PZM_CACHE:-$HOME/.cache/pulumi-zstack-migration}"
PZM_LOG_TAG="setup-language-hosts"
# shellcheck source=scripts/lib/go-build.sh
source "$PZM_ROOT/scripts/lib/go-build.sh"

# YAML: the proxy serves only v1.11.1 and v1.25.0 of pulumi-yaml. Built with the requirements of its
# own go.mod (pkg/v3 and sdk/v3 v3.206.0): pinning a newer pkg/v3 does not compile.
PZM_YAML_HOST_VERSION="v1.25.0"
YAML_HOST_PKG="github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
YAML_VERSION_X="github.com/pulumi/pulumi-yaml/pkg/version.Version"
# Python: the current host module is refused by the proxy; the host package of sdk/v3 v3.68.0 works
# with the `pulumi` package from PyPI (3.272). It needs pulumi-language-python-exec (a Python script
# in the same folder of that module) next to it.
PZM_PYTHON_HOST_VERSION="v3.68.0"
PYTHON_HOST_PKG="github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python"
# Go: sdk/v3 v3.66.0 is the last release that contains the host as a package; it runs programs on
# sdk/v3 v3.276.0.
PZM_GO_HOST_VERSION="v3.66.0"
GO_HOST_PKG="github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go"

LH_ROOT="$PZM_CACHE/language-hosts"
LH_BIN="$LH_ROOT/bin"

# pzm_build_yaml_host OUT WORK: pulumi-language-yaml into the directory OUT.
pzm_build_yaml_host() {
  go_build_tool "$2/yaml" "$YAML_HOST_PKG" "$PZM_YAML_HOST_VERSION" "$1/pulumi-language-yaml" "$YAML_VERSION_X"
}

# pzm_build_python_host OUT WORK: pulumi-language-python and pulumi-language-python-exec into OUT.
pzm_build_python_host() {
  go_build_tool "$2/python" "$PYTHON_HOST_PKG" "$PZM_PYTHON_HOST_VERSION" "$1/pulumi-language-python" || return 1
  local dir
  dir="$(cd "$2/python" && go_env go list -m -f '{{.Dir}}' "github.com/pulumi/pulumi/sdk/v3")"
  [ -f "$dir/python/cmd/pulumi-language-python-exec" ] || { log "no pulumi-language-python-exec in $dir"; return 1; }
  cp "$dir/python/cmd/pulumi-language-python-exec" "$1/pulumi-language-python-exec"
  chmod 755 "$1/pulumi-language-python-exec"
}

# pzm_build_go_host OUT WORK: pulumi-language-go into OUT.
pzm_build_go_host() {
  go_build_tool "$2/go" "$GO_HOST_PKG" "$PZM_GO_HOST_VERSION" "$1/pulumi-language-go"
}

# host_version HOST / host_files HOST
host_version() {
  case "$1" in
    yaml) echo "$PZM_YAML_HOST_VERSION" ;;
    python) echo "$PZM_PYTHON_HOST_VERSION" ;;
    go) echo "$PZM_GO_HOST_VERSION" ;;
  esac
}
host_files() {
  case "$1" in
    yaml) echo "pulumi-language-yaml" ;;
    python) echo "pulumi-language-python pulumi-language-python-exec" ;;
    go) echo "pulumi-language-go" ;;
  esac
}
host_pkg() {
  case "$1" in
    yaml) echo "$YAML_HOST_PKG" ;;
    python) echo "$PYTHON_HOST_PKG" ;;
    go) echo "$GO_HOST_PKG" ;;
  esac
}
host_dir() { echo "$LH_ROOT/$1-$(host_version "$1")"; }

# Complete by construction: the directory is renamed into place only after the build.
host_cached() {
  local f
  for f in $(host_files "$1"); do [ -x "$(host_dir "$1")/bin/$f" ] || return 1; done
}

# Links in $LH_BIN to the files of a cached host (each link replaced atomically).
link_host() {
  local f
  mkdir -p "$LH_BIN"
  for f in $(host_files "$1"); do
    ln -sfn "$(host_dir "$1")/bin/$f" "$LH_BIN/.$f.tmp.$$"
    mv -fT "$LH_BIN/.$f.tmp.$$" "$LH_BIN/$f"
  done
}
host_linked() {
  local f
  for f in $(host_files "$1"); do
    [ "$(readlink "$LH_BIN/$f" 2>/dev/null)" = "$(host_dir "$1")/bin/$f" ] || return 1
  done
}

build_host() {
  local h="$1" work final start v
  v="$(host_version "$h")"
  final="$(host_dir "$h")"
  work="$(mktemp -d "$LH_ROOT/.build-$h.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" EXIT
  mkdir -p "$work/out/bin"
  start=$(date +%s)
  "pzm_build_${h}_host" "$work/out/bin" "$work" || die "building the $h language host failed (see the go output above)"
  printf '%s: %s@%s (built %s with %s)\n' "$(host_files "$h" | cut -d' ' -f1)" "$(host_pkg "$h")" "$v" \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(go env GOVERSION)" >"$work/out/BUILDINFO"
  log "built the $h language host $v in $(( $(date +%s) - start ))s"
  rm -rf "$final"
  mv "$work/out" "$final"
  rm -rf "$work"; trap - EXIT
}

main() {
  local mode="ensure" hosts=() h missing=()
  for h in "$@"; do
    case "$h" in
      --check) mode="check" ;;
      yaml | python | go) hosts+=("$h") ;;
      *) echo "usage: $0 [--check] [yaml|python|go ...]" >&2; exit 2 ;;
    esac
  done
  [ "${#hosts[@]}" -gt 0 ] || hosts=(yaml python go)
  mkdir -p "$LH_ROOT"
  for h in "${hosts[@]}"; do host_cached "$h" || missing+=("$h"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$mode" = "check" ]; then
      log "language host(s) not built yet: ${missing[*]}; run scripts/setup-language-hosts.sh ${missing[*]}"
      return 1
    fi
    require_go "building the ${missing[*]} language host(s) needs Go"
    # One build at a time; whoever waited re-checks the cache first.
    exec 9>"$LH_ROOT/.build.lock"
    if command -v flock >/dev/null 2>&1; then
      flock -n 9 || { log "another setup-language-hosts.sh is building; waiting"; flock 9; }
    fi
    rm -rf "$LH_ROOT"/.build-*
    for h in "${missing[@]}"; do host_cached "$h" || build_host "$h"; done
  fi
  for h in "${hosts[@]}"; do
    host_linked "$h" && continue
    [ "$mode" = "check" ] && { log "$LH_BIN does not link the $h host; run scripts/setup-language-hosts.sh $h"; return 1; }
    link_host "$h"
  done
  echo "$LH_BIN"
}

if [ "${1:-}" = "--functions" ]; then return 0 2>/dev/null || exit 0; fi
main "$@"
