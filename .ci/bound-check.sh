#!/usr/bin/env bash
# The perfect-information bound's LP (src/plant/bound.rs, docs/model.md §11) against an
# independent solver: `examples/bound_instances` writes random small instances with blackstart's
# optimum; .ci/crosscheck/bound_check.py builds each program again from its own formulation and
# solves it with SciPy's linprog (HiGHS); the optima must agree to 1e-6 kWh.
# COUNT (default 300) instances, SEED (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/crosscheck/venv.sh
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cargo run --quiet --example bound_instances -- "${COUNT:-300}" "${SEED:-1}" >"$tmp/instances.json"
"$venv/bin/python" .ci/crosscheck/bound_check.py "$tmp/instances.json"
