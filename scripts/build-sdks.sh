#!/usr/bin/env bash
# Builds the Python and Go SDKs of the `zstack` provider plugin from its schema, with Pulumi's own
# code generators (tools/gen-sdk over pkg/v3's codegen/python and codegen/go), and the Python wheel.
#
#   scripts/build-sdks.sh              ensure the SDKs (builds on first use or when the schema or the
#                                      generator changed); prints the SDK directory on stdout
#   scripts/build-sdks.sh --check      never builds: prints the directory if it is up to date, or exits 1
#   scripts/build-sdks.sh --out DIR    also copies the result to DIR (DIR/python, DIR/go, DIR/dist)
#   scripts/build-sdks.sh --generator  only ensures tools/gen-sdk; prints the path of its binary
#
# The SDK directory holds:
#   schema.json                               the schema the SDKs were generated from
#   python/                                   the generated Python package (pulumi_zstack)
#   dist/pulumi_zstack-<version>-py3-none-any.whl   `pip install` it
#   venv/                                     a virtualenv with pulumi $PZM_PYTHON_PULUMI_VERSION and the wheel, for
#                                             the tests and examples (put venv/bin first on PATH)
#   go/                                       the generated Go module (go.mod + zstack/); use it from a
#                                             program's go.mod with a replace line
#
# Nothing generated is committed: the schema is derived from the resources' input tables, and the SDKs
# are derived from the schema here, so none of them can drift. Everything is cached outside the
# repository, in $PZM_CACHE/sdks/<key>, where the key hashes the schema, the generator's source, the
# version and the build tools' pins: a warm run costs the schema print and a hash.
#
# Needs: Go (for tools/gen-sdk; built once into $PZM_CACHE), python3 with venv (the wheel is built with
# setuptools from PyPI in a virtualenv in $PZM_CACHE), and Node.js (the package's version).
# Progress goes to stderr. Idempotent and safe to run concurrently (flock).
set -euo pipefail

PZM_ROOT="${PZM_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
PZM_CACHE="${PZM_CACHE:-$HOME/.cache/pulumi-zstack-migration}"

# The Python build tool, the Pulumi Python SDK of the programs' virtualenv (3.272.0 works with the Python
# language host that scripts/setup-language-hosts.sh builds), and the Go SDK the generated code targets.
PZM_SETUPTOOLS_VERSION="80.9.0"
PZM_PYTHON_PULUMI_VERSION="3.272.0"
PZM_GO_PULUMI_SDK="v3.276.0"

MODE="ensure"
OUT=""
GENERATOR_ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --check) MODE="check" ;;
    --out) OUT="${2:?--out needs a directory}"; shift ;;
    --generator) GENERATOR_ONLY=1 ;;
    *) echo "usage: $0 [--check] [--out DIR | --generator]" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '[build-sdks] %s\n' "$*" >&2; }
die() { printf '[build-sdks] ERROR: %s\n' "$*" >&2; exit 1; }
go_env() { GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 "$@"; }
sha() { sha256sum | cut -c1-16; }

# The schema JSON on stdout: $PZM_SDK_SCHEMA (a file) when set, otherwise the plugin's schema, which
# `npm run schema` derives from the resources' tables and TSDoc (a test fails when the two disagree), and
# which the plugin serves.
SCHEMA_FILE="$PZM_ROOT/provider/hosts/plugin/zstack-schema.json"
print_schema() {
  if [ -n "${PZM_SDK_SCHEMA:-}" ]; then
    cat "$PZM_SDK_SCHEMA"
  elif [ -f "$SCHEMA_FILE" ]; then
    cat "$SCHEMA_FILE"
  else
    die "no schema: $SCHEMA_FILE is missing (npm run build && npm run schema writes it)"
  fi
}

package_version() { node -p 'require(process.argv[1]).version' "$PZM_ROOT/package.json"; }

# --- tools/gen-sdk, built once per source into $PZM_CACHE/gen-sdk-<hash>/gen-sdk -----------------------
gen_sdk_key() {
  { cat "$PZM_ROOT/tools/gen-sdk/go.mod" "$PZM_ROOT/tools/gen-sdk/go.sum" "$PZM_ROOT"/tools/gen-sdk/*.go
    command -v go >/dev/null 2>&1 && go env GOVERSION; } | sha
}
ensure_gen_sdk() {
  local dir="$PZM_CACHE/gen-sdk-$(gen_sdk_key)" tmp
  if [ -x "$dir/gen-sdk" ]; then echo "$dir/gen-sdk"; return 0; fi
  [ "$MODE" = "check" ] && return 1
  command -v go >/dev/null 2>&1 || die "Go is needed to build tools/gen-sdk (install Go >= 1.26.6)"
  log "building tools/gen-sdk (pkg/v3 codegen; a few minutes cold, about 20 s with warm Go caches)"
  tmp="$(mktemp -d "$PZM_CACHE/.gen-sdk.XXXXXX")"
  (cd "$PZM_ROOT/tools/gen-sdk" && go_env go build -trimpath -tags osusergo,grpcnotrace -ldflags "-s -w" -o "$tmp/gen-sdk" .) ||
    { rm -rf "$tmp"; die "building tools/gen-sdk failed (see the go output above)"; }
  rm -rf "$dir"; mv "$tmp" "$dir"
  echo "$dir/gen-sdk"
}

# --- the virtualenv that builds wheels ----------------------------------------------------------------
# Created in place (a venv's scripts name their interpreter by absolute path, so it cannot be moved);
# .complete marks a finished one. Called under the lock.
ensure_build_venv() {
  local venv="$PZM_CACHE/python-build-venv-setuptools-$PZM_SETUPTOOLS_VERSION"
  if [ -f "$venv/.complete" ]; then echo "$venv"; return 0; fi
  command -v python3 >/dev/null 2>&1 || die "python3 (with venv) is needed to build the Python wheel"
  log "creating $venv (setuptools $PZM_SETUPTOOLS_VERSION from PyPI)"
  rm -rf "$venv"
  python3 -m venv "$venv" >&2 || { rm -rf "$venv"; die "python3 -m venv failed (on Debian: apt-get install python3-venv)"; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "setuptools==$PZM_SETUPTOOLS_VERSION" >&2 ||
    { rm -rf "$venv"; die "installing setuptools from PyPI failed"; }
  touch "$venv/.complete"
  echo "$venv"
}

# The programs' virtualenv, in "$1"/venv: pulumi from PyPI and the wheel. Called under the lock.
ensure_program_venv() {
  local venv="$1/venv"
  [ -f "$venv/.complete" ] && return 0
  log "creating $venv (pulumi $PZM_PYTHON_PULUMI_VERSION from PyPI, and the wheel)"
  rm -rf "$venv"
  python3 -m venv "$venv" >&2 || { rm -rf "$venv"; die "python3 -m venv failed"; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pulumi==$PZM_PYTHON_PULUMI_VERSION" "$1"/dist/*.whl >&2 ||
    { rm -rf "$venv"; die "installing pulumi and the wheel into $venv failed"; }
  touch "$venv/.complete"
}

main() {
  if [ -n "$GENERATOR_ONLY" ]; then
    ensure_gen_sdk || { log "tools/gen-sdk is not built; run scripts/build-sdks.sh"; return 1; }
    return 0
  fi
  mkdir -p "$PZM_CACHE/sdks"
  local version gen key dir venv
  SCHEMA="$(mktemp)"; WORK=""
  trap 'rm -rf "$SCHEMA" ${WORK:+"$WORK"}' EXIT
  print_schema >"$SCHEMA"
  [ -s "$SCHEMA" ] || die "the schema is empty"
  version="$(package_version)"
  gen="$(ensure_gen_sdk)" || { log "tools/gen-sdk is not built; run scripts/build-sdks.sh"; return 1; }
  key="$({ cat "$SCHEMA"; echo "$version $gen $PZM_SETUPTOOLS_VERSION $PZM_PYTHON_PULUMI_VERSION $PZM_GO_PULUMI_SDK"; } | sha)"
  dir="$PZM_CACHE/sdks/$version-$key"
  if [ ! -f "$dir/.complete" ] || [ ! -f "$dir/venv/.complete" ]; then
    [ "$MODE" = "check" ] && { log "the SDKs of this schema are not built; run scripts/build-sdks.sh"; return 1; }
    exec 9>"$PZM_CACHE/sdks/.lock"
    if command -v flock >/dev/null 2>&1; then flock 9; fi
    if [ ! -f "$dir/.complete" ]; then
      local start; start=$(date +%s)
      WORK="$(mktemp -d "$PZM_CACHE/sdks/.build.XXXXXX")"
      cp "$SCHEMA" "$WORK/schema.json"
      "$gen" -schema "$WORK/schema.json" -version "$version" -language python -out "$WORK/python"
      # the module path is the schema's language.go.importBasePath
      "$gen" -schema "$WORK/schema.json" -version "$version" -language go -out "$WORK/go" \
        -go-pulumi-sdk "$PZM_GO_PULUMI_SDK"
      venv="$(ensure_build_venv)"
      log "building the Python wheel"
      "$venv/bin/pip" wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation \
        --wheel-dir "$WORK/dist" "$WORK/python" >&2 || die "building the wheel failed"
      rm -rf "$WORK/python/build" "$WORK/python"/*.egg-info
      touch "$WORK/.complete"
      rm -rf "$dir"; mv "$WORK" "$dir"; WORK=""
      log "built the SDKs $version in $(( $(date +%s) - start ))s: $dir"
    fi
    ensure_program_venv "$dir"
  fi
  if [ -n "$OUT" ]; then
    mkdir -p "$OUT"
    rm -rf "$OUT/python" "$OUT/go" "$OUT/dist"
    cp -R "$dir/python" "$dir/go" "$dir/dist" "$dir/schema.json" "$OUT/"
    log "copied to $OUT"
  fi
  echo "$dir"
}

main
