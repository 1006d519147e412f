#!/usr/bin/env bash
# make demo: the local platform up, what runs, and what to try next.
set -euo pipefail
cd "$(dirname "$0")/.."
slipway() { node packages/cli/dist/main.js "$@"; }

if slipway dev status >/dev/null 2>&1; then
  echo "== the local platform already runs"
else
  echo "== slipway dev up"
  slipway dev up
fi
echo
echo "== slipway dev status"
slipway dev status
eval "$(slipway dev env)"
echo
echo "== kubectl get nodes (kwok fake nodes)"
"${SLIPWAY_TOOLS_BIN:-$HOME/.cache/slipway/tools/current/bin}/kubectl" get nodes
cat <<'NEXT'

Try next:
  eval "$(node packages/cli/dist/main.js dev env)"    # KUBECONFIG, VAULT_ADDR/BAO_ADDR, registry
  kubectl create deployment hello --image=hello:1.0 --replicas=3 && kubectl rollout status deploy/hello
  bao kv put k8s-secret/dev-1/default/hello greeting=hi  # bao is in ~/.cache/slipway/tools/current/bin
  node packages/cli/dist/main.js dev down              # stops everything and removes the state dir
NEXT
