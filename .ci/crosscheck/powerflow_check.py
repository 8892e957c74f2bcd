"""Compares blackstart's island power flow with OpenDSS's snapshot solution of the same feeder.

For each case, OpenDSS (DSS-Extensions' engine, `opendssdirect.py`) compiles the vendored
feeder, is made to match blackstart's modelling assumptions (each adjustment below is stated
where it is made), and solves a snapshot. `examples/powerflow_snapshot` imports the same feeder
with blackstart's importer and solves the island of the case's reference bus. Compared:

- every phase voltage magnitude of the island's buses, as a difference in % of OpenDSS's
  phase-to-neutral base (must be within 0.5 %);
- the total losses of the island's lines, switches and transformers, kW (within 2 %).

Prints the worst voltage difference (bus.phase) and the loss difference per case; exits 1 when
any case is beyond a tolerance.

usage: python powerflow_check.py SNAPSHOT_BINARY FEEDERS_DIR
"""

import json
import os
import subprocess
import sys

import opendssdirect as dss

VOLTAGE_TOLERANCE_PCT = 0.5
LOSS_TOLERANCE_PCT = 2.0

# Adjustments common to every case, so OpenDSS solves blackstart's model:
COMMON = [
    # Constant-power loads at every voltage: OpenDSS switches a load to constant impedance
    # below vminpu (0.95 by default) and above vmaxpu; blackstart's loads are constant PQ.
    "batchedit load..* model=1 vminpu=0.5 vmaxpu=2",
]

LV = "opendss/IEEETestCases/LVTestCase/Master.dss"
IEEE13 = "opendss/IEEETestCases/13Bus/IEEE13Nodeckt.dss"
IEEE13_FIXED = [
    # Regulators at fixed taps: their controls off, every tap at 1 (blackstart's
    # transformers have no taps).
    "set controlmode=off",
    "Transformer.reg1.taps=[1 1]",
    "Transformer.reg2.taps=[1 1]",
    "Transformer.reg3.taps=[1 1]",
    # blackstart has no capacitors (it lists them as dropped on import).
    "Capacitor.cap1.enabled=no",
    "Capacitor.cap2.enabled=no",
]

# (name, master, OpenDSS commands, reference bus, reference voltages from OpenDSS?, edges open)
CASES = [
    # European LV, grid-connected: the reference is the 11 kV side of the substation
    # transformer (delta-wye, modelled), at the voltages OpenDSS solves there behind the
    # source's impedance.
    ("European LV, grid-connected", LV, [], "sourcebus", True, []),
    # European LV, islanded: the lateral behind LINE318 (381 buses, 23 of the 55 loads) opened
    # and an ideal (very stiff) 1 pu source at its first bus, 319, as the grid-forming unit;
    # blackstart: balanced 1 pu there.
    ("European LV, islanded at 319", LV,
     ["open Line.line318 term=1",
      "new Vsource.gfm bus1=319 basekv=0.416 pu=1 angle=0 phases=3 mvasc3=1e6 mvasc1=1e6"],
     "319", False, ["Line.line318"]),
    # IEEE 13, grid-connected, regulators at fixed taps: the reference is the 115 kV side of
    # the substation transformer (delta-wye, modelled), at the voltages OpenDSS solves there.
    ("IEEE 13, grid-connected, fixed taps", IEEE13, IEEE13_FIXED, "sourcebus", True, []),
    # IEEE 13, islanded: 670-671 opened, an ideal 1 pu source at 671 as the grid-forming unit.
    ("IEEE 13, islanded at 671", IEEE13,
     IEEE13_FIXED + ["open Line.670671 term=1",
                     "new Vsource.gfm bus1=671 basekv=4.16 pu=1 angle=0 phases=3 "
                     "mvasc3=1e6 mvasc1=1e6"],
     "671", False, ["Line.670671"]),
]


def opendss_solve(master, commands):
    dss.Basic.ClearAll()
    dss.Text.Command(f'Compile "{master}"')
    for command in COMMON + commands:
        dss.Text.Command(command)
    dss.Text.Command("solve mode=snapshot")
    if not dss.Solution.Converged():
        sys.exit(f"OpenDSS did not converge on {master}")


def bus_phases(bus):
    """{phase: (complex voltage V, phase-to-neutral base V)} of a bus's phases 1-3."""
    dss.Circuit.SetActiveBus(bus)
    base_v = dss.Bus.kVBase() * 1000.0
    v = dss.Bus.Voltages()
    return {node: (complex(v[2 * k], v[2 * k + 1]), base_v)
            for k, node in enumerate(dss.Bus.Nodes()) if 1 <= node <= 3}


def island_losses_kw(buses):
    """Losses of the lines and transformers whose every terminal is on the island, kW."""
    total_w = 0.0
    for element in dss.Circuit.AllElementNames():
        if not element.lower().startswith(("line.", "transformer.")):
            continue
        dss.Circuit.SetActiveElement(element)
        if not dss.CktElement.Enabled():
            continue
        ends = {b.split(".")[0].lower() for b in dss.CktElement.BusNames()}
        if ends <= buses:
            total_w += dss.CktElement.Losses()[0]
    return total_w / 1000.0


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    binary, feeders = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    failed = False
    for name, master, commands, reference, given, open_edges in CASES:
        master = os.path.join(feeders, master)
        opendss_solve(master, commands)
        args = [binary, master, "--reference", reference]
        if given:
            v = bus_phases(reference)
            args += ["--voltages", ",".join(f"{x:.17g}" for p in (1, 2, 3)
                                           for x in (v[p][0].real, v[p][0].imag))]
        for edge in open_edges:
            args += ["--open", edge]
        ours = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
        buses = {key.rsplit(".", 1)[0] for key in ours["voltage_v"]}
        worst = (0.0, "")
        for bus in sorted(buses):
            for phase, (v, base_v) in bus_phases(bus).items():
                key = f"{bus}.{phase}"
                diff_pct = 100.0 * abs(ours["voltage_v"][key] - abs(v)) / base_v
                worst = max(worst, (diff_pct, key))
        theirs_kw = island_losses_kw(buses)
        loss_pct = 100.0 * abs(ours["losses_kw"] - theirs_kw) / theirs_kw
        ok = worst[0] <= VOLTAGE_TOLERANCE_PCT and loss_pct <= LOSS_TOLERANCE_PCT
        failed |= not ok
        print(f"{name}: {len(buses)} buses, reference {reference}")
        print(f"  worst |V| difference {worst[0]:.4f} % at {worst[1]}"
              f"  (tolerance {VOLTAGE_TOLERANCE_PCT} %)")
        print(f"  losses: OpenDSS {theirs_kw:.4f} kW, blackstart {ours['losses_kw']:.4f} kW,"
              f" difference {loss_pct:.3f} %  (tolerance {LOSS_TOLERANCE_PCT} %)"
              f"{'' if ok else '   <-- beyond tolerance'}")
    if failed:
        sys.exit("blackstart's power flow differs from OpenDSS's beyond the tolerances")
    print("every case agrees with OpenDSS within the tolerances")


if __name__ == "__main__":
    main()
