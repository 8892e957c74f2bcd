#!/usr/bin/env bash
# Reinstalls the pinned solc-js, rebuilds the contract artifacts and fails if they differ from the
# committed ones (so the embedded bytecode always matches contracts/src). Run from anywhere.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(git -C "$here" rev-parse --show-toplevel)"

cd "$here"
npm ci --no-audit --no-fund --loglevel=error
node build.js

# Changed or deleted committed artifacts, then artifacts that are new and untracked.
git -C "$repo" diff --exit-code --stat -- contracts/artifacts
untracked="$(git -C "$repo" ls-files --others --exclude-standard -- contracts/artifacts)"
if [[ -n "$untracked" ]]; then
    echo "contracts/check.sh: artifacts not committed:" >&2
    echo "$untracked" >&2
    exit 1
fi
echo "contracts/check.sh: artifacts match the sources"
