"""Carbon caps (v2): a period's emissions within its cap."""

from __future__ import annotations

from placement.milp.variables import Milp


def add_carbon_cap(m: Milp) -> None:
    """A period's emissions stay within its carbon cap (the plan only: the stay-put
    baseline is solved without caps).

    For every period p with ``carbon_cap_t``:
    E(p) = sum_{(s,h)} e(s,h,p) x in_service(s,h,p) + sum_{(s,h) owned} embodied_t(h)
    x buy(s,h,p) <= carbon_cap_t(p), tCO2e,
    with in_service = rented on demand + committed units serving p, or owned, + spot
    units (every pool: ``Milp.service_terms``) and
    e(s,h,p) = power_w(h) / 1000 x 730 x m_p x pue(s) x carbon_g_per_kwh(s,p) / 10^6.
    """
    if not m.data.carbon_caps:
        return
    for info in m.data.lk.periods:
        cap = info.spec.carbon_cap_t
        if cap is None:
            continue
        terms, constant = m.emissions_terms(info.index)
        m.add_row(terms, "<=", cap - constant, "carbon_cap", info.index)
