#!/usr/bin/env bash
# notebooks/caliper_bench.ipynb runs on a fresh benchmark: runs `blackstart bench` on the
# paper's five functions in 10 s rounds with a block every 12 s (OptimisationHandler fills its
# blocks, so the gas-limit check bites), then executes the notebook headless on it with
# notebooks/check.sh (the same venv and kernel as the sweep notebook). Fails
# if any cell raises, in particular if Caliper's table recomputed from transactions.parquet
# disagrees with report.md or a block uses more gas than the limit.
# Needs target/debug/blackstart (`cargo build`). KEEP_NOTEBOOK=DIR keeps the executed notebook
# and its figures there.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "== bench scenarios/caliper-paper-10s.yaml --chain interval-12s"
target/debug/blackstart bench scenarios/caliper-paper-10s.yaml --chain interval-12s --out "$tmp/bench" >"$tmp/stdout.txt"
bash notebooks/check.sh "$tmp/bench" "${KEEP_NOTEBOOK:-$tmp/notebook}"
echo "== bench notebook check passed"
