"""Moves: a workload moves in p if a site serving it in p-1 does not serve it in p."""

from __future__ import annotations

from placement.milp.model import Milp


def add_moves(m: Milp) -> None:
    """Move indicators, for every workload and period with a ``move`` variable.

    p = 1 (current sites C_w; none: no move):  move(w,1) >= 1 - Y(w,s,1) for s in C_w;
    p > 1:  move(w,p) >= Y(w,s,p-1) - Y(w,s,p) for every site s.
    In a pilot period a criticality-high workload's move variable is fixed to 0.
    """
    data = m.data
    lk = data.lk
    for (w, p), mv in sorted(m.move.items()):
        if p == 0:
            for s in lk.current_sites(w):
                m.add_row([(mv, 1.0), *m.served_terms(w, s, 0)], ">=", 1.0, "move")
            continue
        for s in data.sites_by_wp.get((w, p - 1), []):
            before = [(var, -1.0) for var, _ in m.served_terms(w, s, p - 1)]
            m.add_row([(mv, 1.0), *before, *m.served_terms(w, s, p)], ">=", 0.0, "move")


def add_max_migrations(m: Milp) -> None:
    """For every period with max_migrations:  sum_w move(w,p) <= max_migrations(p)."""
    for info in m.data.lk.periods:
        cap = info.spec.max_migrations
        if cap is None:
            continue
        moves = [(v, 1.0) for (w, p), v in sorted(m.move.items()) if p == info.index]
        if moves:
            m.add_row(moves, "<=", float(cap), "max_mig")
