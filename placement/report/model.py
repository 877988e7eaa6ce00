"""The numbers of the decision report, gathered from a plan, its instance and analyses.

Nothing here draws or formats a page: ``plots``, ``html`` and ``markdown`` read a
:class:`ReportModel`. Without the instance, the figures that need it (SLOs, profile
capacities, hardware kinds, power, prices) are left out and the report says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from placement import costs
from placement.analysis.results import (
    ParetoResult,
    RiskResult,
    ScenariosResult,
    SensitivityResult,
    ThresholdsResult,
)
from placement.analysis.risk import RiskAverseResult
from placement.candidates import workload_serving
from placement.errors import PlacementError, Problem
from placement.lookup import Lookup
from placement.plan import Plan, PlanAssignment, PlanPeriod
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

SITE_KINDS = ("cloud", "edge", "onprem")
NEEDS_INSTANCE = "needs --instance"


@dataclass(frozen=True)
class Where:
    """One replica's placement."""

    site: str
    hardware: str
    variant: str

    def __str__(self) -> str:
        return f"{self.site} ({self.hardware}, {self.variant})"


@dataclass(frozen=True)
class Move:
    """A workload that moves in a wave: from (= the rollback target) and to."""

    workload: str
    before: tuple[Where, ...]
    after: tuple[Where, ...]
    criticality: str | None


@dataclass(frozen=True)
class UnitChange:
    """Units of one (site, hardware) before and in a wave."""

    site: str
    hardware: str
    kind: str | None  # rented | owned | None (no instance)
    before: int | None  # None: not known (rented units before period 1)
    after: int
    bought: int

    @property
    def action(self) -> str:
        if self.bought:
            return f"buy {self.bought}"
        if self.before is None:
            return f"rent {self.after}" if self.kind == "rented" else f"run {self.after}"
        delta = self.after - self.before
        if delta == 0:
            return "keep"
        if self.kind == "owned":
            return "idle" if delta < 0 else f"add {delta}"
        return f"rent {delta} more" if delta > 0 else f"release {-delta}"


@dataclass(frozen=True)
class LatencyCheck:
    workload: str
    site: str
    latency_ms: float
    slo_ms: float | None

    @property
    def ok(self) -> bool | None:
        return None if self.slo_ms is None else self.latency_ms <= self.slo_ms + 1e-9


@dataclass(frozen=True)
class UtilisationCheck:
    site: str
    hardware: str
    units: int
    load_units: float | None  # sum of carried_rps / profile rps
    limit: float | None  # max_utilization
    moved_here: bool

    @property
    def utilisation(self) -> float | None:
        if self.load_units is None:
            return None
        if self.units:
            return self.load_units / self.units
        return 0.0 if not self.load_units else None

    @property
    def ok(self) -> bool | None:
        u = self.utilisation
        return None if u is None or self.limit is None else u <= self.limit + 1e-9


@dataclass(frozen=True)
class Wave:
    """One period of the plan as a migration wave."""

    index: int
    name: str
    start_month: float
    months: float
    pilot: bool
    moves: tuple[Move, ...]
    units: tuple[UnitChange, ...]
    one_time: dict[str, float]
    period_cost: float
    latency: tuple[LatencyCheck, ...]
    utilisation: tuple[UtilisationCheck, ...]
    capex_budget: float | None
    max_migrations: int | None
    instance_known: bool

    @property
    def label(self) -> str:
        if self.pilot:
            return "pilot wave"
        return "migration wave" if self.moves else "no moves"

    @property
    def end_month(self) -> float:
        return self.start_month + self.months


@dataclass(frozen=True)
class EnergyRow:
    """Energy per 1,000 requests served at the sites of one kind, over the horizon."""

    kind: str
    kwh: float  # from units whose power is given
    requests: float
    unknown_units: tuple[str, ...]  # "site/hardware" whose power_w is not given
    note: str = ""

    @property
    def kwh_per_1000(self) -> float | None:
        if self.requests <= 0 or (self.unknown_units and self.kwh == 0):
            return None
        return self.kwh / self.requests * 1000.0


def per_period_text(value: float | list[float], fmt: str) -> str:
    """A per-period figure as text: one value, or each period's joined by ' / '."""
    values = value if isinstance(value, list) else [value]
    return " / ".join(format(v, fmt) for v in values)


@dataclass(frozen=True)
class OfferRow:
    site: str
    hardware: str
    kind: str
    price: str
    max_units: int | None
    existing_units: int


@dataclass(frozen=True)
class SiteRow:
    id: str
    kind: str
    node: str
    jurisdiction: str | None
    energy_per_kwh: float | list[float]
    pue: float
    power_kw: float | None
    fixed_per_month: float
    activation_cost: float
    egress_per_gb: float
    capex_rebate: float


@dataclass(frozen=True)
class Assumptions:
    instance_name: str
    currency: str
    discount_rate: float
    horizon_months: float
    periods: tuple[tuple[str, float, float, bool, int | None, float | None], ...]
    max_utilization: float
    offers: tuple[OfferRow, ...]
    sites: tuple[SiteRow, ...]
    hardware: tuple[
        tuple[str, str, float, float | list[float] | None, float | None, float, float], ...
    ]
    priced_links: tuple[tuple[str, float], ...]
    bundled: bool


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


def _placements(assignments: Sequence[PlanAssignment], workload: str) -> tuple[Where, ...]:
    return tuple(
        sorted(
            (Where(a.site, a.hardware, a.variant) for a in assignments if a.workload == workload),
            key=lambda w: (w.site, w.hardware, w.variant),
        )
    )


def _current(plan: Plan, inst: Instance | None) -> dict[str, tuple[Where, ...]]:
    """Today's placements: the instance's ``current``, else the baseline's first period."""
    if inst is not None:
        return {
            w.id: tuple(sorted((Where(c.site, c.hardware, c.variant) for c in w.current),
                               key=lambda x: (x.site, x.hardware, x.variant)))
            for w in inst.workloads
            if w.current
        }
    if plan.baseline is not None and plan.baseline.periods:
        first = plan.baseline.periods[0].assignments
        return {w: _placements(first, w) for w in sorted({a.workload for a in first})}
    return {}


def _fmt_month(x: float) -> str:
    return f"{x:g}"


def recommendation(plan: Plan, moves_by_wave: Sequence[Sequence[Move]],
                   units_by_wave: Sequence[Sequence[UnitChange]]) -> str:
    """One paragraph: what moves where, when."""
    if not plan.has_solution:
        return (f"No plan: the solver's status is '{plan.status}'"
                + (f" ({plan.message})" if plan.message else "")
                + ". See the diagnosis below.")
    parts: list[str] = []
    for period, moves, units in zip(plan.periods, moves_by_wave, units_by_wave, strict=True):
        if not moves:
            continue
        what = "; ".join(
            f"{m.workload} from {', '.join(w.site for w in m.before) or 'nowhere'} to "
            + ", ".join(f"{w.site} ({w.hardware}, {w.variant})" for w in m.after)
            for m in moves
        )
        buys = [f"{u.bought} × {u.hardware} at {u.site}" for u in units if u.bought]
        when = (f"months {_fmt_month(period.start_month)}–"
                f"{_fmt_month(period.start_month + period.months)}")
        sentence = f"in {period.name} ({when}) move {what}"
        if buys:
            sentence += f", buying {', '.join(buys)}"
        parts.append(sentence)
    if not parts:
        text = ("Keep every workload at the sites it runs on today; the plan only right-sizes "
                "units, hardware and model variants.")
    else:
        text = "Recommended: " + "; then ".join(parts) + "."
    b = plan.baseline
    if b is not None and b.savings is not None and plan.npv is not None:
        verdict = "saves" if b.savings >= 0 else "costs"
        text += (f" Over the {_fmt_month(sum(p.months for p in plan.periods))}-month horizon "
                 f"this {verdict} {abs(b.savings):,.0f} {plan.currency} in net present value "
                 "against staying put")
        text += (f", breaking even in month {b.break_even_month}." if b.break_even_month
                 else ", with no break-even month within the horizon.")
    elif b is not None and b.npv is None:
        text += f" Staying put is not a valid plan (baseline status '{b.status}')."
    return text


def _unit_changes(plan: Plan, lk: Lookup | None) -> list[list[UnitChange]]:
    out: list[list[UnitChange]] = []
    prev: dict[tuple[str, str], int] | None = None
    for period in plan.periods:
        now = {(u.site, u.hardware): u for u in period.units}
        keys = sorted(set(now) | set(prev or {}))
        rows = []
        for key in keys:
            kind = None
            if lk is not None and key[1] in lk.hardware:
                kind = lk.hardware[key[1]].kind
            if prev is None:
                before: int | None = None
                if kind == "owned" and lk is not None and key in lk.offers:
                    before = lk.offers[key].existing_units
            else:
                before = prev.get(key, 0)
            u = now.get(key)
            rows.append(UnitChange(key[0], key[1], kind, before, u.units if u else 0,
                                   u.bought if u else 0))
        out.append(rows)
        prev = {k: u.units for k, u in now.items()}
    return out


def _waves(plan: Plan, inst: Instance | None, lk: Lookup | None) -> list[Wave]:
    current = _current(plan, inst)
    units = _unit_changes(plan, lk)
    waves: list[Wave] = []
    prev_period: PlanPeriod | None = None
    for i, period in enumerate(plan.periods):
        spec = inst.horizon.periods[i] if inst is not None else None
        moves = []
        for w in period.moves:
            before = (_placements(prev_period.assignments, w) if prev_period is not None
                      else current.get(w, ()))
            wl = lk.workloads.get(w) if lk is not None else None
            moves.append(Move(w, before, _placements(period.assignments, w),
                              wl.criticality if wl is not None else None))
        latency = []
        for m in moves:
            known = lk is not None and m.workload in lk.workloads
            slo = lk.workloads[m.workload].latency_slo_ms if lk and known else None
            for a in period.assignments:
                if a.workload == m.workload:
                    latency.append(LatencyCheck(a.workload, a.site, a.latency_ms, slo))
        moved_to = {(a.site, a.hardware) for a in period.assignments if a.workload in period.moves}
        util = []
        for u in period.units:
            load: float | None = None
            if lk is not None:
                total = 0.0
                for a in period.assignments:
                    if (a.site, a.hardware) != (u.site, u.hardware):
                        continue
                    prof = (workload_serving(lk, a.workload, a.variant, a.hardware)
                            if a.workload in lk.workloads else None)
                    if prof is None:
                        total = float("nan")
                        break
                    total += a.carried_rps / prof.rps
                load = None if total != total else total
            util.append(UtilisationCheck(
                u.site, u.hardware, u.units, load,
                inst.policy.max_utilization if inst is not None else None,
                (u.site, u.hardware) in moved_to))
        one_time = {k: period.costs.get(k, 0.0) for k in costs.ONE_TIME_CATEGORIES}
        waves.append(Wave(
            index=i, name=period.name, start_month=period.start_month, months=period.months,
            pilot=bool(spec.pilot) if spec is not None else False,
            moves=tuple(moves), units=tuple(units[i]), one_time=one_time,
            period_cost=sum(period.costs.values()),
            latency=tuple(latency), utilisation=tuple(util),
            capex_budget=spec.capex_budget if spec is not None else None,
            max_migrations=spec.max_migrations if spec is not None else None,
            instance_known=inst is not None,
        ))
        prev_period = period
    return waves


def energy_by_kind(plan: Plan, lk: Lookup) -> list[EnergyRow]:
    """Energy per 1,000 requests by site kind, over the horizon.

    Energy: every unit in service (owned units in service, rented units) draws its
    hardware's ``power_w`` for the whole period, times the site's ``pue`` for owned
    hardware (the provider's PUE of rented units is not known: their IT power only).
    Requests served: per replica, demand / replicas × load_factor × seconds of the period.
    A ``power_w`` of 0 (the default) counts as not given.
    """
    kwh = dict.fromkeys(SITE_KINDS, 0.0)
    requests = dict.fromkeys(SITE_KINDS, 0.0)
    unknown: dict[str, set[str]] = {k: set() for k in SITE_KINDS}
    rented_no_pue: dict[str, bool] = dict.fromkeys(SITE_KINDS, False)
    for i, period in enumerate(plan.periods):
        for u in period.units:
            site, hw = lk.sites[u.site], lk.hardware[u.hardware]
            if hw.power_w <= 0:
                unknown[site.kind].add(f"{u.site}/{u.hardware}")
                continue
            factor = site.pue if hw.kind == "owned" else 1.0
            rented_no_pue[site.kind] |= hw.kind == "rented"
            kwh[site.kind] += costs.kwh(u.units, hw.power_w, period.months, factor)
        for a in period.assignments:
            wl = lk.workloads[a.workload]
            rate = lk.demand[a.workload][i] / wl.replicas * wl.load_factor
            requests[lk.sites[a.site].kind] += rate * costs.SECONDS_PER_MONTH * period.months
    rows = []
    for kind in SITE_KINDS:
        if kwh[kind] == 0 and requests[kind] == 0 and not unknown[kind]:
            continue
        notes = []
        if unknown[kind]:
            notes.append("power_w not given for " + ", ".join(sorted(unknown[kind]))
                         + (" (left out)" if kwh[kind] else ""))
        if rented_no_pue[kind]:
            notes.append("rented units: IT power only (provider PUE not given)")
        if requests[kind] == 0:
            notes.append("no requests served")
        rows.append(EnergyRow(kind, kwh[kind], requests[kind], tuple(sorted(unknown[kind])),
                              "; ".join(notes)))
    return rows


def _assumptions(inst: Instance, lk: Lookup, bundled: bool) -> Assumptions:
    offers = []
    for o in sorted(inst.offers, key=lambda o: (o.site, o.hardware)):
        hw = lk.hardware[o.hardware]
        if hw.kind == "rented":
            price = f"{per_period_text(o.price_per_hour or 0.0, ',.4g')} /unit-hour"
        else:
            price = f"{per_period_text(hw.capex or 0.0, ',.0f')} capex/unit"
        offers.append(OfferRow(o.site, o.hardware, hw.kind, price, o.max_units, o.existing_units))
    sites = tuple(
        SiteRow(s.id, s.kind, s.node_id, s.jurisdiction, s.energy_per_kwh, s.pue, s.power_kw,
                s.fixed_per_month, s.activation_cost, s.egress_per_gb, s.capex_rebate)
        for s in inst.sites
    )
    hardware = tuple(
        (h.id, h.kind, h.memory_gb, h.capex, h.lifetime_months, h.power_w,
         h.maintenance_per_month)
        for h in inst.hardware
    )
    priced = tuple(sorted(("|".join(sorted((x.a, x.b))), x.cost_per_gb)
                          for x in inst.network.links if x.cost_per_gb))
    periods = tuple(
        (p.name, pi.start, p.months, p.pilot, p.max_migrations, p.capex_budget)
        for p, pi in zip(inst.horizon.periods, lk.periods, strict=True)
    )
    return Assumptions(inst.name, inst.currency, inst.horizon.discount_rate, lk.horizon_months,
                       periods, inst.policy.max_utilization, tuple(offers), sites, hardware,
                       priced, bundled)


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


def build_model(plan: Plan, instance: Instance | None = None,
                analyses: Sequence[AnalysisModel] = (), bundled: bool = False) -> ReportModel:
    """Gather the report's numbers. ``bundled``: the instance is one of the bundled examples
    (its provenance is in its YAML comments and docs/data-provenance.md)."""
    problems = check_consistent(plan, instance, analyses)
    if problems:
        raise ReportInputError([Problem("", p) for p in problems])
    lk = Lookup(instance) if instance is not None else None
    waves = _waves(plan, instance, lk) if plan.has_solution else []
    text = recommendation(plan, [w.moves for w in waves], [w.units for w in waves])
    series: dict[str, list[int]] = {}
    keys = sorted({(u.site, u.hardware) for p in plan.periods for u in p.units})
    for s, h in keys:
        series[f"{s} / {h}"] = [
            next((u.units for u in p.units if (u.site, u.hardware) == (s, h)), 0)
            for p in plan.periods
        ]
    notes = []
    if instance is None:
        notes.append("No instance was given (--instance): the placement map, latency SLOs, "
                     "utilisation, energy and the assumptions appendix are omitted.")
    return ReportModel(
        plan=plan,
        instance=instance,
        analyses=tuple(analyses),
        recommendation=text,
        waves=tuple(waves),
        energy=tuple(energy_by_kind(plan, lk)) if lk is not None and plan.has_solution else None,
        assumptions=_assumptions(instance, lk, bundled) if instance and lk else None,
        unit_series=series,
        notes=tuple(notes),
    )
