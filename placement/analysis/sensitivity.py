"""One-at-a-time sensitivity: each multiplier at 1 - delta and 1 + delta, the rest at 1.

For every parameter (a ``MULTIPLIER_KEYS`` entry) the instance is scaled down and up by
``delta`` and solved again (with its baseline): the NPV at each end gives the tornado bar,
and the recommended placement — the set of (workload, period, site, hardware, variant)
of the plan — is compared with the base case's: it *changes* when keeping the base
placements at that point (units re-optimised) costs more than the point's optimum, so
alternative optima (ties) are not changes. The base case is solved first, then the
2 x parameters points in parallel (:func:`placement.executor.run_all`).

A point with no plan (infeasible, time limit, error) has ``npv_* = None`` and counts as
a change of the recommendation (there is none to keep).

The default parameters are every multiplier key except the v2 keys that change nothing in
the instance (``multipliers.no_effect``: no commitments, no spot, a carbon price of 0 or
nothing that emits, one period or no rented price to trend) and ``price_trend``, which is
varied only when named (a trend of 1 ± delta a year compounds over the horizon, so its
bar is not comparable with the levels'); they are listed in ``SensitivityResult.skipped``
with the reason, so a v1 instance keeps its rows and its solve count. A key that changes
nothing, named explicitly, is refused (``effective_parameters``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from placement.analysis.multipliers import V2_KEYS, no_effect, scale_instance
from placement.analysis.results import MULTIPLIER_KEYS, SensitivityResult, TornadoRow
from placement.analysis.scenarios import Point, solve_with_reference, sweep_options
from placement.errors import InstanceError, PlacementError, Problem
from placement.executor import Progress
from placement.schema import Instance
from placement.schema.options import SolveOptions

__all__ = ["BaseCaseError", "check_parameters", "effective_parameters", "run_sensitivity"]


class BaseCaseError(PlacementError):
    """The instance as given has no plan, so there is nothing to compare with."""

    def __init__(self, point: Point) -> None:
        self.status = point.status
        super().__init__(f"the base case has no plan ({point.status}): {point.message}".rstrip())


def check_parameters(parameters: Sequence[str] | None) -> list[str]:
    """The parameters to vary (default: every multiplier key); InstanceError if unknown."""
    if parameters is None:
        return list(MULTIPLIER_KEYS)
    params = list(dict.fromkeys(p.strip() for p in parameters if p.strip()))
    bad = [p for p in params if p not in MULTIPLIER_KEYS]
    if bad or not params:
        have = ", ".join(MULTIPLIER_KEYS)
        raise InstanceError(
            [Problem("parameters", f"unknown parameter '{p}' (have: {have})") for p in bad]
            or [Problem("parameters", f"no parameter given (have: {have})")]
        )
    return params


#: Keys varied only when named, and why (they are not levels, so ±delta is not comparable).
NAMED_ONLY = {
    "price_trend": "a yearly trend, varied only when named: 1 ± delta a year compounds "
    "over the horizon, unlike a level's ± delta",
}


def effective_parameters(
    inst: Instance, parameters: Sequence[str] | None
) -> tuple[list[str], dict[str, str]]:
    """The parameters to vary on ``inst`` and the default ones left out ({key: why}).

    Default (None): every multiplier key but the v2 keys that change nothing in the
    instance (``no_effect``) and ``price_trend`` (``NAMED_ONLY``). Named parameters:
    InstanceError for an unknown one, or for a v2 key that changes nothing (its swing
    would be 0 by construction).
    """
    params = check_parameters(parameters)
    reasons = {k: r for k in V2_KEYS if k in params and (r := no_effect(inst, k)) is not None}
    if parameters is None:
        left_out = {**reasons, **{k: why for k, why in NAMED_ONLY.items() if k not in reasons}}
        return [p for p in params if p not in left_out], left_out
    if reasons:
        raise InstanceError([
            Problem("parameters", f"'{k}' changes nothing in {inst.name}: {r}")
            for k, r in reasons.items()
        ])
    return params, {}


def changed(base: Point, point: Point) -> bool:
    """Whether the recommendation at ``point`` differs from the base case's: no plan, or
    keeping the base placements costs more than the point's optimum (``Point.changed``;
    ties between equally cheap placements are not changes)."""
    if not point.has_plan:
        return True
    if point.changed is not None:
        return point.changed
    return point.placements != base.placements


def run_sensitivity(
    inst: Instance,
    *,
    delta: float = 0.2,
    parameters: Sequence[str] | None = None,
    options: SolveOptions | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> SensitivityResult:
    """Tornado data: NPV at (1 - delta) and (1 + delta) of each parameter, rows sorted by
    swing (largest first); default parameters: see ``effective_parameters``. Raises
    BaseCaseError if the instance itself has no plan."""
    if not 0 < delta <= 1:
        raise InstanceError([Problem("delta", f"must be in (0, 1], got {delta!r}")])
    params, skipped = effective_parameters(inst, parameters)
    opts = sweep_options(options)
    low, high = 1.0 - delta, 1.0 + delta
    tasks: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for p in params:
        for m in (low, high):
            tasks.append((scale_instance(inst, {p: m}).model_dump(), opts))
    points = solve_with_reference(
        (inst.model_dump(), opts), tasks, workers=workers, scheduler=scheduler, progress=progress
    )
    base = points[0]
    if not base.has_plan or base.npv is None:
        raise BaseCaseError(base)
    rows = []
    for i, p in enumerate(params):
        lo, hi = points[1 + 2 * i], points[2 + 2 * i]
        rows.append(
            TornadoRow(
                parameter=p,
                low=round(low, 12),
                high=round(high, 12),
                npv_low=lo.npv,
                npv_high=hi.npv,
                changes_low=changed(base, lo),
                changes_high=changed(base, hi),
                message="; ".join(_no_plan(x, f"{m:g}x") for x, m in ((lo, low), (hi, high))
                                  if not x.has_plan),
            )
        )
    rows.sort(key=lambda r: (-_swing(r), MULTIPLIER_KEYS.index(r.parameter)))
    return SensitivityResult(instance=inst.name, base_npv=base.npv, delta=delta, rows=rows,
                             skipped=skipped)


def _no_plan(point: Point, at: str) -> str:
    return f"at {at}: {point.status}" + (f" ({point.message})" if point.message else "")


def _swing(row: TornadoRow) -> float:
    """Width of the tornado bar; a missing end counts as infinitely wide (it matters)."""
    if row.npv_low is None or row.npv_high is None:
        return float("inf")
    return abs(row.npv_high - row.npv_low)
