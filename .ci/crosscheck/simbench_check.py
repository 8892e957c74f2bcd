"""Compares what `blackstart import simbench` counted with SimBench's own data and loader.

`write CODE DIR` writes the CSV tables of the SimBench grid CODE into DIR with the `simbench`
package's own extraction (the tables of that grid out of the package's complete data set, the
profiles it does not apply filtered out), the folder `blackstart import simbench` reads.

`compare CODE DIR REPORT.json` counts the grid twice — from the CSV tables with Python's csv
module, and from the pandapower net `simbench.get_simbench_net(CODE)` builds — and compares
both with the report's counts: nodes, lines, switches (open ones), transformers, loads with
total kW and kvar, PV and wind generators with total kW, storage with total kWh and kW. Totals
must agree to 1e-6 relative. Prints a table; exits 1 on any difference.

Nodes: pandapower keeps a line's or transformer's end switch on the element itself, where
SimBench's CSV (and so blackstart, docs/simbench.md) has an auxiliary node between the switch
and the element; so pandapower's count is its buses plus its line and transformer switches.

usage: python simbench_check.py write CODE DIR
       python simbench_check.py compare CODE DIR REPORT.json
"""

import csv
import json
import math
import os
import sys

import simbench as sb
from simbench.networks.extract_simbench_grids_from_csv import (
    complete_data_path,
    get_extracted_csv_data,
    get_relevant_subnets,
)
from simbench.networks.profiles import filter_unapplied_profiles


def write(code, folder):
    """Writes the CSV tables of grid `code` into `folder` with simbench's own functions."""
    _, parameters = sb.get_simbench_code_and_parameters(code)
    complete = complete_data_path(parameters[5])
    data = get_extracted_csv_data(get_relevant_subnets(parameters, complete), complete)
    filter_unapplied_profiles(data)
    os.makedirs(folder, exist_ok=True)
    sb.write2csv(folder, data)


def kind(res_type):
    """How blackstart maps a RES type (docs/simbench.md): pv, wind or dropped."""
    t = str(res_type).lower()
    if "pv" in t or t == "lv_res":
        return "pv"
    return "wind" if "wind" in t else None


def rows(folder, table):
    """The rows of a table as dicts; none when SimBench wrote no file for it."""
    path = os.path.join(folder, f"{table}.csv")
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


def csv_counts(folder):
    """The figures from the CSV tables themselves."""
    res = rows(folder, "RES")
    storages = [s for s in rows(folder, "Storage")
                if float(s["eStore"]) > 0 and float(s["sR"]) > 0]
    loads = rows(folder, "Load")
    switches = rows(folder, "Switch")
    return {
        "buses": len(rows(folder, "Node")),
        "lines": len(rows(folder, "Line")),
        "switches": len(switches),
        "normally_open": sum(1 for s in switches if s["cond"] == "0"),
        "transformer_edges": len(rows(folder, "Transformer")),
        "loads": len(loads),
        "load_kw": 1000 * sum(float(r["pLoad"]) for r in loads),
        "load_kvar": 1000 * sum(float(r["qLoad"]) for r in loads),
        "pv_systems": sum(1 for r in res if kind(r["type"]) == "pv"),
        "pv_kw": 1000 * sum(float(r["pRES"]) for r in res if kind(r["type"]) == "pv"),
        "wind_plants": sum(1 for r in res if kind(r["type"]) == "wind"),
        "wind_kw": 1000 * sum(float(r["pRES"]) for r in res if kind(r["type"]) == "wind"),
        "storages": len(storages),
        "storage_kwh": 1000 * sum(float(s["eStore"]) for s in storages),
        "storage_kw": 1000 * sum(float(s["sR"]) for s in storages),
    }


def loader_counts(code):
    """The figures from the pandapower net simbench's loader builds."""
    net = sb.get_simbench_net(code)
    sgen_kind = net.sgen["type"].map(kind)
    storage = net.storage[(net.storage.max_e_mwh > 0) & (net.storage.sn_mva > 0)]
    return {
        "buses": len(net.bus) + int(net.switch.et.isin(["l", "t"]).sum()),
        "lines": len(net.line),
        "switches": len(net.switch),
        "normally_open": int((~net.switch.closed.astype(bool)).sum()),
        "transformer_edges": len(net.trafo),
        "loads": len(net.load),
        "load_kw": 1000 * float(net.load.p_mw.sum()),
        "load_kvar": 1000 * float(net.load.q_mvar.sum()),
        "pv_systems": int((sgen_kind == "pv").sum()),
        "pv_kw": 1000 * float(net.sgen.p_mw[sgen_kind == "pv"].sum()),
        "wind_plants": int((sgen_kind == "wind").sum()),
        "wind_kw": 1000 * float(net.sgen.p_mw[sgen_kind == "wind"].sum()),
        "storages": len(storage),
        "storage_kwh": 1000 * float(storage.max_e_mwh.sum()),
        "storage_kw": 1000 * float(storage.sn_mva.sum()),
    }


def agree(ours, theirs):
    if isinstance(theirs, float):
        return math.isclose(ours, theirs, rel_tol=1e-6, abs_tol=1e-9)
    return ours == theirs


def compare(code, folder, report):
    with open(report, encoding="utf-8") as f:
        ours = json.load(f)["counts"]
    from_csv = csv_counts(folder)
    from_loader = loader_counts(code)
    failed = False
    print(code)
    print(f"  {'figure':<18} {'CSV tables':>14} {'simbench net':>14} {'blackstart':>14}")
    for key, value in from_csv.items():
        ok = agree(ours[key], value) and agree(ours[key], from_loader[key])
        failed |= not ok
        mark = "" if ok else "   <-- differs"
        print(f"  {key:<18} {value:>14.6g} {from_loader[key]:>14.6g} {ours[key]:>14.6g}{mark}")
    return failed


def main():
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "write":
        write(args[1], args[2])
    elif len(args) == 4 and args[0] == "compare":
        if compare(args[1], args[2], args[3]):
            sys.exit("blackstart's import differs from SimBench's counts")
        print("every count and total agrees with SimBench's tables and loader")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
