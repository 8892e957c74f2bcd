"""Sweep directories of one sweep hold the same results however each was split into shards.

    python sweeps_equal.py REFERENCE OTHER...

Compared with REFERENCE (e.g. a one-shard sweep): every Parquet table's rows and columns, read
whole (hive-partitioned, the `shard` partition column dropped) and sorted by run (stably: a run's
rows keep their order, since a run's rows are in one shard's part); `summary.json` value for value;
`sweep.json` but for its shard count. Part files and their names differ between splits, so bytes
are not compared. Used by .ci/slurm-check.sh; needs polars (the notebooks' venv has it).
"""

import json
import pathlib
import sys

import polars as pl


def tables(root: pathlib.Path) -> list[str]:
    return sorted(
        p.name for p in root.iterdir() if p.is_dir() and next(p.rglob("*.parquet"), None)
    )


def read(root: pathlib.Path, table: str) -> pl.DataFrame:
    frame = pl.read_parquet(root / table / "**" / "*.parquet", hive_partitioning=True)
    return frame.drop("shard").sort("run_index", maintain_order=True)


def compare(reference: pathlib.Path, other: pathlib.Path) -> list[str]:
    failures = []
    names = tables(reference)
    if names != tables(other):
        return [f"tables {names} against {tables(other)}"]
    for name in names:
        want, got = read(reference, name), read(other, name)
        if want.columns != got.columns:
            failures.append(f"{name}: columns {want.columns} against {got.columns}")
        elif want.height != got.height:
            failures.append(f"{name}: {want.height} rows against {got.height}")
        elif not want.equals(got):
            columns = [c for c in want.columns if not want[c].equals(got[c])]
            failures.append(f"{name}: values differ in {columns}")
        else:
            print(f"   same: {name} ({want.height} rows, {want.width} columns)")
    want = json.loads((reference / "summary.json").read_text())
    got = json.loads((other / "summary.json").read_text())
    if want != got:
        keys = sorted(k for k in want.keys() | got.keys() if want.get(k) != got.get(k))
        failures.append(f"summary.json differs in {keys}")
    else:
        print("   same: summary.json")
    want = json.loads((reference / "sweep.json").read_text())
    got = json.loads((other / "sweep.json").read_text())
    shards = (want.pop("shards", None), got.pop("shards", None))
    if want != got:
        keys = sorted(k for k in want.keys() | got.keys() if want.get(k) != got.get(k))
        failures.append(f"sweep.json differs in {keys}")
    else:
        print(f"   same: sweep.json but its shard count ({shards[0]} against {shards[1]})")
    return failures


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    reference, *others = map(pathlib.Path, sys.argv[1:])
    runs = read(reference, "runs")["run_index"].to_list()
    if runs != list(range(json.loads((reference / "sweep.json").read_text())["runs"])):
        sys.exit(f"{reference}: the runs table does not hold each run once")
    failures = []
    for other in others:
        print(f"== {other} against {reference}")
        failures += [f"{other}: {f}" for f in compare(reference, other)]
    if failures:
        sys.exit("DIFFERENT:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
