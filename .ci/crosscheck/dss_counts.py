"""Prints the counts blackstart's `.dss` reader is tested on, as OpenDSS itself computes them.

For each master file: buses, lines, switches (lines with Switch=y), transformers, loads, and the
loads' total kW and kvar, as JSON, one object per file. OpenDSS's iterators visit enabled
elements only: a disabled line (a normally open tie switch) is not counted. The reader's tests
(src/dss/tests.rs) assert the same figures; this script lets CI compare them with OpenDSS.

Needs `opendssdirect.py` (DSS-Extensions' OpenDSS engine) in the cross-check venv.

usage: python dss_counts.py MASTER.dss [MASTER.dss ...]
"""

import json
import os
import sys

import opendssdirect as dss


def counts(master):
    """Compiles one master file and counts what the reader's tests count."""
    dss.Basic.ClearAll()
    # Compile changes OpenDSS's working folder: the path must not depend on it.
    # A failed solution (ONM's zero-impedance switches) leaves the circuit built: count it.
    solve_error = None
    try:
        dss.Text.Command(f'Compile "{master}"')
    except Exception as error:  # noqa: BLE001 — reported in the output
        solve_error = str(error).splitlines()[0]
    lines = switches = 0
    if dss.Lines.First():
        while True:
            lines += 1
            switches += 1 if dss.Lines.IsSwitch() else 0
            if not dss.Lines.Next():
                break
    kw = kvar = 0.0
    loads = 0
    if dss.Loads.First():
        while True:
            loads += 1
            kw += dss.Loads.kW()
            kvar += dss.Loads.kvar()
            if not dss.Loads.Next():
                break
    return {
        "file": master,
        "buses": dss.Circuit.NumBuses(),
        "lines": lines,
        "switches": switches,
        "transformers": dss.Transformers.Count(),
        "loads": loads,
        "load_kw": round(kw, 6),
        "load_kvar": round(kvar, 6),
        "error": solve_error,
    }


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for master in [os.path.abspath(m) for m in sys.argv[1:]]:
        print(json.dumps(counts(master)))


if __name__ == "__main__":
    main()
