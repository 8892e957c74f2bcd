#!/usr/bin/env bash
# Shows that two builds of blackstart behave the same (issue 13's refactor promise): every
# bundled outage scenario's `run --format json` and `run --out` tables, and a sweep's Parquet
# tables and summary, compared value by value. Not part of .ci/run (it needs a second build).
#
#   bash .ci/same-behaviour.sh OLD_BINARY NEW_BINARY [RUNS]     RUNS: sweep size (default 1000)
#
# Build the old binary from a worktree of the base commit, e.g.
#   git worktree add /tmp/base <rev> && (cd /tmp/base && cargo build) && \
#   bash .ci/same-behaviour.sh /tmp/base/target/debug/blackstart target/debug/blackstart
#
# Compared: each scenario's JSON report (keys sorted; its transaction log as below) and `chain gas` JSON, every Parquet table's columns and values
# (row order included: the runs' tables, the sweep's, the benchmark's transactions) and
# summary.json (minus wall-clock fields). The only difference allowed is
# the transactions table's schema (and `chain gas` where GAS_CHANGE_EXPECTED below says why), which became the one `bench` writes: the old run's columns are
# renamed and its status split (`ok` → `success`, `reverted: R` → `fail` with R in
# `revert_reason`) before the comparison, so its values are still checked. Needs polars: the
# notebooks' venv (notebooks/venv.sh) is made or reused.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 2 || $# -gt 3 ]]; then
    echo "usage: $0 OLD_BINARY NEW_BINARY [RUNS]" >&2
    exit 2
fi
old="$(realpath "$1")"
new="$(realpath "$2")"
runs="${3:-1000}"
work="$(mktemp -d "${TMPDIR:-/tmp}/same-behaviour.XXXXXX")"
source notebooks/venv.sh

# The JSON report's transaction log in the unified record, old or new, without the two fields
# the old one lacked (tx_id, latency_s).
TRANSACTION_LOG='walk(if type == "object" and has("transaction_log") then .transaction_log |= map({
    function, gas_used, block,
    submitted_s: (.submitted_s // .submitted_at_s),
    processed_s: (.processed_s // .processed_at_s),
    included_s: (.included_s // .included_at_s),
    confirmed_s: (.confirmed_s // .confirmed_at_s),
    status: (if .status == "ok" then "success" elif (.status | startswith("reverted: ")) then "fail" else .status end),
    revert_reason: (if (.status | startswith("reverted: ")) then (.status | ltrimstr("reverted: ")) else .revert_reason end)
  }) else . end)'
# `chain gas` used to deploy the contracts its own way; it now deploys as the simulator does,
# which under monthly_marginal pricing also records each consumer's monthly consumption, so
# computeTariff (and recordAllocation, which prices the consumers) read one more slot.
declare -A GAS_CHANGE_EXPECTED=(
    [household-der]="monthly_marginal pricing: the monthly consumptions the simulator deploys are now set"
)
# Outage scenarios: every bundled scenario but the Caliper benchmark configurations.
mapfile -t scenarios < <(ls scenarios/*.yaml | grep -v '/caliper-' | sort)
for scenario in "${scenarios[@]}"; do
    name="$(basename "$scenario" .yaml)"
    for side in old new; do
        bin="${!side}"
        mkdir -p "$work/$side/run-$name"
        "$bin" run "$scenario" --seed 1 --format json --out "$work/$side/run-$name" \
            >"$work/$side/run-$name.json"
    done
    jq -S "$TRANSACTION_LOG" "$work/old/run-$name.json" >"$work/old/run-$name.sorted.json"
    jq -S "$TRANSACTION_LOG" "$work/new/run-$name.json" >"$work/new/run-$name.sorted.json"
    if ! diff -q "$work/old/run-$name.sorted.json" "$work/new/run-$name.sorted.json" >/dev/null; then
        diff "$work/old/run-$name.sorted.json" "$work/new/run-$name.sorted.json" | head -40 || true
        echo "DIFFERENT: run $scenario --seed 1 --format json ($work)" >&2
        exit 1
    fi
    # A scenario whose allocation the contracts reject fails here: its message and exit code
    # are compared too.
    for side in old new; do
        rc=0
        "${!side}" chain gas "$scenario" --format json >"$work/$side/gas-$name.json" 2>&1 || rc=$?
        echo "exit $rc" >>"$work/$side/gas-$name.json"
    done
    if ! diff -q "$work/old/gas-$name.json" "$work/new/gas-$name.json" >/dev/null; then
        diff "$work/old/gas-$name.json" "$work/new/gas-$name.json" | head -20 || true
        if [[ -n "${GAS_CHANGE_EXPECTED[$name]:-}" ]]; then
            echo "   chain gas $scenario changed, as expected: ${GAS_CHANGE_EXPECTED[$name]}"
        else
            echo "DIFFERENT: chain gas $scenario ($work)" >&2
            exit 1
        fi
    fi
    echo "   same: run $scenario --seed 1 (JSON report), chain gas $scenario"
done
for side in old new; do
    "${!side}" sweep scenarios/campus13.yaml --runs "$runs" --events --out "$work/$side/sweep" --quiet \
        >"$work/$side/sweep.txt"
    "${!side}" bench scenarios/caliper-fig12.yaml --out "$work/$side/bench" >"$work/$side/bench.txt"
done
echo "   swept scenarios/campus13.yaml, $runs runs, and benchmarked scenarios/caliper-fig12.yaml, with both"

"$venv/bin/python" - "$work/old" "$work/new" <<'PY'
import json
import pathlib
import sys

import polars as pl

old_root, new_root = map(pathlib.Path, sys.argv[1:3])
# The transactions table of `run --out` before its schema became the bench's.
RENAMED = {
    "submitted_at_s": "submitted_s",
    "processed_at_s": "processed_s",
    "included_at_s": "included_s",
    "confirmed_at_s": "confirmed_s",
}


def legacy_transactions(frame: pl.DataFrame) -> pl.DataFrame:
    if "submitted_at_s" not in frame.columns:
        return frame
    status = pl.col("status")
    return frame.rename(RENAMED).with_columns(
        pl.when(status == "ok").then(pl.lit("success")).otherwise(pl.lit("fail")).alias("status"),
        pl.when(status.str.starts_with("reverted: "))
        .then(status.str.strip_prefix("reverted: "))
        .otherwise(None)
        .alias("revert_reason"),
    )


failures = []
files = sorted(p.relative_to(old_root) for p in old_root.rglob("*.parquet"))
new_files = sorted(p.relative_to(new_root) for p in new_root.rglob("*.parquet"))
if files != new_files:
    failures.append(f"different files: {sorted(set(files) ^ set(new_files))}")
for rel in files:
    old = pl.read_parquet(old_root / rel)
    new = pl.read_parquet(new_root / rel)
    if rel.name == "transactions.parquet":
        old, new = legacy_transactions(old), legacy_transactions(new)
        shared = [c for c in new.columns if c in old.columns]
        extra = sorted(set(new.columns) - set(old.columns))
        if extra:
            print(f"   {rel}: new columns {extra} (not in the old table)")
        old, new = old.select(shared), new.select(shared)
    if old.columns != new.columns:
        failures.append(f"{rel}: columns {old.columns} became {new.columns}")
    elif not old.equals(new):
        failures.append(f"{rel}: values differ")
    else:
        print(f"   same: {rel} ({old.height} rows, {old.width} columns)")

WALL_CLOCK = {"wall_time_s", "elapsed_s", "runs_per_s", "solve_wall_clock_us"}


def without_wall_clock(value):
    if isinstance(value, dict):
        return {k: without_wall_clock(v) for k, v in value.items() if k not in WALL_CLOCK}
    if isinstance(value, list):
        return [without_wall_clock(v) for v in value]
    return value


for name in ["summary.json"]:
    old = without_wall_clock(json.loads((old_root / "sweep" / name).read_text()))
    new = without_wall_clock(json.loads((new_root / "sweep" / name).read_text()))
    if old != new:
        failures.append(f"sweep/{name} differs")
    else:
        print(f"   same: sweep/{name}")
if failures:
    sys.exit("DIFFERENT:\n  " + "\n  ".join(failures) + f"\n(outputs kept in {old_root.parent})")
PY
echo "== same behaviour: ${#scenarios[@]} scenarios run, a $runs-run sweep; outputs in $work"
