#!/usr/bin/env bash
# Installs checkov (the Kubernetes manifest scanner the chart tests run) at a pinned version into
# a venv outside the checkout. Idempotent: skipped when the venv's stamp holds the pinned version.
# Usage: scripts/install-checkov.sh            (prints the checkov binary on the last line)
set -euo pipefail

CHECKOV_VERSION=3.3.30
ROOT=${SLIPWAY_TOOLS_DIR:-$HOME/.cache/slipway/tools}
VENV=$ROOT/checkov-venv
STAMP=$VENV/slipway-stamp

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$CHECKOV_VERSION" ] && [ -x "$VENV/bin/checkov" ]; then
  echo "tools: checkov $CHECKOV_VERSION already installed" >&2
else
  t0=$SECONDS
  echo "tools: installing checkov $CHECKOV_VERSION ..." >&2
  mkdir -p "$ROOT"
  # the stamp is written last: an interrupted install is redone from scratch next time
  # (a venv cannot be built elsewhere and moved: its scripts hold absolute paths)
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION" >&2
  "$VENV/bin/checkov" --version >/dev/null
  echo "$CHECKOV_VERSION" >"$STAMP"
  echo "tools: checkov $CHECKOV_VERSION done in $((SECONDS - t0))s" >&2
fi
echo "$VENV/bin/checkov"
