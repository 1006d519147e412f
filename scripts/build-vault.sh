#!/usr/bin/env bash
# Builds HashiCorp Vault (the server) from the Go module proxy into <bin dir>/vault.
# Usage: scripts/build-vault.sh <version> <bin dir>
#
# `go install github.com/hashicorp/vault@v` cannot work: Vault's go.mod replaces its `api`,
# `api/auth/*` and `sdk` modules with local folders the module zip does not hold, and replaces
# apply only in the main module. So a throwaway helper module requires vault plus the published
# api/sdk versions its go.mod names, repeats its two non-local replaces, and builds the root
# package. Module and build caches are private and removed afterwards: only the binary stays.
# Why v1.21.2: v1.21.3+ do not compile against the sdk version they name (docs/adr/0004).
set -euo pipefail
version=$1 bin=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/slipway-vault-build.XXXXXX")
cleanup() { chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export GOMODCACHE=$work/mod GOCACHE=$work/cache GOFLAGS=-mod=mod

mkdir -p "$work/helper"
cd "$work/helper"
go mod download -json "github.com/hashicorp/vault@$version" >"$work/vault.json"
gomod=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["GoMod"])' "$work/vault.json")
# the api/sdk modules at the versions vault's go.mod requires (published modules, no local paths)
requires=$(awk '$1 ~ /^github.com\/hashicorp\/vault\/(api|sdk)/ && $2 ~ /^v/ {print "require " $1 " " $2}' "$gomod" | sort -u)
# its non-local replaces, repeated (replaces apply only in the main module)
replaces=$(awk '$1 == "replace" && $0 !~ /=> \.\// {sub(/^replace /, ""); print "replace " $0}' "$gomod")
printf 'module slipway.local/vault\n\ngo 1.26\n\nrequire github.com/hashicorp/vault %s\n%s\n%s\n' \
  "$version" "$requires" "$replaces" >go.mod
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/hashicorp/vault"\n' >tools.go
go mod tidy
go build -trimpath -ldflags "-s -w" -o "$bin/vault" github.com/hashicorp/vault
"$bin/vault" version
