"""Compare two plans: what moved, which units changed, what it costs, per period.

``diff_plans(a, b)`` takes two plans (``Plan`` or plan JSON dicts) and returns a
:class:`PlanDiff` (B relative to A, so a positive change is a cost increase):

- per period (matched by name): workloads whose (site, hardware, variant, market)
  placements differ, with which of the four changed (the pool is part of a placement:
  on demand or spot); units added or removed per site, hardware and pool;
  the change of every cost category (undiscounted, as in the plans);
- the change of the totals per category, of the NPV, of the residual value, of the
  savings against the baseline and of the break-even month.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from placement.plan import Plan, PlanPeriod, parse_plan

__all__ = ["CostChange", "PeriodDiff", "PlacementChange", "PlanDiff", "UnitsChange", "diff_plans"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _r(x: float) -> float:
    return round(x, 6) + 0.0


class CostChange(_Model):
    before: float
    after: float
    change: float


class PlacementChange(_Model):
    workload: str
    before: list[str] = Field(description="SITE/HARDWARE/VARIANT per replica in A (sorted).")
    after: list[str] = Field(description="The same in B.")
    changed: list[str] = Field(description="Which of site, hardware, variant differ.")


class UnitsChange(_Model):
    site: str
    hardware: str
    market: str = Field("on_demand", description="on_demand, or spot: the offer's spot units.")
    before: int
    after: int
    change: int
    bought_before: int = 0
    bought_after: int = 0


class PeriodDiff(_Model):
    name: str
    placements: list[PlacementChange]
    units: list[UnitsChange]
    costs: dict[str, CostChange]
    moves_before: list[str] = Field(default_factory=list)
    moves_after: list[str] = Field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.placements or self.units or any(c.change for c in self.costs.values()))


class PlanDiff(_Model):
    kind: str = "plan-diff"
    a: str = Field(description="Label of plan A (e.g. its file name).")
    b: str
    instance_a: str
    instance_b: str
    status_a: str
    status_b: str
    npv: CostChange | None = Field(description="Discounted NPV; None if a plan has none.")
    residual_value: CostChange | None
    savings: CostChange | None = Field(description="Savings vs each plan's own baseline.")
    break_even_month: tuple[int | None, int | None]
    totals: dict[str, CostChange] = Field(description="Undiscounted, per category.")
    periods: list[PeriodDiff]
    periods_only_in_a: list[str] = Field(default_factory=list)
    periods_only_in_b: list[str] = Field(default_factory=list)

    @property
    def identical(self) -> bool:
        """Same placements, units and costs in every period."""
        return (
            not self.periods_only_in_a
            and not self.periods_only_in_b
            and self.status_a == self.status_b
            and not any(p.changed for p in self.periods)
            and (self.npv is None or self.npv.change == 0)
        )

    @property
    def changed_workloads(self) -> list[str]:
        """Workloads placed differently in some period, in order of first change."""
        seen: dict[str, None] = {}
        for p in self.periods:
            for c in p.placements:
                seen.setdefault(c.workload)
        return list(seen)


def as_plan(plan: Plan | Mapping[str, Any]) -> Plan:
    """A Plan from a Plan or a plan JSON mapping; PlanFormatError if it is not a plan
    (a number that is NaN, infinite or beyond ±1e300 included, with its path)."""
    return parse_plan(plan)


def _change(a: float | None, b: float | None) -> CostChange | None:
    if a is None or b is None:
        return None
    return CostChange(before=_r(a), after=_r(b), change=_r(b - a))


def _costs(a: Mapping[str, float], b: Mapping[str, float]) -> dict[str, CostChange]:
    keys = list(dict.fromkeys([*a, *b]))
    return {
        k: CostChange(
            before=_r(a.get(k, 0.0)),
            after=_r(b.get(k, 0.0)),
            change=_r(b.get(k, 0.0) - a.get(k, 0.0)),
        )
        for k in keys
    }


Where = tuple[str, str, str, str]  # site, hardware, variant, market


def _placements(period: PlanPeriod | None) -> dict[str, list[Where]]:
    out: dict[str, list[Where]] = {}
    for a in period.assignments if period else []:
        out.setdefault(a.workload, []).append((a.site, a.hardware, a.variant, a.market))
    return {w: sorted(v) for w, v in out.items()}


def _text(where: Where) -> str:
    """SITE/HARDWARE/VARIANT, with " (spot)" for a placement on the spot pool."""
    return "/".join(where[:3]) + (" (spot)" if where[3] == "spot" else "")


def _what_changed(before: list[Where], after: list[Where]) -> list[str]:
    """Which of site, hardware, variant and market (the pool: part of the placement)
    differ."""
    return [
        name
        for i, name in enumerate(("site", "hardware", "variant", "market"))
        if sorted(p[i] for p in before) != sorted(p[i] for p in after)
    ]


def _period_diff(name: str, pa: PlanPeriod | None, pb: PlanPeriod | None) -> PeriodDiff:
    xa, xb = _placements(pa), _placements(pb)
    placements = [
        PlacementChange(
            workload=w,
            before=[_text(p) for p in xa.get(w, [])],
            after=[_text(p) for p in xb.get(w, [])],
            changed=_what_changed(xa.get(w, []), xb.get(w, [])),
        )
        for w in dict.fromkeys([*xa, *xb])
        if xa.get(w) != xb.get(w)
    ]
    ua = {(u.site, u.hardware, u.market): u for u in (pa.units if pa else [])}
    ub = {(u.site, u.hardware, u.market): u for u in (pb.units if pb else [])}
    units = []
    for key in sorted(set(ua) | set(ub)):
        a, b = ua.get(key), ub.get(key)
        before, after = (a.units if a else 0), (b.units if b else 0)
        bought_a, bought_b = (a.bought if a else 0), (b.bought if b else 0)
        if before != after or bought_a != bought_b:
            units.append(
                UnitsChange(
                    site=key[0],
                    hardware=key[1],
                    market=key[2],
                    before=before,
                    after=after,
                    change=after - before,
                    bought_before=bought_a,
                    bought_after=bought_b,
                )
            )
    return PeriodDiff(
        name=name,
        placements=placements,
        units=units,
        costs=_costs(pa.costs if pa else {}, pb.costs if pb else {}),
        moves_before=list(pa.moves) if pa else [],
        moves_after=list(pb.moves) if pb else [],
    )


def diff_plans(
    a: Plan | Mapping[str, Any], b: Plan | Mapping[str, Any], labels: tuple[str, str] = ("A", "B")
) -> PlanDiff:
    """B compared with A. Raises PlanFormatError if either is not a plan."""
    pa, pb = as_plan(a), as_plan(b)
    by_a = {p.name: p for p in pa.periods}
    by_b = {p.name: p for p in pb.periods}
    both = [n for n in by_a if n in by_b]
    # a plan without a solution lists no periods: compare against nothing
    names = list(dict.fromkeys([*by_a, *by_b])) if (not by_a or not by_b) else both
    periods = [_period_diff(n, by_a.get(n), by_b.get(n)) for n in names]
    sav_a = pa.baseline.savings if pa.baseline else None
    sav_b = pb.baseline.savings if pb.baseline else None
    return PlanDiff(
        a=labels[0],
        b=labels[1],
        instance_a=pa.instance,
        instance_b=pb.instance,
        status_a=pa.status,
        status_b=pb.status,
        npv=_change(pa.npv, pb.npv),
        residual_value=_change(pa.residual_value, pb.residual_value),
        savings=_change(sav_a, sav_b),
        break_even_month=(
            pa.baseline.break_even_month if pa.baseline else None,
            pb.baseline.break_even_month if pb.baseline else None,
        ),
        totals=_costs(_totals(pa), _totals(pb)),
        periods=periods,
        periods_only_in_a=[n for n in by_a if n not in by_b] if by_a and by_b else [],
        periods_only_in_b=[n for n in by_b if n not in by_a] if by_a and by_b else [],
    )


def _totals(plan: Plan) -> dict[str, float]:
    out: dict[str, float] = {}
    for p in plan.periods:
        for k, v in p.costs.items():
            out[k] = out.get(k, 0.0) + v
    return out
