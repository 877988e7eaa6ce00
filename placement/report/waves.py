"""The plan's periods as migration waves: what moves where, the units to rent or buy,
the one-time costs, and the checks before the next wave (latency vs SLO, utilisation)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from placement import costs
from placement.candidates import workload_serving
from placement.lookup import Lookup
from placement.plan import Plan, PlanAssignment, PlanPeriod, PlanUnits
from placement.report.v2plan import CommitmentBuy, commitments
from placement.schema import Instance


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
    market: str = "on_demand"  # spot: the offer's spot pool (v2)

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
    limit: float | None  # max_utilization (x (1 - interruption_overhead) on spot)
    moved_here: bool
    market: str = "on_demand"

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
    commitments: tuple[CommitmentBuy, ...] = ()  # v2: commitments bought at its start

    @property
    def label(self) -> str:
        if self.pilot:
            return "pilot wave"
        return "migration wave" if self.moves else "no moves"

    @property
    def end_month(self) -> float:
        return self.start_month + self.months


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


def _unit_changes(plan: Plan, lk: Lookup | None) -> list[list[UnitChange]]:
    out: list[list[UnitChange]] = []
    prev: dict[tuple[str, str, str], int] | None = None
    for period in plan.periods:
        now: dict[tuple[str, str, str], PlanUnits] = {
            (u.site, u.hardware, u.market): u for u in period.units}
        keys = sorted(set(now) | set(prev or {}))
        rows = []
        for key in keys:
            kind = None
            if lk is not None and key[1] in lk.hardware:
                kind = lk.hardware[key[1]].kind
            if prev is None:
                before: int | None = None
                if kind == "owned" and lk is not None and key[:2] in lk.offers:
                    before = lk.offers[key[:2]].existing_units
            else:
                before = prev.get(key, 0)
            u = now.get(key)
            rows.append(UnitChange(key[0], key[1], kind, before, u.units if u else 0,
                                   u.bought if u else 0, key[2]))
        out.append(rows)
        prev = {k: u.units for k, u in now.items()}
    return out


def _moves(period: PlanPeriod, prev_period: PlanPeriod | None,
           current: dict[str, tuple[Where, ...]], lk: Lookup | None) -> list[Move]:
    """The period's moves: from the previous period's placements (or today's) to its own."""
    moves = []
    for w in period.moves:
        before = (_placements(prev_period.assignments, w) if prev_period is not None
                  else current.get(w, ()))
        wl = lk.workloads.get(w) if lk is not None else None
        moves.append(Move(w, before, _placements(period.assignments, w),
                          wl.criticality if wl is not None else None))
    return moves


def _latency(period: PlanPeriod, moves: Sequence[Move], lk: Lookup | None
             ) -> list[LatencyCheck]:
    """Each moved workload's placements: latency against its SLO (known with lk)."""
    latency = []
    for m in moves:
        known = lk is not None and m.workload in lk.workloads
        slo = lk.workloads[m.workload].latency_slo_ms if lk and known else None
        for a in period.assignments:
            if a.workload == m.workload:
                latency.append(LatencyCheck(a.workload, a.site, a.latency_ms, slo))
    return latency


def _load_units(period: PlanPeriod, site: str, hardware: str, market: str, lk: Lookup
                ) -> float | None:
    """The load on (site, hardware)'s pool ``market`` in units: carried rps / the profile's
    rated rps (None: a profile not in the instance)."""
    total = 0.0
    for a in period.assignments:
        if (a.site, a.hardware, a.market) != (site, hardware, market):
            continue
        prof = (workload_serving(lk, a.workload, a.variant, a.hardware)
                if a.workload in lk.workloads else None)
        if prof is None:
            total = float("nan")
            break
        total += a.carried_rps / prof.rps
    return None if total != total else total


def _utilisation(period: PlanPeriod, inst: Instance | None, lk: Lookup | None
                 ) -> list[UtilisationCheck]:
    moved_to = {(a.site, a.hardware) for a in period.assignments if a.workload in period.moves}
    return [
        UtilisationCheck(
            u.site, u.hardware, u.units,
            _load_units(period, u.site, u.hardware, u.market, lk) if lk is not None else None,
            _limit(inst, lk, u.site, u.hardware, u.market),
            (u.site, u.hardware) in moved_to, u.market)
        for u in period.units
    ]


def _limit(inst: Instance | None, lk: Lookup | None, site: str, hardware: str, market: str
           ) -> float | None:
    """max_utilization; a spot unit carries max_utilization x (1 - interruption_overhead)."""
    if inst is None:
        return None
    mu = inst.policy.max_utilization
    if market == "spot" and lk is not None and (site, hardware) in lk.offers:
        return mu * lk.spot_derate(site, hardware)
    return mu


def waves(plan: Plan, inst: Instance | None, lk: Lookup | None) -> list[Wave]:
    """The plan's periods as waves (with the instance: SLOs, capacities, budgets)."""
    current = _current(plan, inst)
    units = _unit_changes(plan, lk)
    buys = commitments(plan, lk)
    out: list[Wave] = []
    prev_period: PlanPeriod | None = None
    for i, period in enumerate(plan.periods):
        spec = inst.horizon.periods[i] if inst is not None else None
        moves = _moves(period, prev_period, current, lk)
        one_time = {k: period.costs.get(k, 0.0) for k in costs.ONE_TIME_CATEGORIES}
        out.append(Wave(
            index=i, name=period.name, start_month=period.start_month, months=period.months,
            pilot=bool(spec.pilot) if spec is not None else False,
            moves=tuple(moves), units=tuple(units[i]), one_time=one_time,
            period_cost=sum(period.costs.values()),
            latency=tuple(_latency(period, moves, lk)),
            utilisation=tuple(_utilisation(period, inst, lk)),
            capex_budget=spec.capex_budget if spec is not None else None,
            max_migrations=spec.max_migrations if spec is not None else None,
            instance_known=inst is not None,
            commitments=tuple(c for c in buys if c.period == period.name),
        ))
        prev_period = period
    return out
