"""A complete MILP start from the candidates of a plan (the greedy one).

Given the chosen candidates C (their x = 1, every other x = 0), every other variable takes
the least value the constraints allow, so that HiGHS gets a whole solution to check
instead of a partial one to complete in a sub-MIP:

- rent(s,h,p) = ceil(L(s,h,p) / mu), L the load of the chosen candidates at (s,h,p);
- spot(s,h,p) = ceil(L^spot(s,h,p) / (mu (1 - o))), L^spot the load of the chosen spot
  candidates there;
- owned(s,h,p) = max(existing, max_{q<=p} ceil(L(s,h,q) / mu)) (never sold), bought the
  difference with the period before (put in the first period a purchase is possible);
- active(s,p) = 1 when a chosen candidate runs at s or s rents or owns a unit in p;
- first(s,p) = 1 in the first period s is active;
- move(w,p) = 1 when a site serving w in p-1 (p = 1: a current site) does not serve it in p.

A start that breaks a constraint (a forced choice of the greedy plan) is still handed over:
HiGHS then repairs or drops it, so a start never changes the optimum.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from placement.candidates import SPOT
from placement.milp.variables import Milp


def complete_start(m: Milp, chosen: Sequence[int]) -> np.ndarray:
    """A value for every column of the domain's blocks (``m``'s first ``n_variables``
    columns; an analysis's extra columns come after them and are left to the solver) from
    the chosen candidates (module docstring)."""
    data, lk = m.data, m.data.lk
    mu = lk.inst.policy.max_utilization
    used = set(chosen)
    values = np.zeros(m.n_variables)
    for k, col in m.x.items():
        values[col] = float(k in used)
    load: defaultdict[tuple[str, str, int], float] = defaultdict(float)
    served: defaultdict[tuple[str, int], set[str]] = defaultdict(set)
    busy: set[tuple[str, int]] = set()
    spot: defaultdict[tuple[str, str, int], float] = defaultdict(float)
    for k in used:
        c = data.cands[k]
        (spot if c.market == SPOT else load)[(c.site, c.hardware, c.period)] += c.load
        served[(c.workload, c.period)].add(c.site)
        busy.add((c.site, c.period))

    def need(s: str, h: str, p: int) -> int:
        return math.ceil(load.get((s, h, p), 0.0) / mu - 1e-9)

    for (s, h, p), col in m.rent.items():
        values[col] = float(need(s, h, p))
        if need(s, h, p) > 0:
            busy.add((s, p))
    for (s, h, p), col in m.spot.items():
        values[col] = float(math.ceil(spot[(s, h, p)] / (mu * lk.spot_derate(s, h)) - 1e-9))
        if values[col] > 0:
            busy.add((s, p))
    for s, h in data.owned_offers:
        owned = lk.offers[(s, h)].existing_units
        pending = 0
        for p in range(data.n_periods):
            pending += max(0, need(s, h, p) - owned - pending)
            if (s, h, p) in m.buy:
                values[m.buy[(s, h, p)]] = float(pending)
                owned, pending = owned + pending, 0
            if owned > 0:
                busy.add((s, p))
    for (s, p), col in m.active.items():
        values[col] = float((s, p) in busy)
    for s in {s for s, _ in m.first}:
        first = next((p for p in range(data.n_periods) if (s, p) in busy), None)
        for p in range(data.n_periods):
            values[m.first[(s, p)]] = float(p == first)
    for (w, p), col in m.move.items():
        before = set(lk.current_sites(w)) if p == 0 else served[(w, p - 1)]
        values[col] = float(bool(before - served[(w, p)]))
    for (w, s, p), col in m.drop.items():
        values[col] = float(s in served[(w, p - 1)] and s not in served[(w, p)])
    return values
