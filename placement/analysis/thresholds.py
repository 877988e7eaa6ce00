"""Decision thresholds: how far a multiplier must move before the recommendation changes.

For a parameter (a ``MULTIPLIER_KEYS`` entry) and a range ``(lo, hi)`` around 1.0, two
searches run, down from 1.0 to ``lo`` and up from 1.0 to ``hi``:

1. solve at the end of the range; if today's recommended placement — the set of
   (workload, period, site, hardware, variant) — is still optimal there (keeping it,
   with units re-optimised, costs no more than the optimum beyond the solver's gap:
   ties are not changes), report no threshold;
2. otherwise bisect between 1.0 (same recommendation) and the end (different one)
   until the bracket is narrower than ``tolerance``; the threshold is its midpoint, so
   solves at threshold ± tolerance fall on either side of the change.

The recommendation need not be monotone in a multiplier: it may change and change back
within the range. Bisection then finds *a* change point in the range (where the bracket
ends differ), not necessarily the one closest to today; and an end that happens to give
today's recommendation again hides changes in between. Sensitivity (a grid of points)
shows such cases; ``tolerance`` bounds the error of the point found.

The down and up searches (and those of several parameters) advance together: each round
of bisection is one parallel batch (:func:`placement.executor.run_all`). The
points solved do not depend on the executor or the number of workers, so neither do the
results.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from placement.analysis.limits import MAX_HIGH, MAX_ROUNDS, MIN_TOLERANCE
from placement.analysis.multipliers import scale_instance
from placement.analysis.results import MULTIPLIER_KEYS, ThresholdRow, ThresholdsResult
from placement.analysis.scenarios import (
    Placement5,
    Point,
    SolveTask,
    differing_workloads,
    point_error,
    solve_point,
    sweep_options,
)
from placement.analysis.sensitivity import BaseCaseError, changed, effective_parameters
from placement.errors import InstanceError, Problem
from placement.executor import Progress, run_all
from placement.schema import Instance
from placement.schema.options import SolveOptions

__all__ = ["MAX_HIGH", "MAX_ROUNDS", "MIN_TOLERANCE", "describe_change", "run_thresholds"]

#: How to say a multiplier moved: (what, plural?) per key.
LABELS: dict[str, tuple[str, bool]] = {
    "rented": ("rented (cloud) prices", True),
    "capex": ("hardware purchase prices (capex)", True),
    "energy": ("energy prices", True),
    "egress": ("egress prices", True),
    "transfer": ("link transfer prices", True),
    "demand": ("demand", False),
    "labour": ("site fixed costs (labour)", True),
    "maintenance": ("maintenance costs", True),
    "activation": ("site activation costs", True),
    "migration": ("migration costs", True),
    "committed": ("committed-use prices", True),
    "spot": ("spot prices", True),
    "carbon_price": ("the carbon price", False),
    "price_trend": ("the yearly price trend (on-demand and spot)", False),
}
assert set(LABELS) == set(MULTIPLIER_KEYS)
#: What a multiplier is relative to, per key (default: today's figures).
RELATIVE_TO = {"price_trend": "a year (1 = flat)"}


@dataclass
class _Search:
    parameter: str
    direction: Literal["down", "up"]
    end: float
    same: float = 1.0  # a multiplier with today's recommendation
    diff: float | None = None  # a multiplier with a different one (None: none found)
    diff_point: Point | None = None
    solves: int = 0

    def active(self, tolerance: float) -> bool:
        if self.diff is None or abs(self.diff - self.same) <= tolerance:
            return False
        return self.mid() not in (self.same, self.diff)  # floating point can still split it

    def mid(self) -> float:
        assert self.diff is not None
        return (self.same + self.diff) / 2


def _steps(width: float, tolerance: float) -> int:
    """Bisection steps to shrink ``width`` below ``tolerance`` (at most MAX_ROUNDS)."""
    if width <= tolerance:
        return 0
    return min(MAX_ROUNDS, max(0, math.ceil(math.log2(width / tolerance))))


def run_thresholds(
    inst: Instance,
    parameters: Sequence[str] | str,
    *,
    search_range: tuple[float, float] = (0.2, 3.0),
    tolerance: float = 0.01,
    options: SolveOptions | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> ThresholdsResult:
    """For each parameter, the multipliers below and above 1.0 at which the recommended
    placement changes (see the module doc). Raises BaseCaseError if the instance itself
    has no plan, InstanceError for a bad parameter (also a v2 key that changes nothing in
    the instance, ``multipliers.no_effect``), range or tolerance."""
    params, _ = effective_parameters(
        inst, [parameters] if isinstance(parameters, str) else parameters)
    lo, hi = search_range
    problems = []
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo < 1 < hi <= MAX_HIGH):
        problems.append(Problem(
            "range", f"must satisfy 0 <= low < 1 < high <= {MAX_HIGH:g}, got {lo}, {hi}"))
    if not (math.isfinite(tolerance) and MIN_TOLERANCE <= tolerance <= 1):
        problems.append(Problem(
            "tolerance", f"must be in [{MIN_TOLERANCE:g}, 1], got {tolerance!r}"))
    if problems:
        raise InstanceError(problems)
    opts = sweep_options(options)
    ends: tuple[tuple[Literal["down", "up"], float], ...] = (("down", lo), ("up", hi))
    searches = [_Search(p, d, end) for p in params for d, end in ends]
    done = 0
    total = 1 + len(searches) + sum(_steps(abs(s.end - 1.0), tolerance) for s in searches)

    keep: tuple[Placement5, ...] | None = None

    def solve_all(multipliers: list[tuple[str, float] | None]) -> list[Point]:
        nonlocal done
        tasks: list[SolveTask] = [
            ((scale_instance(inst, {m[0]: m[1]}) if m else inst).model_dump(), opts, keep)
            for m in multipliers
        ]
        start = done

        def tick(d: int, _n: int) -> None:
            if progress:
                progress(start + d, total)

        outcomes = run_all(solve_point, tasks, workers=workers, scheduler=scheduler, progress=tick)
        done += len(tasks)
        return [point_error(o) for o in outcomes]

    base = solve_all([None])[0]
    if not base.has_plan:
        raise BaseCaseError(base)
    keep = base.placements
    at_ends = solve_all([(s.parameter, s.end) for s in searches])
    for s, point in zip(searches, at_ends, strict=True):
        s.solves = 1
        if changed(base, point):
            s.diff, s.diff_point = s.end, point
        else:  # nothing to bisect: the estimated steps will not be solved
            total -= _steps(abs(s.end - 1.0), tolerance)
    rounds = 0
    while (active := [s for s in searches if s.active(tolerance)]) and rounds < MAX_ROUNDS:
        rounds += 1
        mids = [s.mid() for s in active]
        points = solve_all([(s.parameter, m) for s, m in zip(active, mids, strict=True)])
        for s, m, point in zip(active, mids, points, strict=True):
            s.solves += 1
            if changed(base, point):
                s.diff, s.diff_point = m, point
            else:
                s.same = m
        total = max(total, done + sum(1 for s in searches if s.active(tolerance)))
    if progress:
        progress(done, done)
    digits = max(2, math.ceil(-math.log10(tolerance)) + 1)
    rows = [_row(s, base, tolerance, digits, inst) for s in searches]
    return ThresholdsResult(instance=inst.name, rows=rows)


def _row(s: _Search, base: Point, tolerance: float, digits: int, inst: Instance) -> ThresholdRow:
    what, plural = LABELS[s.parameter]
    of = RELATIVE_TO.get(s.parameter, "today's")
    searched = (s.end, 1.0) if s.direction == "down" else (1.0, s.end)
    if s.diff is None or s.diff_point is None:
        change = (
            f"the recommendation does not change with {what} between "
            f"{searched[0]:g}x and {searched[1]:g}x {of} (checked at {s.end:g}x)"
        )
        threshold = None
    else:
        threshold = round((s.same + s.diff) / 2, digits)
        verb = (
            ("fall below" if plural else "falls below")
            if s.direction == "down"
            else ("rise above" if plural else "rises above")
        )
        change = (
            f"the recommendation changes once {what} {verb} {threshold:.{digits}f}x "
            f"{of}: {describe_change(base, s.diff_point, inst)}"
        )
    return ThresholdRow(
        parameter=s.parameter,
        direction=s.direction,
        threshold=threshold,
        searched=searched,
        tolerance=tolerance,
        solves=s.solves,
        change=change,
    )


def describe_change(base: Point, new: Point, inst: Instance | None = None, limit: int = 3) -> str:
    """In words: which workloads go where ("chat-eu moves from berlin-store to aws-...")."""
    if not new.has_plan:
        return f"no plan remains ({new.status}{': ' + new.message if new.message else ''})"
    periods = [p.name for p in inst.horizon.periods] if inst else None
    parts = []
    for w in differing_workloads(base, new):
        parts.append(_describe_workload(w, base, new, periods))
    if not parts:
        return "the placement changes"
    more = f"; and {len(parts) - limit} more workloads change" if len(parts) > limit else ""
    return "; ".join(parts[:limit]) + more


def _by_period(point: Point, w: str) -> dict[str, set[tuple[str, str, str]]]:
    out: dict[str, set[tuple[str, str, str]]] = {}
    for wl, period, site, hw, var in point.placements:
        if wl == w:
            out.setdefault(period, set()).add((site, hw, var))
    return out


def _describe_workload(w: str, base: Point, new: Point, periods: list[str] | None) -> str:
    a, b = _by_period(base, w), _by_period(new, w)
    order = periods or sorted(set(a) | set(b))
    differ = [p for p in order if a.get(p, set()) != b.get(p, set())]
    first = differ[0]
    before, after = sorted(a.get(first, set())), sorted(b.get(first, set()))
    sites_a = sorted({x[0] for x in before})
    sites_b = sorted({x[0] for x in after})
    if sites_a != sites_b:
        text = f"{w} moves from {' + '.join(sites_a) or 'nowhere'} to {' + '.join(sites_b)}"
    else:
        hw_a = sorted({f"{x[1]}/{x[2]}" for x in before})
        hw_b = sorted({f"{x[1]}/{x[2]}" for x in after})
        text = (
            f"{w} switches from {' + '.join(hw_a)} to {' + '.join(hw_b)} at {' + '.join(sites_a)}"
        )
    if len(differ) < len(order):
        text += f" in {', '.join(differ)}"
    return text
