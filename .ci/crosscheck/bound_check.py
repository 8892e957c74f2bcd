"""Solves the perfect-information bound's instances with SciPy and compares the optima.

The program is written here from docs/model.md §11, not translated from the Rust code:
per step, consumers' served energy by priority class, each prosumer's generation used, own
load served and export, each battery's discharge, charge and state of charge after the step;
the island bus and each prosumer's meter balance; a battery carries its state from step to
step unless it is refilled every interval. Maximise served energy, consumers' kWh weighted
1 + 1e-6 x priority.

usage: python bound_check.py INSTANCES.json
"""

import json
import math
import sys

import numpy as np
from scipy.optimize import linprog

TIE_BREAK = 1e-6
TOLERANCE_KWH = 1e-6


class Program:
    """A linear program assembled variable by variable."""

    def __init__(self):
        self.cost = []
        self.bounds = []
        self.rows = []  # (dict var -> coefficient, right-hand side), equalities

    def var(self, gain, low, high):
        self.cost.append(-gain)  # linprog minimises
        self.bounds.append((low, high))
        return len(self.cost) - 1

    def equal(self, terms, rhs):
        self.rows.append((terms, rhs))

    def maximum(self):
        n = len(self.cost)
        if n == 0:
            return 0.0
        if not self.rows:
            a_eq, b_eq = None, None
        else:
            a_eq = np.zeros((len(self.rows), n))
            b_eq = np.zeros(len(self.rows))
            for i, (terms, rhs) in enumerate(self.rows):
                for v, c in terms.items():
                    a_eq[i, v] += c
                b_eq[i] = rhs
        result = linprog(self.cost, A_eq=a_eq, b_eq=b_eq, bounds=self.bounds, method="highs")
        if result.status != 0:
            raise RuntimeError(result.message)
        return -result.fun


def optimum(problem):
    lp = Program()
    storages = problem["storages"]
    soc = []  # per storage: ("known", kwh) or ("var", index)
    for s in storages:
        p = s["params"]
        low = p["reserve"] * p["capacity_kwh"]
        soc.append(("known", min(max(s["initial_soc_kwh"], low), p["capacity_kwh"])))

    def battery(use):
        s = storages[use["storage"]]
        p = s["params"]
        hours = use["span_s"] / 3600.0
        eta = math.sqrt(p["round_trip_efficiency"])
        out = lp.var(0.0, 0.0, p["discharge_kw"] * hours)
        into = lp.var(0.0, 0.0, p["charge_kw"] * hours)
        after = lp.var(0.0, p["reserve"] * p["capacity_kwh"], p["capacity_kwh"])
        kind, before = soc[use["storage"]]
        terms = {after: 1.0, into: -eta, out: 1.0 / eta}
        rhs = 0.0
        if kind == "known":
            rhs = before
        else:
            terms[before] = -1.0
        lp.equal(terms, rhs)
        if not s["refilled_each_interval"]:
            soc[use["storage"]] = ("var", after)
        return out, into

    for step in problem["steps"]:
        bus = {}
        for priority, demand in step["consumers"]:
            bus[lp.var(1.0 + TIE_BREAK * priority, 0.0, demand)] = -1.0
        if step["der_generation_kwh"] > 0:
            bus[lp.var(0.0, 0.0, step["der_generation_kwh"])] = 1.0
        for pro in step["prosumers"]:
            generation = lp.var(0.0, 0.0, pro["generation_kwh"])
            own = lp.var(1.0, 0.0, pro["own_demand_kwh"])
            export = lp.var(0.0, 0.0, None)
            meter = {generation: 1.0, own: -1.0, export: -1.0}
            if pro["storage"] is not None:
                out, into = battery(pro["storage"])
                meter[out] = 1.0
                meter[into] = -1.0
            lp.equal(meter, 0.0)
            bus[export] = 1.0
        for use in step["banks"]:
            out, into = battery(use)
            bus[out] = bus.get(out, 0.0) + 1.0
            bus[into] = bus.get(into, 0.0) - 1.0
        if bus:
            lp.equal(bus, 0.0)
    return lp.maximum()


def main():
    with open(sys.argv[1]) as f:
        instances = json.load(f)
    worst = 0.0
    for i, case in enumerate(instances):
        theirs = optimum(case["problem"])
        ours = case["objective_kwh"]
        diff = abs(theirs - ours)
        worst = max(worst, diff)
        if diff > TOLERANCE_KWH:
            print(f"instance {i}: blackstart {ours!r} kWh, SciPy {theirs!r} kWh", file=sys.stderr)
            print(json.dumps(case["problem"]), file=sys.stderr)
            sys.exit(1)
    print(f"{len(instances)} instances: the optima agree, worst difference {worst:.3e} kWh")


if __name__ == "__main__":
    main()
