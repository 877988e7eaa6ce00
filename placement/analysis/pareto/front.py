"""The front itself: the points no other point dominates or duplicates."""

from __future__ import annotations

from placement.analysis.pareto.objectives import Versus
from placement.analysis.results import ParetoPoint


def _dominates(a: ParetoPoint, b: ParetoPoint, fa: float, fb: float) -> bool:
    """a is at least as good as b in both objectives (to a cent / 1e-6), better in one,
    or equal in both (a duplicate)."""
    tol_n = 0.01 + 1e-9 * max(abs(a.npv), abs(b.npv))
    tol_f = 1e-6 + 1e-9 * max(abs(fa), abs(fb))
    return a.npv <= b.npv + tol_n and fa <= fb + tol_f


def non_dominated(points: list[ParetoPoint], versus: Versus) -> list[ParetoPoint]:
    """Drop dominated points and duplicates (the first of equal points is kept); sorted by
    NPV (cheapest first, so the second objective falls along the list)."""

    def f(p: ParetoPoint) -> float:
        v = p.mean_latency_ms if versus == "latency" else p.energy_kwh
        assert v is not None
        return v

    ordered = sorted(points, key=lambda p: (p.npv, f(p)))
    kept: list[ParetoPoint] = []
    for p in ordered:
        if not any(_dominates(q, p, f(q), f(p)) for q in kept):
            kept = [q for q in kept if not _dominates(p, q, f(p), f(q))]
            kept.append(p)
    return sorted(kept, key=lambda p: (p.npv, f(p)))
