"""The v2 figures of a plan as the terminal summary and the report show them: commitments
to buy, spot use, emissions against the periods' caps, the annualised cost.

Fields that the plan model may not have yet (``periods[].commitments``,
``committed_after_horizon``, ``annualized_npv``; issue 16, committed use) are read
defensively: a missing field reads as none. Nothing here formats text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from placement.lookup import Lookup
from placement.plan import Plan
from placement.schema import Instance


def read(obj: Any, name: str) -> Any:
    """``obj.name`` or ``obj[name]`` (a model or a plan JSON mapping); None if absent."""
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def number(obj: Any, name: str) -> float | None:
    """A numeric field read defensively (None: absent or not a number)."""
    value = read(obj, name)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class CommitmentBuy:
    """Units of one commitment bought at the start of a period."""

    period: str
    start_month: float
    site: str
    hardware: str
    commitment: str
    units: int
    term_months: float | None  # None: not known without the instance

    @property
    def ends_month(self) -> float | None:
        return None if self.term_months is None else self.start_month + self.term_months


def commitments(plan: Plan, lk: Lookup | None = None) -> list[CommitmentBuy]:
    """Every commitment the plan makes, period by period (``periods[].commitments``;
    none when the plan has no such field). With the instance, each knows its term."""
    out = []
    for period in plan.periods:
        for c in read(period, "commitments") or ():
            site, hw, cid = str(read(c, "site")), str(read(c, "hardware")), \
                str(read(c, "commitment"))
            term = None
            if lk is not None and (site, hw) in lk.offers:
                term = next((x.term_months for x in lk.offers[(site, hw)].commitments
                             if x.id == cid), None)
            out.append(CommitmentBuy(period.name, float(period.start_month), site, hw, cid,
                                     int(read(c, "units") or 0), term))
    return out


def committed_after_horizon(plan: Plan) -> float | None:
    """The undiscounted payment for commitment months after the horizon (None: absent)."""
    return number(plan, "committed_after_horizon")


def annualized_npv(obj: Any) -> float | None:
    """``annualized_npv`` of a plan or its baseline (None: absent)."""
    return number(obj, "annualized_npv")


def uses_v2(plan: Plan, inst: Instance | None = None) -> bool:
    """Whether the plan (or the instance, for carbon caps) uses anything of v2: a
    commitment, spot, a non-zero v2 cost category, emissions, a cap. The solver writes
    ``annualized_npv`` for every plan; the summary and the report show it only then, so
    that a v1 plan's outputs are as before."""
    from placement.costs import V2_CATEGORIES

    every = [*plan.periods, *(plan.baseline.periods if plan.baseline else [])]
    return (any(read(p, "commitments") for p in plan.periods)
            or any(u.market == "spot" for p in every for u in p.units)
            or any(p.costs.get(k, 0.0) for p in every for k in V2_CATEGORIES)
            or any(p.emissions_t for p in every)
            or any(c is not None for c in caps(plan, inst)))


def annualized(plan: Plan, inst: Instance | None = None) -> tuple[float | None, float | None]:
    """The annualised cost of the plan and of its baseline, as shown (None: not shown)."""
    if not uses_v2(plan, inst):
        return None, None
    return annualized_npv(plan), annualized_npv(plan.baseline) if plan.baseline else None


@dataclass(frozen=True)
class SpotPeriod:
    """Spot use in one period: units per (site, hardware), and the placements on spot."""

    period: str
    units: tuple[tuple[str, str, int], ...]
    workloads: tuple[tuple[str, str, str], ...]  # (workload, site, hardware)


def spot_use(plan: Plan) -> list[SpotPeriod]:
    """Each period's spot units and spot placements; empty when the plan uses no spot."""
    out = [SpotPeriod(p.name,
                      tuple((u.site, u.hardware, u.units) for u in p.units
                            if u.market == "spot"),
                      tuple((a.workload, a.site, a.hardware) for a in p.assignments
                            if a.market == "spot"))
           for p in plan.periods]
    return out if any(s.units or s.workloads for s in out) else []


@dataclass(frozen=True)
class CarbonPeriod:
    """One period's emissions (tCO2e) against its cap (None: no cap or not known)."""

    period: str
    emissions_t: float
    cap_t: float | None
    baseline_t: float | None

    @property
    def over(self) -> bool:
        return self.cap_t is not None and self.emissions_t > self.cap_t + 1e-6


def caps(plan: Plan, inst: Instance | None) -> list[float | None]:
    """Each period's ``carbon_cap_t`` from the instance (None throughout without it)."""
    if inst is None or len(inst.horizon.periods) != len(plan.periods):
        return [None] * len(plan.periods)
    return [p.carbon_cap_t for p in inst.horizon.periods]


def carbon_periods(plan: Plan, inst: Instance | None) -> list[CarbonPeriod]:
    """Each period's emissions against its cap and the baseline's; empty when the plan
    reports no emissions, or none but zero and no cap is set (a v1 plan)."""
    cap = caps(plan, inst)
    base = plan.baseline.periods if plan.baseline is not None else []
    rows = [CarbonPeriod(p.name, p.emissions_t or 0.0, cap[i],
                         base[i].emissions_t if len(base) == len(plan.periods) else None)
            for i, p in enumerate(plan.periods)]
    shown = any(p.emissions_t for p in plan.periods) or any(c is not None for c in cap) or any(
        r.baseline_t for r in rows)
    return rows if shown else []


def baseline_over_cap(plan: Plan) -> list[str] | None:
    """The periods whose cap the baseline exceeds (None: not reported)."""
    return plan.baseline.over_carbon_cap if plan.baseline is not None else None
