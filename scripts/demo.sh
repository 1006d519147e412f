#!/usr/bin/env bash
# make demo: the local platform up, the example catalog validated, baked and deployed to the
# dev stack (one canary promoted), then `slipway status`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
slipway() { node "$root/packages/cli/dist/slipway.mjs" "$@"; }
bin=${SLIPWAY_TOOLS_BIN:-$HOME/.cache/slipway/tools/current/bin}
step() { printf '\n== %s\n' "$*"; }

if slipway dev status >/dev/null 2>&1; then
  step "the local platform already runs"
else
  step "slipway dev up"
  slipway dev up
fi
eval "$(slipway dev env)"
step "slipway dev status"
slipway dev status

step "slipway validate examples/catalog"
slipway validate examples/catalog

# the example catalog, pointed at this platform's registry and cluster, with the repository's
# charts copied into it (the example names them by oci:// ref; a local ref may not leave the catalog;
# each chart folder holds its copy of the slipway-common library, so the folder is all it needs)
demo=$(mktemp -d)/catalog
cp -r examples/catalog "$demo"
mkdir -p "$demo/charts" && cp -r charts/workload charts/routing "$demo/charts/"
sed -i -e "s|^  host: registry.slipway.local:5000|  host: '$SLIPWAY_REGISTRY'\\n  insecure: true|" \
  -e "s#ref: oci://[^,]*/charts/\(workload\|routing\),#ref: charts/\\1,#g" \
  -e "s|{ context: slipway-dev }|{ kubeconfig: '$KUBECONFIG' }|g" "$demo/slipway.yaml"

out=$(mktemp -d)
step "slipway bake --all --stack dev (the example catalog → $out/baked)"
slipway bake --all --stack dev --image-tag 1.0.0 --catalog "$demo" --out "$out/baked"

step "build and push the example images with buildah (a busybox rootfs: nothing is pulled)"
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
mkdir -p "$build/ctx/rootfs/bin"
cp "$bin/busybox" "$build/ctx/rootfs/bin/busybox"
ln -s busybox "$build/ctx/rootfs/bin/sh"
printf 'FROM scratch\nCOPY rootfs/ /\nUSER 10001\nCMD ["/bin/sh", "-c", "sleep 3600"]\n' >"$build/ctx/Dockerfile"
auth=$(printf '%s:%s' "$SLIPWAY_REGISTRY_USERNAME" "$SLIPWAY_REGISTRY_PASSWORD" | base64 -w0)
(umask 077; printf '{"auths":{"%s":{"auth":"%s"}}}' "$SLIPWAY_REGISTRY" "$auth" >"$build/auth.json")
storage=(--storage-driver=vfs --root="$build/storage" --runroot="$build/run")
"$bin/buildah" "${storage[@]}" bud --quiet --isolation=chroot -t demo:latest "$build/ctx" >/dev/null
for image in payments orders inventory recommendations; do
  for tag in 1.0.0 1.1.0; do
    "$bin/buildah" "${storage[@]}" push --quiet --tls-verify=false --authfile="$build/auth.json" demo:latest "$SLIPWAY_REGISTRY/microservices/$image:$tag"
  done
  echo "pushed microservices/$image:1.0.0 and :1.1.0"
done

step "slipway deploy --all --stack dev --image-tag 1.0.0 --skip-build"
slipway deploy --all --stack dev --image-tag 1.0.0 --skip-build --catalog "$demo"

step "slipway deploy orders --canary --canary-weight 20 (image 1.1.0)"
slipway deploy orders --stack dev --image-tag 1.1.0 --skip-build --canary --canary-weight 20 --catalog "$demo"
slipway status orders

step "slipway canary promote orders (the disable-canary stage)"
slipway canary promote orders --stack dev --catalog "$demo"

step "slipway status"
slipway status

step "secret-sync: seed k8s-secret/dev-1/<namespace>/<name> in OpenBao (values through stdin)"
seed() { # seed <namespace>/<name> <key>
  head -c 18 /dev/urandom | base64 | tr -d '\n' | "$bin/bao" kv put -mount=k8s-secret "dev-1/$1" "$2=-" >/dev/null
  echo "k8s-secret/dev-1/$1 ($2)"
}
seed payments/payments-db password
seed orders/orders-api API_KEY
seed inventory/inventory-db password

step "slipway secret-sync run --once (cluster dev-1, token auth with the dev root token)"
slipway secret-sync run --vault-addr "$VAULT_ADDR" --auth-method token --cluster dev-1 --once --port 0 --log-level warn
"$bin/kubectl" get secrets -A -l app.kubernetes.io/managed-by=slipway-secret-sync \
  -o custom-columns='NAMESPACE:.metadata.namespace,NAME:.metadata.name,VAULT PATH:.metadata.annotations.secret-sync\.slipway\.dev/vault-path,KEYS:.data' |
  sed -E 's/map\[([A-Za-z_]+):[^]]*\]/\1/'

cat <<NEXT

Try next:
  eval "\$(node packages/cli/dist/slipway.mjs dev env)"     # KUBECONFIG, VAULT_ADDR/BAO_ADDR, registry
  node packages/cli/dist/slipway.mjs history orders --stack dev
  node packages/cli/dist/slipway.mjs rollback orders --stack dev
  node packages/cli/dist/slipway.mjs deploy payments --stack dev --image-tag 1.1.0 --skip-build --catalog $demo
  node packages/cli/dist/slipway.mjs secret-sync run --vault-addr "\$VAULT_ADDR" --auth-method token --cluster dev-1 --port 0   # keeps syncing every 60 s, repairs drift
  node packages/cli/dist/slipway.mjs dev down               # stops everything and removes the state dir
NEXT
