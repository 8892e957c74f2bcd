"""Compares what `blackstart import dss` counted with what OpenDSS itself counts.

For each pair MASTER.dss REPORT.json (the report `blackstart import dss --report` wrote for that
master), OpenDSS (DSS-Extensions' engine, `opendssdirect.py`) compiles the master and counts:
buses; lines, switches and normally open lines (disabled, or a terminal opened by `Open`); enabled loads with their customers and
total kW and kvar; PV systems with their total Pmpp x irradiance; storage with their total kWh
and kW ratings. Each figure must equal the report's (totals to 1e-6 relative). Prints a table
and exits 1 on any difference.

usage: python dss_check.py MASTER.dss REPORT.json [MASTER.dss REPORT.json ...]
"""

import json
import math
import os
import sys

import opendssdirect as dss


def each(interface):
    """Visits every enabled element of an OpenDSS iterator interface."""
    if interface.First():
        while True:
            yield
            if not interface.Next():
                break


def prop(element, name):
    """A property of an element as OpenDSS reports it (a number)."""
    dss.Text.Command(f"? {element}.{name}")
    return float(dss.Text.Result())


def opendss_counts(master):
    """Compiles one master file and counts what the import report counts."""
    dss.Basic.ClearAll()
    try:
        dss.Text.Command(f'Compile "{master}"')
    except Exception as error:  # noqa: BLE001 — a failed solution leaves the circuit built
        print(f"  (OpenDSS: {str(error).splitlines()[0]})")
    enabled = switches = 0
    for _ in each(dss.Lines):
        enabled += 1
        switches += 1 if dss.Lines.IsSwitch() else 0
    all_lines = dss.Lines.Count()
    # Switches among the disabled lines: OpenDSS's iterator skips them, so ask each by name.
    dss.Circuit.SetActiveClass("Line")
    names = dss.ActiveClass.AllNames()
    disabled = [n for n in names if dss.Text.Command(f"? Line.{n}.enabled") is None
                and dss.Text.Result().strip().lower() in ("false", "no", "n")]
    disabled_switches = sum(
        1 for n in disabled
        if dss.Text.Command(f"? Line.{n}.switch") is None
        and dss.Text.Result().strip().lower() in ("true", "yes", "y"))
    # Enabled lines with a terminal opened by an `Open` command are normally open too.
    opened = 0
    for _ in each(dss.Lines):
        if dss.CktElement.IsOpen(1, 0) or dss.CktElement.IsOpen(2, 0):
            opened += 1
    loads = customers = 0
    kw = kvar = 0.0
    for _ in each(dss.Loads):
        loads += 1
        customers += dss.Loads.NumCust()
        kw += dss.Loads.kW()
        kvar += dss.Loads.kvar()
    pv = 0
    pv_kw = 0.0
    for _ in each(dss.PVsystems):
        pv += 1
        pv_kw += dss.PVsystems.Pmpp() * dss.PVsystems.Irradiance()
    storages = 0
    storage_kwh = storage_kw = 0.0
    for _ in each(dss.Storages):
        storages += 1
        name = f"Storage.{dss.Storages.Name()}"
        storage_kwh += prop(name, "kWhrated")
        storage_kw += prop(name, "kWrated")
    return {
        "buses": dss.Circuit.NumBuses(),
        "lines": all_lines - switches - disabled_switches,
        "switches": switches + disabled_switches,
        "normally_open": len(disabled) + opened,
        "loads": loads,
        "customers": customers,
        "load_kw": kw,
        "load_kvar": kvar,
        "pv_systems": pv,
        "pv_kw": pv_kw,
        "storages": storages,
        "storage_kwh": storage_kwh,
        "storage_kw": storage_kw,
    }


def agree(ours, theirs):
    if isinstance(theirs, float):
        return math.isclose(ours, theirs, rel_tol=1e-6, abs_tol=1e-9)
    return ours == theirs


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit(__doc__)
    # Compile changes the process's working folder: resolve every path first.
    pairs = [(m, os.path.abspath(m), os.path.abspath(r)) for m, r in zip(args[0::2], args[1::2])]
    failed = False
    for master, master_path, report in pairs:
        theirs = opendss_counts(master_path)
        with open(report, encoding="utf-8") as f:
            ours = json.load(f)["counts"]
        print(f"{master}")
        print(f"  {'figure':<14} {'OpenDSS':>14} {'blackstart':>14}")
        for key, value in theirs.items():
            ok = agree(ours[key], value)
            failed |= not ok
            mark = "" if ok else "   <-- differs"
            print(f"  {key:<14} {value:>14.6g} {ours[key]:>14.6g}{mark}")
    if failed:
        sys.exit("blackstart's import differs from OpenDSS's counts")
    print("every count and total agrees with OpenDSS")


if __name__ == "__main__":
    main()
