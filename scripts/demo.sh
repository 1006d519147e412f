#!/usr/bin/env bash
# make demo: the local platform up, the example catalog validated and baked, the example services'
# sources hosted on the platform's git server (`slipway dev repo add`), built by `slipway deploy` and
# deployed to the dev stack (one canary promoted), one service rolled out to prod's two clusters,
# then `slipway status` across every cluster, secret-sync and the rendered pipelines; last,
# `slipway serve` for the demo catalog in the background (`slipway dev down` stops it with the rest).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
slipway() { node "$root/packages/cli/dist/slipway.mjs" "$@"; }
bin=${SLIPWAY_TOOLS_BIN:-$HOME/.cache/slipway/tools/current/bin}
step() { printf '\n== %s\n' "$*"; }

if slipway dev status >/dev/null 2>&1; then
  step "the local platform already runs"
else
  step "slipway dev up --clusters 3 (the example's products: shop-dev and ml-dev on 1, prod eu on 2, us on 3)"
  slipway dev up --clusters 3
fi
eval "$(slipway dev env)"
step "slipway dev status"
slipway dev status

step "slipway validate examples/catalog"
slipway validate examples/catalog

# the example catalog, pointed at this platform's registry and cluster, with the repository's
# charts copied into it (the example names them by oci:// ref; a local ref may not leave the catalog;
# each chart folder holds its copy of the slipway-common library, so the folder is all it needs);
# the pipelines then bake those folders as git/repo artifacts
demo=$(mktemp -d)/catalog
cp -r examples/catalog "$demo"
mkdir -p "$demo/charts" && cp -r charts/workload charts/routing "$demo/charts/"
sed -i -e "s|^  host: registry.slipway.local:5000|  host: '$SLIPWAY_REGISTRY'\\n  insecure: true|" \
  -e "s#ref: oci://[^,]*/charts/\(workload\|routing\),#ref: charts/\\1,#g" \
  -e "s#^  chartArtifacts: .*#  chartArtifacts: { type: git-repo, account: catalog-git, repo: 'git@github.com:slipway-demo/catalog.git', branch: master, paths: { workload: examples/catalog/charts/workload, routing: examples/catalog/charts/routing } }#" \
  "$demo/slipway.yaml"

# strict stacks bake the catalog from a commit of their values branch: the copy is a git repository
commit() { git -C "$demo" add -A && git -C "$demo" -c user.name=slipway -c user.email=slipway@localhost commit -q -m "$1"; }
git -C "$demo" init -q -b master && commit "the example catalog"

out=$(mktemp -d)
step "slipway bake --all --stack dev (the example catalog → $out/baked)"
slipway bake --all --stack dev --image-tag 1.0.0 --catalog "$demo" --out "$out/baked"

step "make base-images (images/base/: the example Dockerfiles build FROM them; tags present are skipped)"
node scripts/build-base-images.mjs --insecure

step "slipway dev repo add: each example service's source on the platform's git server, its deploy key in OpenBao"
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
for service in payments orders inventory recommendations; do
  # the example Dockerfiles name the base images at registry.slipway.local:5000: this platform's registry
  cp -r "examples/services/$service" "$src/$service"
  sed -i "s|registry.slipway.local:5000|$SLIPWAY_REGISTRY|g" "$src/$service/Dockerfile"
  url=$(slipway dev repo add "$service" "$src/$service" --catalog "$demo" | tail -n 1)
  sed -i "s|^repository: .*|repository: '$url'|" "$demo/services/$service/service.yaml"
done
commit "the services' repositories on the platform's git server"

step "slipway deploy --all --stack dev --image-tag 1.0.0 (the build stage builds and pushes each image)"
slipway deploy --all --stack dev --image-tag 1.0.0 --catalog "$demo"

step "slipway deploy orders --canary --canary-weight 20 (image 1.1.0, built first)"
slipway deploy orders --stack dev --image-tag 1.1.0 --canary --canary-weight 20 --catalog "$demo"
slipway status orders

step "slipway canary promote orders (the disable-canary stage)"
slipway canary promote orders --stack dev --catalog "$demo"

if slipway dev status | grep -q slipway-dev-3; then
  # prod values pin the workload to the prod node pool (nodeSelector node-pool: prod), as the
  # company's prod clusters label their nodes; the local clusters' fake nodes get that label here
  for context in slipway-dev-2 slipway-dev-3; do
    "$bin/kubectl" --context "$context" label nodes --all --overwrite node-pool=prod >/dev/null
  done
  step "slipway deploy payments --stack prod (master only, strict values): cluster shop-prod-eu, then shop-prod-us"
  slipway deploy payments --stack prod --image-tag 1.0.0 --source-branch master --values-branch master --skip-build --catalog "$demo"
fi

step "slipway status --catalog (every cluster of the catalog, in parallel)"
slipway status --catalog "$demo"

step "secret-sync: seed k8s-secret/shop-dev/<namespace>/<name> in OpenBao (values through stdin)"
seed() { # seed <namespace>/<name> <key>
  head -c 18 /dev/urandom | base64 | tr -d '\n' | "$bin/bao" kv put -mount=k8s-secret "shop-dev/$1" "$2=-" >/dev/null
  echo "k8s-secret/shop-dev/$1 ($2)"
}
seed payments/payments-db password
seed orders/orders-api API_KEY
seed inventory/inventory-db password

step "slipway secret-sync run --once (cluster shop-dev: the catalog's name of cluster 1, token auth with the dev root token)"
slipway secret-sync run --vault-addr "$VAULT_ADDR" --auth-method token --cluster shop-dev --once --port 0 --log-level warn
"$bin/kubectl" get secrets -A -l app.kubernetes.io/managed-by=slipway-secret-sync \
  -o custom-columns='NAMESPACE:.metadata.namespace,NAME:.metadata.name,VAULT PATH:.metadata.annotations.secret-sync\.slipway\.dev/vault-path,KEYS:.data' |
  sed -E 's/map\[([A-Za-z_]+):[^]]*\]/\1/'

step "slipway pipelines render and jenkins render: one Spinnaker pipeline per service × stack, the Jenkins build job"
slipway pipelines render --catalog "$demo" --out "$out/pipelines"
slipway jenkins render --catalog "$demo" --out "$out/jenkins"
find "$out/pipelines" "$out/jenkins" -type f | sort

step "slipway dev serve: the web service for the demo catalog, in the background like the platform"
served=$(slipway dev serve --catalog "$demo")

cat <<NEXT

Try next:
  node packages/cli/dist/slipway.mjs pipelines plan --catalog $demo --gate https://gate.example   # what apply would change in Spinnaker
  eval "\$(node packages/cli/dist/slipway.mjs dev env)"     # KUBECONFIG, VAULT_ADDR/BAO_ADDR, registry
  node packages/cli/dist/slipway.mjs history payments --stack prod --catalog $demo   # one block per cluster
  node packages/cli/dist/slipway.mjs rollback orders --stack dev --catalog $demo
  node packages/cli/dist/slipway.mjs deploy payments --stack dev --image-tag 1.1.0 --catalog $demo   # builds 1.1.0, then deploys it
  node packages/cli/dist/slipway.mjs secret-sync run --vault-addr "\$VAULT_ADDR" --auth-method token --cluster shop-dev --port 0   # keeps syncing every 60 s, repairs drift
  node packages/cli/dist/slipway.mjs dev down               # stops everything (the web service too) and removes the state dir

The web service (board, deploy form, live runs; POST /hooks/recommendations/model-validated):
NEXT
printf '%s\n' "$served"
