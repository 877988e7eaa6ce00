"""The numbers of the decision report, gathered from a plan, its instance and analyses.

Nothing here draws or formats a page: ``plots``, ``html`` and ``markdown`` read a
:class:`ReportModel`. Without the instance, the figures that need it (SLOs, profile
capacities, hardware kinds, power, prices) are left out and the report says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from placement.analysis.results import (
    ParetoResult,
    RiskResult,
    ScenariosResult,
    SensitivityResult,
    ThresholdsResult,
)
from placement.analysis.risk import RiskAverseResult
from placement.errors import PlacementError, Problem
from placement.lookup import Lookup
from placement.plan import Plan
from placement.report.assumptions import Assumptions, assumptions_of
from placement.report.energy import EnergyRow, emits, energy_by_kind
from placement.report.recommendation import recommendation
from placement.report.v2plan import (
    CarbonPeriod,
    CommitmentBuy,
    SpotPeriod,
    carbon_periods,
    commitments,
    spot_use,
)
from placement.report.waves import Wave, waves
from placement.schema import Instance

AnalysisModel = (
    ScenariosResult | SensitivityResult | ThresholdsResult | RiskResult | RiskAverseResult
    | ParetoResult
)

#: The prefix of each analysis kind's figure (and Markdown image) id: ``tornado-0``, ...
FIGURE_PREFIX = {
    "scenarios": "scenarios", "sensitivity": "tornado", "thresholds": "thresholds",
    "risk": "risk", "risk-averse": "risk-averse", "pareto": "pareto",
}

NEEDS_INSTANCE = "needs --instance"


@dataclass(frozen=True)
class ReportModel:
    """Everything the report shows."""

    plan: Plan
    instance: Instance | None
    analyses: tuple[AnalysisModel, ...]
    recommendation: str
    waves: tuple[Wave, ...]
    energy: tuple[EnergyRow, ...] | None
    assumptions: Assumptions | None
    unit_series: dict[str, list[int]] = field(default_factory=dict)  # "site / hw" -> per period
    notes: tuple[str, ...] = ()
    commitments: tuple[CommitmentBuy, ...] = ()  # v2: commitments bought, by period
    spot: tuple[SpotPeriod, ...] = ()  # v2: per period (empty: no spot used)
    carbon: tuple[CarbonPeriod, ...] = ()  # v2: per period (empty: nothing emits, no cap)
    emits: bool = False  # v2: the instance can emit (CO2e columns shown)

    @property
    def currency(self) -> str:
        return self.plan.currency

    @property
    def break_even_month(self) -> int | None:
        return self.plan.baseline.break_even_month if self.plan.baseline else None

    def of_kind(self, kind: type[AnalysisModel]) -> list[AnalysisModel]:
        return [a for a in self.analyses if isinstance(a, kind)]

    @property
    def risk(self) -> RiskResult | None:
        found = [a for a in self.analyses if isinstance(a, RiskResult)]
        return found[0] if found else None


def analysis_ids(model: ReportModel) -> list[tuple[str, AnalysisModel]]:
    """Each analysis with its figure id: the kind's prefix and its index among the analyses
    of that kind (``tornado-0``, ``risk-averse-1``)."""
    counters: dict[str, int] = {}
    out = []
    for a in model.analyses:
        i = counters.get(a.kind, 0)
        counters[a.kind] = i + 1
        out.append((f"{FIGURE_PREFIX[a.kind]}-{i}", a))
    return out


class ReportInputError(PlacementError):
    """The plan, instance and analyses do not belong together (``.problems`` lists why)."""


def check_consistent(plan: Plan, inst: Instance | None,
                     analyses: Sequence[AnalysisModel]) -> list[str]:
    """Why the inputs do not belong together (empty: they do)."""
    problems = []
    if inst is not None:
        if plan.instance != inst.name:
            problems.append(f"the plan is for instance '{plan.instance}', not '{inst.name}'")
        else:
            lk = Lookup(inst)
            if plan.periods and len(plan.periods) != len(inst.horizon.periods):
                problems.append(f"the plan has {len(plan.periods)} periods, the instance "
                                f"{len(inst.horizon.periods)}")
            for i, period in enumerate(plan.periods):
                for a in period.assignments:
                    if a.workload not in lk.workloads:
                        problems.append(f"periods[{i}]: unknown workload '{a.workload}'")
                    if (a.site, a.hardware) not in lk.offers:
                        problems.append(f"periods[{i}]: no offer of '{a.hardware}' at "
                                        f"'{a.site}'")
                for u in period.units:
                    if (u.site, u.hardware) not in lk.offers:
                        problems.append(f"periods[{i}]: no offer of '{u.hardware}' at "
                                        f"'{u.site}'")
    for result in analyses:
        if result.instance != plan.instance:
            problems.append(f"a {result.kind} result is for instance '{result.instance}', "
                            f"not '{plan.instance}'")
    return sorted(set(problems), key=problems.index)


def unit_series(plan: Plan) -> dict[str, list[int]]:
    """Units per period of each "site / hardware" (0 where it has none)."""
    series: dict[str, list[int]] = {}
    keys = sorted({(u.site, u.hardware, u.market) for p in plan.periods for u in p.units})
    for s, h, market in keys:
        series[f"{s} / {h}" + (" (spot)" if market == "spot" else "")] = [
            next((u.units for u in p.units if (u.site, u.hardware, u.market) == (s, h, market)),
                 0)
            for p in plan.periods
        ]
    return series


def build_model(plan: Plan, instance: Instance | None = None,
                analyses: Sequence[AnalysisModel] = (), bundled: bool = False) -> ReportModel:
    """Gather the report's numbers. ``bundled``: the instance is one of the bundled examples
    (its provenance is in its YAML comments and docs/data-provenance.md)."""
    problems = check_consistent(plan, instance, analyses)
    if problems:
        raise ReportInputError([Problem("", p) for p in problems])
    lk = Lookup(instance) if instance is not None else None
    plan_waves = waves(plan, instance, lk) if plan.has_solution else []
    text = recommendation(plan, [w.moves for w in plan_waves], [w.units for w in plan_waves])
    notes = []
    if instance is None:
        notes.append("No instance was given (--instance): the placement map, latency SLOs, "
                     "utilisation, energy and the assumptions appendix are omitted.")
    return ReportModel(
        plan=plan,
        instance=instance,
        analyses=tuple(analyses),
        recommendation=text,
        waves=tuple(plan_waves),
        energy=tuple(energy_by_kind(plan, lk)) if lk is not None and plan.has_solution else None,
        assumptions=assumptions_of(instance, lk, bundled) if instance and lk else None,
        unit_series=unit_series(plan),
        notes=tuple(notes),
        commitments=tuple(commitments(plan, lk)) if plan.has_solution else (),
        spot=tuple(spot_use(plan)) if plan.has_solution else (),
        carbon=tuple(carbon_periods(plan, instance)) if plan.has_solution else (),
        emits=lk is not None and emits(lk),
    )
