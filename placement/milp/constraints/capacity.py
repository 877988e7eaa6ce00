"""Capacity: units carry the load placed on them within the utilisation policy."""

from __future__ import annotations

import math

from placement.milp.variables import Milp


def add_capacity(m: Milp) -> None:
    """Load placed at (s, h) fits its units at max_utilization.

    For all s, h, p:  sum_{k at (s,h,p)} (carried_k / rps_k) x_k <= mu x units(s,h,p),
    plus the valid inequality, for each such k,  ceil(load_k / mu) x_k <= units(s,h,p)
    (units are integers), which tightens the LP relaxation without cutting any
    integer solution. units(s,h,p) are the units in service: rented on demand plus the
    committed units serving p, or owned. units(s,h,p) <= max_units is a variable bound
    (rented, no commitment serving p), the ``commit_cap`` row, or the ownership cap (owned).
    """
    data = m.data
    mu = data.lk.inst.policy.max_utilization
    x, cands = m.x, data.cands
    for (s, h, p), ks in sorted(data.by_shp.items()):
        units, existing = m.units_terms(s, h, p)
        minus_units = [(var, -1.0) for var, _ in units]
        load = [(x[k], cands[k].load) for k in ks]
        m.add_row(load + [(var, -mu) for var, _ in units], "<=", mu * existing, "cap", (s, h, p))
        for k in ks if data.tight else ():
            need = math.ceil(cands[k].load / mu - 1e-9)
            if need > 1:
                m.add_row([(x[k], float(need)), *minus_units], "<=", existing, "capk", k)
