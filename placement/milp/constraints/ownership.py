"""Owned hardware: units owned never fall, capped by the offer and the site's power."""

from __future__ import annotations

from placement import costs
from placement.milp.variables import Milp


def add_ownership(m: Milp) -> None:
    """Owned units stay within the offer's cap.

    owned(s,h,p) = existing_units + sum_{q<=p} bought(s,h,q) with bought >= 0 is built
    into the variables (never sold; no purchase before lead_time_months). Here, for
    all owned (s, h) with purchases possible:  owned(s,h,P) <= max_units(s,h),
    the last period being the largest.
    """
    data = m.data
    last = data.n_periods - 1
    for s, h in data.owned_offers:
        buys, existing = m.units_terms(s, h, last)
        cap = data.lk.offers[(s, h)].max_units
        if len(buys) > 1 and cap is not None:
            m.add_row(buys, "<=", cap - existing, "own_cap", (s, h))


def add_power(m: Milp) -> None:
    """Site power cap on owned units.

    For all s with power_kw, p:  sum_{owned h} owned(s,h,p) x power_w(h) / 1000 <= power_kw(s).
    """
    data = m.data
    lk = data.lk
    for s in sorted(lk.sites):
        cap = lk.sites[s].power_kw
        owned = [(s2, h) for s2, h in data.owned_offers if s2 == s and lk.hardware[h].power_w > 0]
        if cap is None or not owned:
            continue
        for p in range(data.n_periods):
            draw, base = [], 0.0
            for _, h in owned:
                kw = costs.kw(1, lk.hardware[h].power_w)
                buys, existing = m.units_terms(s, h, p)
                draw += [(var, kw) for var, _ in buys]
                base += existing * kw
            m.add_row(draw, "<=", cap - base, "power", (s, p))
