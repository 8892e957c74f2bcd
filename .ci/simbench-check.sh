#!/usr/bin/env bash
# `blackstart import simbench` against SimBench's own data and loader, on one LV and one MV grid
# with their full year of profiles: .ci/crosscheck/simbench_check.py writes each grid's CSV
# tables with the pinned `simbench` package, blackstart imports them (and validates the
# scenario), and the report's counts and totals must equal those of the CSV tables and of the
# pandapower net `simbench.get_simbench_net` builds. GRIDS overrides the codes.
# Needs target/debug/blackstart (`cargo build`; BLACKSTART=PATH for another binary).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/crosscheck/venv.sh
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
blackstart="${BLACKSTART:-target/debug/blackstart}"
for code in ${GRIDS:-1-LV-rural1--2-sw 1-MV-rural--1-sw}; do
    "$venv/bin/python" .ci/crosscheck/simbench_check.py write "$code" "$tmp/$code"
    "$blackstart" import simbench "$tmp/$code" --grid "$code" \
        --out "$tmp/$code.yaml" --report "$tmp/$code.json" >/dev/null
    "$blackstart" validate "$tmp/$code.yaml" >/dev/null
    "$venv/bin/python" .ci/crosscheck/simbench_check.py compare "$code" "$tmp/$code" "$tmp/$code.json"
done
