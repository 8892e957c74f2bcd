#!/usr/bin/env bash
# Real feeders (docs/model.md §12) against OpenDSS itself: `blackstart import dss` on each vendored
# feeder, its report's counts and totals compared with what OpenDSS (opendssdirect.py, in the
# cross-check venv) counts for the same script; then every bundled feeder study is run and swept.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/crosscheck/venv.sh
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The binary `cargo test` built (BLACKSTART=PATH for another). Not `cargo build`: the tests'
# dev-dependencies switch on features of shared crates (either, rand_core, serde_json), so a plain
# build would compile polars and the library a second time, minutes and gigabytes on CI.
blackstart="${BLACKSTART:-target/debug/blackstart}"
[[ -x "$blackstart" ]] || { echo "dss-check: $blackstart is missing: run \`cargo test\` (or \`cargo test --no-run\`) first" >&2; exit 1; }
feeders=tests/data/feeders
pairs=()
for master in opendss/IEEETestCases/13Bus/IEEE13Nodeckt.dss \
    opendss/IEEETestCases/123Bus/IEEE123Master.dss \
    opendss/IEEETestCases/LVTestCase/Master.dss \
    onm/ieee13_feeder.dss; do
    name="$(basename "$(dirname "$master")")-$(basename "$master" .dss)"
    "$blackstart" import dss "$feeders/$master" --out "$tmp/$name.yaml" \
        --report "$tmp/$name.json" >/dev/null
    pairs+=("$feeders/$master" "$tmp/$name.json")
done
"$venv/bin/python" .ci/crosscheck/dss_check.py "${pairs[@]}"
for study in scenarios/feeders/*-outage.yaml; do
    echo "== $study: run, and a sweep of 4 runs"
    "$blackstart" run "$study" | grep -E '^(status|energy not served)'
    "$blackstart" sweep "$study" --runs 4 --out "$tmp/sweep-$(basename "$study" .yaml)" \
        | grep -E '^runs' || true
done
