#!/usr/bin/env bash
# Builds External Secrets Operator from its Go module into a cache outside the checkout, for the
# side-by-side bench (bench/secret-sync/eso.ts). Prints the binary's path.
set -euo pipefail
version=v0.16.2
out=${SLIPWAY_BENCH_CACHE:-$HOME/.cache/slipway/bench}/external-secrets-$version
if [ ! -x "$out/external-secrets" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  printf 'module slipway.local/eso\n\ngo 1.26\n' >"$work/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/external-secrets/external-secrets"\n' >"$work/tools.go"
  (cd "$work" && go get "github.com/external-secrets/external-secrets@$version" && go mod tidy &&
    mkdir -p "$out" && go build -o "$out/external-secrets" github.com/external-secrets/external-secrets)
fi
echo "$out/external-secrets"
