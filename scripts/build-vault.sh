#!/usr/bin/env bash
# Builds HashiCorp Vault (the server) from the Go module proxy into <bin dir>/vault.
# Usage: scripts/build-vault.sh <version> <bin dir>
#
# `go install github.com/hashicorp/vault@v` cannot work: Vault's go.mod replaces its `api`,
# `api/auth/*` and `sdk` modules with local folders the module zip does not hold, and replaces
# apply only in the main module. So a throwaway helper module requires vault plus every module
# vault's go.mod requires, at those versions (the published api/sdk ones among them), repeats its
# non-local replaces, and builds the root package. Module and build caches are private and removed afterwards: only the binary stays.
# Which release builds from published modules alone, and why: docs/adr/0004.
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
# vault's own requirements (so every module is at the version vault was released with; `go mod
# tidy` would also resolve test-only imports of its packages and upgrade the sdk past its code)
# plus its non-local replaces, repeated (replaces apply only in the main module)
go mod edit -json "$gomod" | python3 -c '
import json, sys
m = json.load(sys.stdin)
version = sys.argv[1]
lines = ["module slipway.local/vault", "", "go 1.26", "", "require github.com/hashicorp/vault " + version]
lines += ["require %s %s" % (r["Path"], r["Version"]) for r in m["Require"]]
for r in m.get("Replace") or []:
    new = r["New"]
    if new["Path"].startswith("./"):
        continue
    old = r["Old"]["Path"] + (" " + r["Old"]["Version"] if r["Old"].get("Version") else "")
    lines.append("replace %s => %s %s" % (old, new["Path"], new["Version"]))
print("\n".join(lines))' "$version" >go.mod
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/hashicorp/vault"\n' >tools.go
go build -trimpath -ldflags "-s -w" -o "$bin/vault" github.com/hashicorp/vault
"$bin/vault" version
