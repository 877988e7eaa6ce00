"""Moves: a workload moves in p if a site serving it in p-1 does not serve it in p."""

from __future__ import annotations

from placement.milp.variables import Milp


def add_moves(m: Milp) -> None:
    """Move indicators, for every workload and period with a ``move`` variable.

    p = 1 (current sites C_w; none: no move):  move(w,1) >= 1 - Y(w,s,1) for s in C_w;
    p > 1:  move(w,p) >= Y(w,s,p-1) - Y(w,s,p) for every site s.
    In a pilot period a criticality-high workload's move variable is fixed to 0.

    Tight formulation (up to DROPS_MAX_CANDIDATES candidates), p > 1:
    drop(w,s,p) >= Y(w,s,p-1) - Y(w,s,p), drop in [0, 1], and
    R_w move(w,p) >= sum_s drop(w,s,p). Valid: a plan drops at most R_w sites, and drops
    one only if it moves. Stronger in the LP relaxation, where a workload split between
    sites moved for max_s of its drops; now for their sum over R_w. With R_w = 1 the
    per-site rows are implied (move >= sum >= each drop) and left out.
    """
    data = m.data
    lk = data.lk
    for (w, p), mv in sorted(m.move.items()):
        if p == 0:
            for s in lk.current_sites(w):
                m.add_row([(mv, 1.0), *m.served_terms(w, s, 0)], ">=", 1.0, "move", (w, s, p))
            continue
        replicas = lk.workloads[w].replicas
        drops = []
        for s in data.sites_by_wp.get((w, p - 1), []):
            before = [(var, -1.0) for var, _ in m.served_terms(w, s, p - 1)]
            now = m.served_terms(w, s, p)
            drop = m.drop.get((w, s, p))
            if drop is not None:
                m.add_row([(drop, 1.0), *before, *now], ">=", 0.0, "drop", (w, s, p))
                drops.append((drop, -1.0 / replicas))
            if drop is None or replicas > 1:
                m.add_row([(mv, 1.0), *before, *now], ">=", 0.0, "move", (w, s, p))
        if drops:
            m.add_row([(mv, 1.0), *drops], ">=", 0.0, "moved", (w, p))


def add_max_migrations(m: Milp) -> None:
    """For every period with max_migrations:  sum_w move(w,p) <= max_migrations(p)."""
    for info in m.data.lk.periods:
        cap = info.spec.max_migrations
        if cap is None:
            continue
        moves = [(v, 1.0) for (w, p), v in sorted(m.move.items()) if p == info.index]
        if moves:
            m.add_row(moves, "<=", float(cap), "max_mig", info.index)
