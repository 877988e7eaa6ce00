"""Committed use: the units in service of a rented offer with commitments stay within its cap."""

from __future__ import annotations

from placement.milp.variables import Milp


def add_commitment_cap(m: Milp) -> None:
    """max_units caps on-demand and committed units in service together.

    For every rented (s, h) with max_units and every p some commitment column serves
    (t_q + m_q <= t_p' + term_j for a commitment j made in p'):
    rent(s,h,p) + sum_{(j,p') serving p} commit(s,h,j,p') <= max_units(s,h).
    Committed units paid but not serving p (their term ends inside p) do not count.
    """
    data = m.data
    lk = data.lk
    for s, h in lk.commitments:
        cap = lk.offers[(s, h)].max_units
        if cap is None:
            continue
        for p in range(data.n_periods):
            if not data.commits_serving(s, h, p):
                continue
            units, _ = m.units_terms(s, h, p)
            m.add_row(units, "<=", float(cap), "commit_cap", (s, h, p))
