"""Spot pools (v2): interruptible placements on spot units, a pool of its own."""

from __future__ import annotations

import math

from placement.milp.variables import Milp


def add_spot_capacity(m: Milp) -> None:
    """Load placed on the spot pool of (s, h) fits its spot units, derated for evictions.

    For all (s, h, p) with spot candidates K^spot(s,h,p) (interruptible workloads at an
    offer with ``spot``; a placement is wholly on demand or wholly spot: its candidate is
    one or the other):
    sum_{k in K^spot(s,h,p)} load_k x_k <= mu x (1 - o(s,h)) x spot(s,h,p),
    o = spot.interruption_overhead, plus (tight) for each such k the valid inequality
    ceil(load_k / (mu (1 - o))) x_k <= spot(s,h,p). spot(s,h,p) <= spot.max_units is the
    variable's bound. The on-demand rows (``cap``) count the other candidates only.
    """
    data = m.data
    mu = data.lk.inst.policy.max_utilization
    x, cands = m.x, data.cands
    for (s, h, p), ks in sorted(data.by_spot.items()):
        room = mu * data.lk.spot_derate(s, h)
        pool = m.spot[(s, h, p)]
        load = [(x[k], cands[k].load) for k in ks]
        m.add_row([*load, (pool, -room)], "<=", 0.0, "spot_cap", (s, h, p))
        for k in ks if data.tight else ():
            need = math.ceil(cands[k].load / room - 1e-9)
            if need > 1:
                m.add_row([(x[k], float(need)), (pool, -1.0)], "<=", 0.0, "spot_capk", k)


def add_spot_activity(m: Milp) -> None:
    """Spot units make their site active, as other units do.

    For every (s, h, p) with a ``spot`` column and a site with an ``active`` column:
    spot(s,h,p) <= S(s,h,p) x active(s,p), S the column's upper bound.
    """
    for (s, h, p), col in sorted(m.spot.items()):
        act = m.active.get((s, p))
        top = m.bounds(col)[1]
        if act is not None and top > 0:
            m.add_row([(col, 1.0), (act, -top)], "<=", 0.0, "spot_act", (s, p, h))
