#!/usr/bin/env bash
# Executes a notebook headless on a blackstart output directory and fails on any cell error.
#
#   bash notebooks/check.sh SWEEP_DIR [OUT_DIR]     mttr_analysis.ipynb on a `blackstart sweep --out` directory
#   bash notebooks/check.sh BENCH_DIR [OUT_DIR]     caliper_bench.ipynb on a `blackstart bench --out` directory
#
# The notebook is chosen by what the directory holds: sweep.json (a sweep) or
# transactions.parquet and report.md (a bench). The executed notebook and its figures (PNG)
# go to OUT_DIR (default: a new temporary directory); the committed notebook is never
# overwritten. The packages of requirements.txt are installed once into notebooks/.venv
# (git-ignored), with a Jupyter kernel of that venv; the venv is rebuilt only when
# requirements.txt or the Python version changes. PYTHON picks the interpreter (default python3,
# 3.11 or newer).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 SWEEP_DIR|BENCH_DIR [OUT_DIR]" >&2
    exit 2
fi
if [[ -f "$1/sweep.json" ]]; then
    notebook="mttr_analysis"
    variable="BLACKSTART_SWEEP"
elif [[ -f "$1/transactions.parquet" && -f "$1/report.md" ]]; then
    notebook="caliper_bench"
    variable="BLACKSTART_BENCH_DIR"
else
    echo "$1: neither a blackstart sweep directory (no sweep.json) nor a bench directory (no transactions.parquet and report.md)" >&2
    exit 2
fi
data="$(cd "$1" && pwd)"
out="${2:-$(mktemp -d "${TMPDIR:-/tmp}/$notebook-notebook.XXXXXX")}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# The venv of requirements.txt (notebooks/venv.sh): $venv and $kernel.
source "$here/venv.sh"

echo "== column descriptions in the Parquet metadata of $data"
# Every column of every file carries `blackstart.column.<name>` (docs/outputs.md, "Parquet metadata").
"$venv/bin/python" - "$data" <<'EOF'
import pathlib
import sys

import polars as pl

files = sorted(pathlib.Path(sys.argv[1]).rglob("*.parquet"))
for path in files:
    metadata = pl.read_parquet_metadata(path)
    missing = [c for c in pl.read_parquet_schema(path) if f"blackstart.column.{c}" not in metadata]
    if missing:
        sys.exit(f"{path}: no blackstart.column.* description for {missing}")
print(f"   every column of {len(files)} files described")
EOF

echo "== executing $notebook.ipynb on $data"
started=$SECONDS
# Jupyter's and IPython's runtime files stay in OUT_DIR rather than the home directory.
env "$variable=$data" \
    BLACKSTART_FIGURES="$out/figures" \
    JUPYTER_PLATFORM_DIRS=1 \
    JUPYTER_RUNTIME_DIR="$out/.jupyter-runtime" \
    IPYTHONDIR="$out/.ipython" \
    MPLCONFIGDIR="$out/.matplotlib" \
    "$venv/bin/python" - "$here/$notebook.ipynb" "$out/$notebook.ipynb" "$kernel" <<'EOF'
import os
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

source, executed, kernel = sys.argv[1:4]
notebook = nbformat.read(source, as_version=4)
stale = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code" and (cell.outputs or cell.execution_count)]
if stale:
    sys.exit(f"{source}: code cells {stale} carry outputs; commit the notebook with outputs cleared (notebooks/README.md)")
client = NotebookClient(
    notebook,
    kernel_name=kernel,
    timeout=1800,  # per cell
    allow_errors=False,
    resources={"metadata": {"path": os.path.dirname(source)}},  # the notebook's own folder
)
failed = None
try:
    client.execute()
except CellExecutionError as error:
    failed = error
finally:
    nbformat.write(notebook, executed)

# What the notebook printed: the data, its checks (summary.json, report.md), the notes.
for cell in notebook.cells:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            sys.stdout.write(output["text"])
if failed is not None:
    plain = re.sub(r"\x1b\[[0-9;]*m", "", str(failed))  # IPython colours its tracebacks
    print(f"\nFAILED: a cell raised an error; executed notebook in {executed}\n{plain}", file=sys.stderr)
    sys.exit(1)
EOF
echo "== notebook executed without errors in $((SECONDS - started)) s: $out/$notebook.ipynb, figures in $out/figures"
