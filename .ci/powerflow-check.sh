#!/usr/bin/env bash
# The island power flow (docs/powerflow.md) against OpenDSS itself: the European LV feeder and
# IEEE 13 (regulators at fixed taps), grid-connected and islanded from a grid-forming unit,
# solved by `examples/powerflow_snapshot` and by OpenDSS (opendssdirect.py, in the cross-check
# venv); node voltage magnitudes within 0.5 % and losses within 2 %, the worst printed.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/crosscheck/venv.sh
cargo build --quiet --example powerflow_snapshot
"$venv/bin/python" .ci/crosscheck/powerflow_check.py \
    "${CARGO_TARGET_DIR:-target}/debug/examples/powerflow_snapshot" tests/data/feeders
