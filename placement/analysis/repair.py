"""Infeasibility repair: the smallest relaxations of an instance's limits that let it solve.

**Elastic mode.** A relaxed copy of the instance drops the limits that may be relaxed —
offers' ``max_units``, links' ``bandwidth_mbps``, sites' ``power_kw``, periods'
``capex_budget`` and ``max_migrations`` (kept as a no-op limit so that move indicators
exist), and workloads' latency SLOs (no SLO filter at all: every placement that the other
rules allow becomes a candidate). Its MILP (``placement.milp.build``) gets an extra with
one non-negative slack per limit of the original instance and the rows::

    capacity   units(s,h,p) <= max_units(s,h) + sigma_sh            every p (owned: the last)
    bandwidth  sum_k traffic_k x_k over link e in p <= bandwidth(e) + sigma_e     every p
    power      sum_h owned(s,h,p) x power_w / 1000 <= power_kw(s) + sigma_s        every p
    migrations sum_w move(w,p) <= max_migrations(p) + sigma_p
    capex      sum bought x capex x (1 - rebate) in p <= capex_budget(p) + sigma_p
    latency    sigma_w >= (latency_k - slo_w) x x_k   for every candidate k over its SLO

and the objective  minimise  sum sigma / scale,  each slack normalised by its limit (so a
relaxation is measured relative to what it relaxes; floors for zero limits: 1 unit, 1 kW,
1 migration, one unit's net capex, 1 ms). A slack is per instance field, so each one is
one edit of the instance; the periods where it binds are reported with it.

**Report.** Each non-zero slack becomes a :class:`Relaxation` in words ("raise link
users-berlin|berlin-edge to 640 Mbps in wave-1"), with its ``--set`` override
(``links[berlin-edge|users-berlin].bandwidth_mbps=640``), rounded up (units, migrations:
whole; Mbps: whole from 10 up; kW, ms: to 1e-3; money: whole units). The overrides are
applied to the instance (``placement.analysis.overrides``) and the result solved, to check
that it is feasible.

Workloads that have no candidate even in the relaxed copy fail rules that cannot be
relaxed (residency, memory, quality, kind, profile, connectivity, lead time) and are
reported as such (:class:`Unrepairable`); the elastic mode then runs without them, to
report what else would be needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import pulp
from pydantic import BaseModel, ConfigDict, Field

from placement import costs
from placement.analysis.overrides import apply_overrides
from placement.api import load_instance
from placement.api import solve as solve_instance
from placement.data import ProblemData, prepare
from placement.diagnose import frozen_in_pilot, short_of_candidates
from placement.errors import InstanceError
from placement.milp.build import build
from placement.milp.model import Milp
from placement.milp.solve import solve_milp
from placement.result import Status
from placement.schema import Instance
from placement.schema.base import MAX_COUNT, MAX_NUMBER
from placement.schema.options import SolveOptions
from placement.validate import validate

Family = Literal["capacity", "bandwidth", "power", "max_migrations", "capex_budget", "latency"]
NO_SLO = 1e9  # the relaxed copy's latency SLO: no filter


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Relaxation(_Out):
    family: Family
    target: str = Field(description="offer SITE/HW, link A|B, site, period or workload id.")
    field: str = Field(description="The instance field to change.")
    current: float
    suggested: float = Field(description="The new value (rounded up).")
    increase: float = Field(description="suggested - current.")
    penalty: float = Field(description="The slack normalised by its scale, as minimised.")
    periods: list[str] = Field(description="Periods in which the limit binds.")
    override: str = Field(description="The change as a --set PATH=VALUE override.")
    message: str


class Unrepairable(_Out):
    workload: str
    period: str | None
    message: str
    rules: list[str]


class RepairResult(_Out):
    kind: Literal["repair"] = "repair"
    instance: str
    status: Literal["feasible", "repaired", "unrepairable", "error"] = Field(
        description="feasible: nothing to relax; repaired: relaxations found (and checked); "
        "unrepairable: rules that cannot be relaxed exclude a workload, or no relaxation "
        "helps; error: the elastic solve failed.")
    message: str
    relaxations: list[Relaxation] = Field(default_factory=list)
    unrepairable: list[Unrepairable] = Field(default_factory=list)
    penalty: float | None = Field(None, description="Total normalised relaxation.")
    elastic_status: str | None = None
    verified: bool | None = Field(
        None, description="The instance with the relaxations applied solves (None: not run).")
    repaired_status: str | None = None
    repaired_npv: float | None = None


# --------------------------------------------------------------------------- limits


@dataclass
class Limits:
    """The relaxable limits of the original instance."""

    max_units: dict[tuple[str, str], int] = field(default_factory=dict)
    bandwidth: dict[str, float] = field(default_factory=dict)
    power_kw: dict[str, float] = field(default_factory=dict)
    max_migrations: dict[int, int] = field(default_factory=dict)
    capex_budget: dict[int, float] = field(default_factory=dict)
    slo: dict[str, float] = field(default_factory=dict)


def _key(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def relaxed(inst: Instance, drop: set[str] | None = None) -> tuple[Instance, Limits]:
    """The relaxed copy (see the module doc), without the workloads in ``drop``."""
    lim = Limits()
    doc = inst.model_dump()
    for o in doc["offers"]:
        if o["max_units"] is not None:
            lim.max_units[(o["site"], o["hardware"])] = o["max_units"]
            o["max_units"] = None
    for link in doc["network"]["links"]:
        if link["bandwidth_mbps"] is not None:
            lim.bandwidth[_key(link["a"], link["b"])] = link["bandwidth_mbps"]
            link["bandwidth_mbps"] = None
    for s in doc["sites"]:
        if s["power_kw"] is not None:
            lim.power_kw[s["id"]] = s["power_kw"]
            s["power_kw"] = None
    for i, p in enumerate(doc["horizon"]["periods"]):
        if p["max_migrations"] is not None:
            lim.max_migrations[i] = p["max_migrations"]
            p["max_migrations"] = len(doc["workloads"])
        if p["capex_budget"] is not None:
            lim.capex_budget[i] = p["capex_budget"]
            p["capex_budget"] = None
    doc["workloads"] = [w for w in doc["workloads"] if w["id"] not in (drop or set())]
    for w in doc["workloads"]:
        lim.slo[w["id"]] = w["latency_slo_ms"]
        w["latency_slo_ms"] = NO_SLO
    return validate(doc), lim


# --------------------------------------------------------------------------- the elastic extra


@dataclass
class _Slack:
    family: Family
    target: str  # offer "s/h", link key, site, period index as str, workload
    var: pulp.LpVariable  # the slack divided by ``scale`` (what the objective sums)
    scale: float
    current: float
    # (period index, lhs expression, limit) of each row it relaxes, to find where it binds
    rows: list[tuple[int, Any, float]] = field(default_factory=list)

    @property
    def amount(self) -> Any:
        """The slack in the limit's own unit (units, Mbps, kW, moves, money, ms)."""
        return self.var * self.scale


@dataclass
class ElasticExtra:
    """A ``build`` extra for the relaxed copy: slacks, rows and the relaxation objective.
    After the build, ``slacks`` holds the slack variables (read their values after the
    solve)."""

    limits: Limits
    slacks: list[_Slack] = field(default_factory=list)

    def _slack(self, m: Milp, family: Family, target: str, scale: float, current: float) -> _Slack:
        # the relaxed value must stay one an instance may state (rounded up, see _describe)
        most = MAX_COUNT if family in ("capacity", "max_migrations") else MAX_NUMBER
        # normalised (slack / scale): the objective's coefficients are all 1; with 1 / scale
        # (1e-12 for a capex of 1e12) HiGHS drops them as zero and any slack is "optimal"
        var = m.prob.add_variable(f"elastic_{len(self.slacks)}", 0,
                                  max(0.0, math.floor(most - current)) / scale)
        s = _Slack(family, target, var, scale, current)
        self.slacks.append(s)
        return s

    def __call__(self, m: Milp) -> None:
        data, lim = m.data, self.limits
        lk = data.lk
        last = data.n_periods - 1
        for (s, h), cap in sorted(lim.max_units.items()):
            if (s, h) not in lk.offers:
                continue
            if lk.is_owned(h):
                periods = [last] if any((s, h, p) in m.buy for p in range(data.n_periods)) else []
            else:
                periods = [p for p in range(data.n_periods) if (s, h, p) in m.rent]
            if not periods:
                continue
            sl = self._slack(m, "capacity", f"{s}/{h}", max(cap, 1), cap)
            for p in periods:
                units = m.units(s, h, p)
                m.add(units <= cap + sl.amount, "elastic_cap")
                if lk.is_owned(h):  # owned units never fall: report every period over
                    sl.rows += [(q, m.units(s, h, q), cap) for q in range(data.n_periods)]
                else:
                    sl.rows.append((p, units, cap))
        for key, bw in sorted(lim.bandwidth.items()):
            rows = [(p, ks) for (k2, p), ks in sorted(data.by_link_p.items()) if k2 == key]
            rows = [(p, ks) for p, ks in rows if sum(data.cands[k].traffic_mbps for k in ks) > bw]
            if not rows:
                continue
            sl = self._slack(m, "bandwidth", key, bw, bw)
            for p, ks in rows:
                flow = pulp.lpSum(data.cands[k].traffic_mbps * m.x[k] for k in ks)
                m.add(flow <= bw + sl.amount, "elastic_bw")
                sl.rows.append((p, flow, bw))
        for site, kw in sorted(lim.power_kw.items()):
            owned = [h for s2, h in data.owned_offers if s2 == site and lk.hardware[h].power_w > 0]
            if not owned or not any((site, h, p) in m.buy for h in owned
                                    for p in range(data.n_periods)):
                continue
            sl = self._slack(m, "power", site, max(kw, 1.0), kw)
            for p in range(data.n_periods):
                draw = pulp.lpSum(m.owned(site, h, p) * costs.kw(1, lk.hardware[h].power_w)
                                  for h in owned)
                m.add(draw <= kw + sl.amount, "elastic_power")
                sl.rows.append((p, draw, kw))
        for p, cap in sorted(lim.max_migrations.items()):
            moves = [v for (w, q), v in sorted(m.move.items()) if q == p]
            if len(moves) <= cap:
                continue
            sl = self._slack(m, "max_migrations", str(p), max(cap, 1), cap)
            total = pulp.lpSum(moves)
            m.add(total <= cap + sl.amount, "elastic_mig")
            sl.rows.append((p, total, cap))
        unit_capex = [
            lk.capex(h, q) * (1 - lk.sites[s].capex_rebate)
            for s, h in data.owned_offers
            for q in range(len(lk.periods))
        ]
        capex_floor = max(min((c for c in unit_capex if c > 0), default=1.0), 1.0)
        for p, budget in sorted(lim.capex_budget.items()):
            buys = [(s, h, v) for (s, h, q), v in sorted(m.buy.items()) if q == p]
            if not buys:
                continue
            spend = pulp.lpSum(
                v * lk.capex(h, p) * (1 - lk.sites[s].capex_rebate)
                for s, h, v in buys
            )
            sl = self._slack(m, "capex_budget", str(p), max(budget, capex_floor), budget)
            m.add(spend <= budget + sl.amount, "elastic_capex")
            sl.rows.append((p, spend, budget))
        over: dict[str, list[int]] = {}
        for k, c in enumerate(data.cands):
            if c.latency_ms > lim.slo[c.workload] + 1e-9:
                over.setdefault(c.workload, []).append(k)
        for w, ks in sorted(over.items()):
            slo = lim.slo[w]
            sl = self._slack(m, "latency", w, max(slo, 1.0), slo)
            for k in ks:
                excess = data.cands[k].latency_ms - slo
                m.add(sl.amount >= excess * m.x[k], "elastic_lat")
                sl.rows.append((data.cands[k].period, excess * m.x[k], 0.0))
        objective = pulp.lpSum(sl.var for sl in self.slacks)
        m.objective_constant = 0.0
        m.prob.setObjective(objective if self.slacks else pulp.LpAffineExpression())


# --------------------------------------------------------------------------- rounding & words


def _num(x: float) -> str:
    """A number for messages and overrides: integral floats without '.0'."""
    return str(int(x)) if float(x).is_integer() else f"{x:.10g}"


def _money(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _up(x: float, digits: int) -> float:
    f = 10.0**digits
    return math.ceil(x * f - 1e-6) / f


def _periods(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _describe(sl: _Slack, value: float, data: ProblemData) -> Relaxation | None:
    lk = data.lk
    names = [p.name for p in lk.periods]
    tol = 1e-6 * max(1.0, sl.scale)
    if value <= tol:
        return None
    binding = sorted({
        p for p, expr, limit in sl.rows
        if (pulp.value(expr) or 0.0) > limit + tol
    })
    where = [names[p] for p in binding]
    when = f" in {_periods(where)}" if where else ""
    cur = sl.current
    if sl.family == "capacity":
        new = cur + math.ceil(value - 1e-6)
        return _rel(sl, "max_units", new, value, where,
                    f"offers[{sl.target}].max_units={_num(new)}",
                    f"raise max_units of offer {sl.target} from {_num(cur)} to {_num(new)}{when}")
    if sl.family == "bandwidth":
        need = cur + value
        new = math.ceil(need - 1e-6) if need >= 10 else _up(need, 3)
        return _rel(sl, "bandwidth_mbps", new, value, where,
                    f"links[{sl.target}].bandwidth_mbps={_num(new)}",
                    f"raise link {sl.target} to {_num(new)} Mbps{when} (from {_num(cur)} Mbps)")
    if sl.family == "power":
        new = _up(cur + value, 3)
        return _rel(sl, "power_kw", new, value, where,
                    f"sites[{sl.target}].power_kw={_num(new)}",
                    f"raise power_kw of site {sl.target} from {_num(cur)} to {_num(new)} kW"
                    f"{when}")
    if sl.family == "max_migrations":
        p = int(sl.target)
        more = math.ceil(value - 1e-6)
        new = cur + more
        return _rel(sl, "max_migrations", new, value, [names[p]],
                    f"periods[{names[p]}].max_migrations={_num(new)}",
                    f"allow {more} more migration{'s' if more != 1 else ''} in {names[p]} "
                    f"(max_migrations {_num(cur)} → {_num(new)})")
    if sl.family == "capex_budget":
        p = int(sl.target)
        extra = float(math.ceil(value - 1e-6))
        new = cur + extra
        return _rel(sl, "capex_budget", new, value, [names[p]],
                    f"periods[{names[p]}].capex_budget={_num(new)}",
                    f"raise capex_budget of {names[p]} by {_money(extra)} "
                    f"({_money(cur)} → {_money(new)})")
    ms = _up(value, 3)
    new = cur + ms
    return _rel(sl, "latency_slo_ms", new, value, where,
                f"workloads[{sl.target}].latency_slo_ms={_num(new)}",
                f"allow {sl.target} {_num(ms)} ms more{when} "
                f"(latency_slo_ms {_num(cur)} → {_num(new)})")


def _rel(sl: _Slack, fld: str, new: float, value: float, where: list[str], override: str,
         message: str) -> Relaxation:
    return Relaxation(
        family=sl.family, target=sl.target if sl.family not in ("max_migrations", "capex_budget")
        else where[0], field=fld, current=sl.current, suggested=new,
        increase=round(new - sl.current, 9) + 0.0, penalty=round(value / sl.scale, 9) + 0.0,
        periods=where, override=override, message=message,
    )


# --------------------------------------------------------------------------- repair


def _unrepairable(data: ProblemData) -> list[Unrepairable]:
    out = []
    for d in short_of_candidates(data) + frozen_in_pilot(data):
        assert d.workload is not None
        rules = sorted({str(e["rule"]) for e in d.exclusions})
        out.append(Unrepairable(workload=d.workload, period=d.period, message=d.message,
                                rules=rules))
    return out


def repair(
    instance: Instance | str | dict[str, Any], options: SolveOptions | None = None
) -> RepairResult:
    """The smallest (normalised) relaxations of the relaxable limits that make the instance
    feasible, checked by solving the instance with them applied. Raises InstanceError for
    a bad instance."""
    inst = load_instance(instance)
    options = (options or SolveOptions()).model_copy(update={"baseline": False})
    rinst, _ = relaxed(inst)
    rdata = prepare(rinst, options.formulation)
    blocked = _unrepairable(rdata)
    drop = {u.workload for u in blocked}
    if drop:
        if len(drop) == len(inst.workloads):
            return RepairResult(
                instance=inst.name, status="unrepairable", unrepairable=blocked,
                message="no workload can be placed, whatever the relaxable limits: "
                        "rules that cannot be relaxed exclude every candidate")
        rinst, _ = relaxed(inst, drop)
        rdata = prepare(rinst, options.formulation)
    _, limits = relaxed(inst, drop)
    extra = ElasticExtra(limits)
    m = build(rdata, f"{inst.name}-elastic", extras=(extra,))
    r = solve_milp(m, options)
    if not r.has_solution:
        if r.status == Status.INFEASIBLE:
            return RepairResult(
                instance=inst.name, status="unrepairable", unrepairable=blocked,
                elastic_status=r.status,
                message="no relaxation of capacity caps, bandwidth, power, max_migrations, "
                        "capex budgets or latency SLOs makes the instance feasible (rules that "
                        "cannot be relaxed: pilot periods, lead times, failure domains; a "
                        f"relaxed amount stays at most {MAX_NUMBER:g} and a relaxed count at "
                        f"most {MAX_COUNT:,}, the instance format's bounds)")
        return RepairResult(instance=inst.name, status="error", unrepairable=blocked,
                            elastic_status=r.status,
                            message=f"the elastic solve ended {r.status}: {r.message}")
    relaxations = []
    total = 0.0
    for sl in extra.slacks:
        value = float(sl.var.varValue or 0.0) * sl.scale
        rel = _describe(sl, value, rdata)
        if rel is not None:
            relaxations.append(rel)
            total += rel.penalty
    if drop:
        names = ", ".join(sorted(drop))
        msg = (f"{names} cannot be placed whatever the relaxable limits"
               + ("; besides, the other workloads need the relaxations listed"
                  if relaxations else ""))
        return RepairResult(instance=inst.name, status="unrepairable", message=msg,
                            relaxations=relaxations, unrepairable=blocked,
                            penalty=round(total, 9) + 0.0, elastic_status=r.status)
    if not relaxations:  # checked like a repair: the instance itself solves
        plan = solve_instance(inst, options)
        if not plan.has_solution:
            return RepairResult(
                instance=inst.name, status="error", penalty=0.0, elastic_status=r.status,
                verified=False, repaired_status=plan.status,
                message="the elastic model needs no relaxation, but the instance itself is "
                        f"{plan.status}" + (f": {plan.message}" if plan.message else ""))
        return RepairResult(instance=inst.name, status="feasible", penalty=0.0,
                            elastic_status=r.status, verified=True, repaired_status=plan.status,
                            repaired_npv=plan.npv,
                            message="the instance is feasible as it is: nothing to relax "
                                    "(checked: it solves)")
    try:
        fixed = apply_overrides(inst, [x.override for x in relaxations])
    except InstanceError as exc:  # the slacks are bounded so that this should not happen
        return RepairResult(instance=inst.name, status="error", relaxations=relaxations,
                            penalty=round(total, 9) + 0.0, elastic_status=r.status,
                            verified=False,
                            message=f"the relaxations found cannot be applied to the instance, "
                                    f"so they are not checked: {exc}")
    plan = solve_instance(fixed, options)
    ok = plan.has_solution
    n = len(relaxations)
    msg = (f"{n} relaxation{'s' if n != 1 else ''} make{'s' if n == 1 else ''} the instance "
           + ("feasible (checked: the relaxed instance solves)" if ok
              else f"feasible in the elastic model, but the relaxed instance is {plan.status}"))
    return RepairResult(
        instance=inst.name, status="repaired", message=msg, relaxations=relaxations,
        penalty=round(total, 9) + 0.0, elastic_status=r.status, verified=ok,
        repaired_status=plan.status, repaired_npv=plan.npv,
    )


__all__ = ["ElasticExtra", "Limits", "Relaxation", "RepairResult", "Unrepairable", "relaxed",
           "repair"]
