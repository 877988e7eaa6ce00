"""Volume-tiered egress: each tiered egress group's monthly volume split into its tiers'
segments, filled in order (PROBLEM-v2.md section 4)."""

from __future__ import annotations

from placement.milp.transfer_sets import tier_segments
from placement.milp.variables import Milp


def add_egress_tiers(m: Milp) -> None:
    """The volume of a tiered egress group fills its tiers' segments in order.

    Index sets: every tiered egress group g and period p with more than one kept segment
    (``transfer_sets.tier_segments``: segment i = [b_{i-1}, b_i), width W_i, price c_i; the
    last kept one capped at Vmax(g,p)); vol_k the monthly response GB of candidate k.

    volume (g,p):      sum_i tier(g,p,i) = sum_{k at a site of g in p} vol_k x_k
    and, only where the prices are not non-decreasing (concave or mixed: ``tier_on``
    binary, the incremental formulation), for every segment i but the last kept one:
    fill (g,p,i):      tier(g,p,i) >= W_i x tier_on(g,p,i)       (on: segment i is full)
    open (g,p,i):      tier(g,p,i+1) <= W_{i+1} x tier_on(g,p,i) (i+1 used only then)

    With 0 <= tier(g,p,i) <= W_i the segments fill in order, so sum_i c_i tier(g,p,i) =
    tiered(V(g,p)) exactly (marginal pricing), whatever the prices; with non-decreasing
    prices the least-cost split already fills them in order (no binaries). The objective
    pays m_p x sum_i c_i tier(g,p,i); a group with one kept segment pays c_1 x vol_k x m_p
    on each x_k instead (no row).
    """
    for gp in tier_segments(m.data):
        if gp.linear:
            continue
        g, p = gp.group, gp.period
        segs = [m.blocks["tier"][(g, p, i)] for i in range(len(gp.widths))]
        terms = [(col, 1.0) for col in segs]
        terms += [(m.x[k], -vol) for k, vol in sorted(gp.volume.items())]
        m.add_row(terms, "==", 0.0, "tier_volume", (g, p))
        if not gp.ordered:
            continue
        for i in range(len(segs) - 1):
            on = m.blocks["tier_on"][(g, p, i)]
            m.add_row([(segs[i], 1.0), (on, -gp.widths[i])], ">=", 0.0, "tier_fill", (g, p, i))
            m.add_row(
                [(segs[i + 1], 1.0), (on, -gp.widths[i + 1])], "<=", 0.0, "tier_open", (g, p, i)
            )
