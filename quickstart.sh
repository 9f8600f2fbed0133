#!/usr/bin/env bash
# The quickstart: installs everything (Node 22 if needed, npm packages, the Pulumi CLI), then runs
# `pulumi up` of the root project (Pulumi.yaml, quickstart/index.ts) and prints its outputs.
#
#   ./quickstart.sh            # up + outputs
#   ./quickstart.sh destroy    # tear the quickstart stack down
#   ./quickstart.sh preview|refresh|outputs
#
# Which ZStack: if the stack config has `zstack:endpoint`, or ZSTACK_ENDPOINT / ZSTACK_HOST is set,
# that endpoint is used and no simulator is started. Otherwise the embedded simulator (zstack-sim)
# is started on 127.0.0.1:${ZSTACK_SIM_PORT:-8080} with its world persisted in
# ${ZSTACK_SIM_STATE_DIR:-.zstack-sim}/, and the run says so. The two are never mixed silently.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source scripts/env.sh
action="${1:-up}"
case "$action" in up|destroy|preview|refresh|outputs) ;; *) echo "usage: $0 [up|destroy|preview|refresh|outputs]" >&2; exit 2 ;; esac

pzm_ensure_npm_packages
pzm_ensure_pulumi
scripts/install-self.sh

# State: a local file backend inside the checkout unless the user chose a backend.
if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
  mkdir -p .pulumi-state
  export PULUMI_BACKEND_URL="file://$PZM_ROOT/.pulumi-state"
fi
stack="${QUICKSTART_STACK:-dev}"
pulumi stack select --create "$stack" >/dev/null

endpoint="$(pulumi config get zstack:endpoint 2>/dev/null || true)"
sim_pid=""
cleanup() { if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT
if [ -n "$endpoint" ]; then
  echo "==> Using the ZStack endpoint from stack config zstack:endpoint: $endpoint (no simulator)"
elif [ -n "${ZSTACK_ENDPOINT:-}${ZSTACK_HOST:-}" ]; then
  echo "==> Using the ZStack endpoint from the environment: ${ZSTACK_ENDPOINT:-${ZSTACK_HOST}:${ZSTACK_PORT:-8080}} (no simulator)"
else
  port="${ZSTACK_SIM_PORT:-8080}"
  simdir="${ZSTACK_SIM_STATE_DIR:-.zstack-sim}"
  mkdir -p "$simdir"
  log="$simdir/zstack-sim.log"
  # --speed 300: a 30-minute simulated migration takes 6 seconds.
  node dist/simulator/cli.js --port "$port" --state "$simdir/state.json" --speed "${ZSTACK_SIM_SPEED:-300}" >"$log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 100); do
    if grep -q "listening on" "$log" 2>/dev/null; then break; fi
    if ! kill -0 "$sim_pid" 2>/dev/null; then cat "$log" >&2; echo "zstack-sim failed to start (is port $port free? set ZSTACK_SIM_PORT)" >&2; exit 1; fi
    sleep 0.1
  done
  url="$(grep -o 'http://[^ ]*' "$log" | head -n 1)"
  echo "==> No ZStack endpoint configured: using the embedded ZStack simulator at $url (state in $simdir/)"
  echo "    To use a real ZStack: pulumi config set zstack:endpoint https://<mn>:8080 and the credentials (README)."
  # Only for this run; nothing is written into the stack config.
  export ZSTACK_ENDPOINT="$url" ZSTACK_ACCOUNT_NAME=admin ZSTACK_ACCOUNT_PASSWORD=password
fi

case "$action" in
  up) pulumi up --yes ;;
  destroy) pulumi destroy --yes ;;
  preview) pulumi preview ;;
  refresh) pulumi refresh --yes ;;
  outputs) ;;
esac
if [ "$action" != destroy ]; then
  echo "==> Stack outputs"
  pulumi stack output --json
fi
