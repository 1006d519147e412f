#!/usr/bin/env bash
# Builds BuildKit's buildkitd and buildctl from the Go module proxy into <bin dir>, and installs
# Debian's runc (the OCI runtime buildkitd's OCI worker runs steps with), linked beside them.
# Usage: scripts/build-buildkit.sh <version> <bin dir>
#
# `go install github.com/moby/buildkit/cmd/buildkitd@v` refuses buildkit's go.mod (it has exclude
# directives, which apply only in the main module). So a throwaway helper module requires buildkit
# plus every module buildkit's go.mod requires, at those versions, repeats its excludes, and builds
# the two commands. runc comes from here rather than the installer's Debian package list: that list is
# the debian-packages stamp, and changing it would re-run that step on every machine.
# Module and build caches are private and removed afterwards: only the binaries stay.
# Whether buildkitd runs on this machine: docs/adr/0006-build-stage.md.
set -euo pipefail
version=$1 bin=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/slipway-buildkit-build.XXXXXX")
cleanup() { chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export GOMODCACHE=$work/mod GOCACHE=$work/cache GOFLAGS=-mod=mod

if ! dpkg -s runc >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends runc >/dev/null
fi
runc=$(command -v runc || echo /usr/sbin/runc)
[ -x "$runc" ] || { echo "build-buildkit: runc not found after installing the Debian package" >&2; exit 1; }
ln -sf "$runc" "$bin/runc"

mkdir -p "$work/helper"
cd "$work/helper"
go mod download -json "github.com/moby/buildkit@$version" >"$work/buildkit.json"
gomod=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["GoMod"])' "$work/buildkit.json")
go mod edit -json "$gomod" | python3 -c '
import json, sys
m = json.load(sys.stdin)
lines = ["module slipway.local/buildkit", "", "go 1.26", "", "require github.com/moby/buildkit " + sys.argv[1]]
lines += ["require %s %s" % (r["Path"], r["Version"]) for r in m["Require"]]
lines += ["exclude %s %s" % (e["Path"], e["Version"]) for e in m.get("Exclude") or []]
lines += ["replace %s => %s %s" % (r["Old"]["Path"], r["New"]["Path"], r["New"]["Version"])
          for r in m.get("Replace") or [] if not r["New"]["Path"].startswith("./")]
print("\n".join(lines))' "$version" >go.mod
printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "github.com/moby/buildkit/cmd/buildctl"\n\t_ "github.com/moby/buildkit/cmd/buildkitd"\n)\n' >tools.go
# nice: the build shares the machine's two cores with whatever else runs
ld="-s -w -X github.com/moby/buildkit/version.Version=$version"
nice -n 10 go build -trimpath -ldflags "$ld" -o "$bin/" github.com/moby/buildkit/cmd/buildkitd github.com/moby/buildkit/cmd/buildctl
"$bin/buildkitd" --version
"$bin/buildctl" --version
"$bin/runc" --version | sed -n 1p
