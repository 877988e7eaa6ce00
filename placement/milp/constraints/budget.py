"""Capex budget per period."""

from __future__ import annotations

from placement.milp.variables import Milp


def add_capex_budget(m: Milp) -> None:
    """For every period with capex_budget:

    sum_{s,h owned} bought(s,h,p) x capex(h) x (1 - capex_rebate(s)) <= capex_budget(p).
    """
    lk = m.data.lk
    for info in lk.periods:
        budget = info.spec.capex_budget
        buys = [(s, h, v) for (s, h, p), v in sorted(m.buy.items()) if p == info.index]
        if budget is None or not buys:
            continue
        spend = [
            (v, lk.capex(h, info.index) * (1 - lk.sites[s].capex_rebate)) for s, h, v in buys
        ]
        m.add_row(spend, "<=", budget, "capex_budget", info.index)
