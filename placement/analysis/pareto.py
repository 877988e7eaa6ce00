"""Pareto fronts: NPV against demand-weighted mean latency, or against energy use.

The second objective is one of (both linear in the MILP's variables):

- **latency** — the demand-weighted mean latency over the horizon's requests, in ms::

      L = sum_k q_k x latency_k x x_k / Q,     q_k = (d_wp / R_w) x load_factor_w x m_p,
      Q = sum_{w,p} d_wp x load_factor_w x m_p

  where k is a candidate (workload w, site, hardware, variant, period p), latency_k =
  2 x path latency + the profile's latency (the plan's ``latency_ms``), and q_k the
  requests the replica serves over the period (each of the R_w replicas takes d/R of the
  traffic, as in the spec's traffic volumes). Q is a constant because every workload
  runs exactly R_w replicas in every period, so L is a true weighted mean. When no
  workload has any demand, q_k = m_p / R_w (a time-weighted mean).

- **energy** — kWh drawn by the owned units in service over the horizon, PUE included::

      E = sum_{s, h owned, p} owned(s,h,p) x power_w / 1000 x 730 x m_p x pue(s)

  (rented units draw on the provider's power and are not counted; existing units count).

The sweep is the epsilon-constraint method, every solve a MILP of ``placement.milp``
with an extra (``build(..., extras=...)``):

1. in parallel: minimise NPV (the front's cheap end, and the largest second objective
   f_max), and minimise the second objective (f_min);
2. in parallel: the two ends made lexicographic (minimise f subject to NPV <= NPV*,
   minimise NPV subject to f <= f_min) and the interior points: for
   eps_i = f_min + i / (n - 1) x (f_max - f_min), i = 1 .. n-2, minimise NPV subject
   to f <= eps_i (plus a tie-break term worth at most half a cent, so that of plans with
   equal NPV the one with the lower f is found).

Points that are dominated by another point, or duplicate one (equal NPV to a cent and
equal f), are dropped. Each point carries its plan JSON (with the stay-put baseline,
solved once). Failed or infeasible solves are reported as such, never lose the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from placement import costs
from placement.accounting import Schedule
from placement.analysis.executor import Outcome, Progress, run_all
from placement.analysis.limits import MAX_POINTS
from placement.analysis.results import ParetoPoint, ParetoResult
from placement.api import load_instance
from placement.assemble import plan_of
from placement.data import ProblemData, prepare
from placement.milp.objective import Linear
from placement.milp.variables import Milp
from placement.pipeline import Outcome as Solved
from placement.pipeline import solve_data
from placement.plan import Plan
from placement.result import Status
from placement.schema import Instance
from placement.schema.options import SolveOptions

Versus = Literal["latency", "energy"]
#: The interior points minimise NPV + delta x f with delta x (f_max - f_min) = this much
#: money: less than a cent, so it only breaks ties between plans of equal NPV.
TIEBREAK_MONEY = 0.005

# --------------------------------------------------------------------------- solving with extras


# --------------------------------------------------------------------------- objectives


def _latency_weights(data: ProblemData) -> tuple[list[float], float]:
    """q_k for every candidate and Q (see the module doc)."""
    lk = data.lk
    total = sum(
        lk.demand[w][p.index] * lk.workloads[w].load_factor * p.months
        for w in lk.workloads
        for p in lk.periods
    )
    weights = []
    for c in data.cands:
        wl, months = lk.workloads[c.workload], lk.periods[c.period].months
        if total > 0:
            weights.append(lk.demand[c.workload][c.period] / wl.replicas * wl.load_factor * months)
        else:
            weights.append(months / wl.replicas)
    if total <= 0:
        total = sum(p.months for p in lk.periods) * len(lk.workloads)
    return weights, total


def latency_objective(m: Milp) -> Linear:
    """L, the demand-weighted mean latency in ms, as a linear expression of x."""
    weights, total = _latency_weights(m.data)
    out = Linear()
    for k, var in m.x.items():
        lat = m.data.cands[k].latency_ms
        if weights[k] and lat:
            out.add(var, weights[k] * lat / total)
    return out


def _kwh_per_unit(data: ProblemData, s: str, h: str, months: float) -> float:
    lk = data.lk
    return costs.kwh(1, lk.hardware[h].power_w, months, lk.sites[s].pue)


def energy_objective(m: Milp) -> Linear:
    """E, the owned units' kWh over the horizon (PUE included), as a linear expression."""
    data = m.data
    lk = data.lk
    out = Linear()
    for s, h in data.owned_offers:
        existing = lk.offers[(s, h)].existing_units
        for info in lk.periods:
            kwh = _kwh_per_unit(data, s, h, info.months)
            out.constant += existing * kwh
            for q in range(info.index + 1):
                if (s, h, q) in m.buy:
                    out.add(m.buy[(s, h, q)], kwh)
    return out


def second_objective(m: Milp, versus: Versus) -> Linear:
    return latency_objective(m) if versus == "latency" else energy_objective(m)


def mean_latency_ms(inst: Instance, plan: Plan | dict[str, Any]) -> float:
    """L of a plan, from its assignments (independently of the MILP)."""
    plan = plan if isinstance(plan, Plan) else Plan.model_validate(plan)
    data = prepare(inst)
    lk = data.lk
    _, total = _latency_weights(data)
    acc = 0.0
    any_demand = any(
        lk.demand[w][p.index] * lk.workloads[w].load_factor > 0
        for w in lk.workloads for p in lk.periods
    )
    for info, period in zip(lk.periods, plan.periods, strict=True):
        for a in period.assignments:
            wl = lk.workloads[a.workload]
            if any_demand:
                q = lk.demand[a.workload][info.index] / wl.replicas * wl.load_factor * info.months
            else:
                q = info.months / wl.replicas
            acc += q * a.latency_ms
    return acc / total


def energy_kwh(inst: Instance, plan: Plan | dict[str, Any]) -> float:
    """E of a plan, from its units in service (independently of the MILP)."""
    plan = plan if isinstance(plan, Plan) else Plan.model_validate(plan)
    data = prepare(inst)
    lk = data.lk
    total = 0.0
    for info, period in zip(lk.periods, plan.periods, strict=True):
        for u in period.units:
            if lk.is_owned(u.hardware):
                total += u.units * _kwh_per_unit(data, u.site, u.hardware, info.months)
    return total


# --------------------------------------------------------------------------- extras


@dataclass(frozen=True)
class EpsilonExtra:
    """Optimise one objective with the other bounded (a picklable ``build`` extra).

    ``minimise``: "npv" or "second"; ``npv_at_most`` / ``second_at_most``: bounds or None.
    """

    versus: Versus
    minimise: Literal["npv", "second"]
    npv_at_most: float | None = None
    second_at_most: float | None = None
    tiebreak: float = 0.0  # minimising NPV: + tiebreak x second (ties go to the lower one)

    def __call__(self, m: Milp) -> None:
        """Rows ``NPV <= npv_at_most`` (family ``pareto_npv``) and ``f <= second_at_most``
        (``pareto_eps``), then the objective: f, or NPV + tiebreak x f."""
        npv = Linear(dict(m.cost), m.objective_constant)
        f = second_objective(m, self.versus)
        if self.npv_at_most is not None:
            m.add_row(list(npv.coef.items()), "<=", self.npv_at_most - npv.constant,
                      "pareto_npv", 0)
        if self.second_at_most is not None:
            m.add_row(list(f.coef.items()), "<=", self.second_at_most - f.constant,
                      "pareto_eps", 0)
        if self.minimise == "second":
            m.set_objective(f.coef, f.constant)
        elif self.tiebreak > 0:
            npv.plus(f, self.tiebreak)
            m.set_objective(npv.coef, npv.constant)


def _slack(x: float, rel: float, floor: float) -> float:
    return max(floor, rel * abs(x))


# --------------------------------------------------------------------------- the sweep


@dataclass(frozen=True)
class _Task:
    inst: Instance
    options: SolveOptions
    kind: str  # "baseline" or "point"
    extra: EpsilonExtra | None = None


@dataclass
class _Point:
    solved: Solved
    second: float | None
    extra: EpsilonExtra | None = None


def _run(task: _Task) -> _Point:
    data = prepare(task.inst, task.options.formulation)
    if task.kind == "baseline":
        return _Point(solve_data(data.pinned(), task.options, baseline=True), None)
    assert task.extra is not None
    solved = solve_data(data, task.options, extras=(task.extra,))
    second = None
    if solved.schedule is not None:
        second = _second_of_schedule(data, solved.schedule, task.extra.versus)
    return _Point(solved, second, task.extra)


def _second_of_schedule(data: ProblemData, schedule: Schedule, versus: Versus) -> float:
    lk = data.lk
    if versus == "energy":
        total = 0.0
        for info in lk.periods:
            for (s, h), n in schedule.units[info.index].items():
                if lk.is_owned(h):
                    total += n * _kwh_per_unit(data, s, h, info.months)
        return total
    weights, total_q = _latency_weights(data)
    index = {
        (c.workload, c.site, c.hardware, c.variant, c.period): k for k, c in enumerate(data.cands)
    }
    acc = 0.0
    for p, rows in enumerate(schedule.assignments):
        for a in rows:
            k = index[(a.workload, a.site, a.hardware, a.variant, p)]
            acc += weights[k] * data.cands[k].latency_ms
    return acc / total_q


@dataclass
class ParetoAnalysis:
    """The front (``result``, the ParetoResult of ``placement.analysis.results``) and what
    the sweep ran into: the failed or infeasible solves, and the points dropped."""

    result: ParetoResult
    solves: int = 0
    failures: list[str] = field(default_factory=list)
    dropped: int = 0
    notes: list[str] = field(default_factory=list)


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


def pareto(
    instance: Instance | str | dict[str, Any],
    versus: Versus = "latency",
    points: int = 8,
    options: SolveOptions | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> ParetoAnalysis:
    """The NPV / ``versus`` front by an epsilon-constraint sweep of ``points`` solves
    (at least 2: the two ends). Solves run in parallel (``run_all``); each solve uses one
    solver thread unless ``options.threads`` says otherwise."""
    if versus not in ("latency", "energy"):
        raise ValueError(f"versus must be 'latency' or 'energy', not {versus!r}")
    if points < 2:
        raise ValueError("a front needs at least 2 points (its two ends)")
    if points > MAX_POINTS:
        raise ValueError(f"at most {MAX_POINTS} points along a front, not {points}")
    inst = load_instance(instance)
    opts = (options or SolveOptions()).model_copy(update={"baseline": False})
    if opts.threads is None:
        opts = opts.model_copy(update={"threads": 1})
    analysis = ParetoAnalysis(ParetoResult(instance=inst.name, versus=versus, points=[]))
    notes = analysis.notes
    data = prepare(inst, opts.formulation)
    if versus == "energy" and not data.owned_offers:
        notes.append("no owned hardware is offered: energy use is 0 in every plan")
    pinned = any(w.current for w in inst.workloads)
    total_steps = 2 + (1 if pinned else 0) + points
    done = [0]

    def tick(d: int, n: int) -> None:
        if progress:
            progress(done[0] + d, total_steps)

    first = [
        _Task(inst, opts, "point", EpsilonExtra(versus, "npv")),
        _Task(inst, opts, "point", EpsilonExtra(versus, "second")),
    ]
    if pinned:
        first.append(_Task(inst, opts, "baseline"))
    out1 = run_all(_run, first, workers=workers, scheduler=scheduler, progress=tick)
    done[0] += len(first)
    analysis.solves += len(first)
    base: Solved | None = None
    if pinned:
        b = out1[2]
        base = b.value.solved if b.ok and b.value is not None else None
        if base is None:
            notes.append(f"the baseline solve failed: {b.error}")
    cheap, low = out1[0], out1[1]
    for label, o in (("minimise NPV", cheap), ("minimise " + versus, low)):
        _note_failure(analysis, label, o)
    if not (_has(cheap) and _has(low)):
        return analysis
    assert cheap.value is not None and low.value is not None
    assert cheap.value.solved.npv is not None
    assert cheap.value.second is not None and low.value.second is not None
    npv_star, f_max, f_min = cheap.value.solved.npv, cheap.value.second, low.value.second
    second_round = [
        _Task(inst, opts, "point", EpsilonExtra(
            versus, "second", npv_at_most=npv_star + _slack(npv_star, 1e-7, 0.01))),
        _Task(inst, opts, "point", EpsilonExtra(
            versus, "npv", second_at_most=f_min + _slack(f_min, 1e-7, 1e-6))),
    ]
    if f_max - f_min > _slack(f_max, 1e-7, 1e-6):
        tiebreak = TIEBREAK_MONEY / (f_max - f_min)
        for i in range(1, points - 1):
            eps = f_min + i / (points - 1) * (f_max - f_min)
            second_round.append(_Task(inst, opts, "point", EpsilonExtra(
                versus, "npv", second_at_most=eps, tiebreak=tiebreak)))
    else:
        notes.append(f"the two ends coincide: one plan is best for NPV and {versus} alike")
    out2 = run_all(_run, second_round, workers=workers, scheduler=scheduler, progress=tick)
    analysis.solves += len(second_round)
    found: list[ParetoPoint] = []
    for i, o in enumerate(out2):
        label = ("NPV end", f"{versus} end")[i] if i < 2 else f"point {i - 1}"
        _note_failure(analysis, label, o)
        if _has(o):
            assert o.value is not None
            found += _verified(analysis, label, _to_point(inst, opts, o.value, base, versus))
    # the first round's solutions stand in for a lexicographic end whose solve failed
    fallback = []
    for label, o in (("minimise NPV", cheap), ("minimise " + versus, low)):
        assert o.value is not None
        fallback += _verified(analysis, label, _to_point(inst, opts, o.value, base, versus))
    kept = non_dominated(found + fallback, versus)
    analysis.dropped = sum(1 for p in found if not any(p is q for q in kept))
    analysis.result = ParetoResult(instance=inst.name, versus=versus, points=kept)
    return analysis


def _has(o: Outcome[_Point]) -> bool:
    return o.ok and o.value is not None and o.value.solved.result.has_solution


def _verified(analysis: ParetoAnalysis, label: str, point: ParetoPoint) -> list[ParetoPoint]:
    """[point], or [] with a failure noted when its plan failed the independent check
    (status ``error``): such a point is never on the front."""
    if point.status != Status.ERROR:
        return [point]
    message = point.plan.get("message", "") if point.plan else ""
    analysis.failures.append(f"{label}: error" + (f" ({message})" if message else ""))
    return []


def _note_failure(analysis: ParetoAnalysis, label: str, o: Outcome[_Point]) -> None:
    if not o.ok or o.value is None:
        analysis.failures.append(f"{label}: {o.error}")
    elif not o.value.solved.result.has_solution:
        r = o.value.solved.result
        analysis.failures.append(f"{label}: {r.status}" + (f" ({r.message})" if r.message else ""))


def _to_point(
    inst: Instance, opts: SolveOptions, p: _Point, base: Solved | None, versus: Versus
) -> ParetoPoint:
    assert p.extra is not None
    what = None
    if p.extra.minimise == "second":
        what = f"the {versus} objective"
    elif p.extra.tiebreak > 0:
        what = f"NPV + {p.extra.tiebreak:.3g} x {versus} (tie-break)"
    plan = plan_of(inst, opts, p.solved, base, what)
    assert plan.npv is not None and p.second is not None
    second = round(p.second, 6) + 0.0
    return ParetoPoint(
        npv=plan.npv,
        mean_latency_ms=second if versus == "latency" else None,
        energy_kwh=second if versus == "energy" else None,
        status=plan.status,
        plan=plan.to_dict(),
    )


__all__ = [
    "EpsilonExtra",
    "ParetoAnalysis",
    "energy_kwh",
    "energy_objective",
    "latency_objective",
    "mean_latency_ms",
    "non_dominated",
    "pareto",
]
