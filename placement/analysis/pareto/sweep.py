"""The epsilon-constraint sweep along the front (the method: ``placement.analysis.pareto``):
two rounds of parallel solves, each a MILP with an ``EpsilonExtra``, their plans checked
and the dominated ones dropped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from placement.analysis.limits import MAX_POINTS
from placement.analysis.pareto.front import non_dominated
from placement.analysis.pareto.objectives import EpsilonExtra, Versus, second_of_schedule
from placement.analysis.results import ParetoPoint, ParetoResult
from placement.api import load_instance
from placement.assemble import plan_of
from placement.data import prepare
from placement.executor import Outcome, Progress, run_all
from placement.pipeline import Outcome as Solved
from placement.pipeline import baseline_is_the_plan, solve_data
from placement.result import Status
from placement.schema import Instance
from placement.schema.options import SolveOptions

#: The interior points minimise NPV + delta x f with delta x (f_max - f_min) = this much
#: money: less than a cent, so it only breaks ties between plans of equal NPV.
TIEBREAK_MONEY = 0.005


def _slack(x: float, rel: float, floor: float) -> float:
    return max(floor, rel * abs(x))


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
        second = second_of_schedule(data, solved.schedule, task.extra.versus)
    return _Point(solved, second, task.extra)


@dataclass
class ParetoAnalysis:
    """The front (``result``, the ParetoResult of ``placement.analysis.results``) and what
    the sweep ran into: the failed or infeasible solves, and the points dropped."""

    result: ParetoResult
    solves: int = 0
    failures: list[str] = field(default_factory=list)
    dropped: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Sweep:
    """One sweep: its instance, options and second objective, where its solves run, the
    analysis it fills in and its progress (``done`` steps of ``total_steps``)."""

    inst: Instance
    opts: SolveOptions
    versus: Versus
    points: int
    workers: int | None
    scheduler: str | None
    progress: Progress | None
    analysis: ParetoAnalysis
    pinned: bool
    done: int = 0

    @property
    def total_steps(self) -> int:
        return 2 + (1 if self.pinned else 0) + self.points

    def task(self, extra: EpsilonExtra) -> _Task:
        return _Task(self.inst, self.opts, "point", extra)

    def run(self, tasks: list[_Task]) -> list[Outcome[_Point]]:
        """The tasks' solves, in parallel, counted and reported as progress."""

        def tick(d: int, n: int) -> None:
            if self.progress:
                self.progress(self.done + d, self.total_steps)

        outcomes = run_all(_run, tasks, workers=self.workers, scheduler=self.scheduler,
                           progress=tick)
        self.done += len(tasks)
        self.analysis.solves += len(tasks)
        return outcomes

    def verified_point(self, label: str, p: _Point, base: Solved | None) -> list[ParetoPoint]:
        return _verified(self.analysis, label, _to_point(self.inst, self.opts, p, base,
                                                         self.versus))


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
    _check_arguments(versus, points)
    inst = load_instance(instance)
    opts = _sweep_options(options)
    sweep = _Sweep(inst, opts, versus, points, workers, scheduler, progress,
                   analysis=_new_analysis(inst, opts, versus),
                   pinned=not baseline_is_the_plan(inst))
    cheap, low, base = _first_round(sweep)
    if not (_has(cheap) and _has(low)):
        return sweep.analysis
    found = _second_round(sweep, cheap, low, base)
    # the first round's solutions stand in for a lexicographic end whose solve failed
    fallback = []
    for label, o in _ends(versus, cheap, low):
        assert o.value is not None
        fallback += sweep.verified_point(label, o.value, base)
    kept = non_dominated(found + fallback, versus)
    sweep.analysis.dropped = sum(1 for p in found if not any(p is q for q in kept))
    sweep.analysis.result = ParetoResult(instance=sweep.inst.name, versus=versus, points=kept)
    return sweep.analysis


def _check_arguments(versus: str, points: int) -> None:
    if versus not in ("latency", "energy"):
        raise ValueError(f"versus must be 'latency' or 'energy', not {versus!r}")
    if points < 2:
        raise ValueError("a front needs at least 2 points (its two ends)")
    if points > MAX_POINTS:
        raise ValueError(f"at most {MAX_POINTS} points along a front, not {points}")


def _sweep_options(options: SolveOptions | None) -> SolveOptions:
    """Each solve's options: no baseline of its own, one solver thread unless given."""
    opts = (options or SolveOptions()).model_copy(update={"baseline": False})
    if opts.threads is None:
        opts = opts.model_copy(update={"threads": 1})
    return opts


def _new_analysis(inst: Instance, opts: SolveOptions, versus: Versus) -> ParetoAnalysis:
    """The empty analysis, noting when energy use cannot differ between plans."""
    analysis = ParetoAnalysis(ParetoResult(instance=inst.name, versus=versus, points=[]))
    data = prepare(inst, opts.formulation)
    if versus == "energy" and not data.owned_offers:
        analysis.notes.append("no owned hardware is offered: energy use is 0 in every plan")
    return analysis


def _ends(versus: Versus, cheap: Outcome[_Point], low: Outcome[_Point]
          ) -> tuple[tuple[str, Outcome[_Point]], tuple[str, Outcome[_Point]]]:
    return ("minimise NPV", cheap), ("minimise " + versus, low)


def _first_round(sweep: _Sweep
                 ) -> tuple[Outcome[_Point], Outcome[_Point], Solved | None]:
    """Minimise NPV and minimise the second objective (and solve the baseline once, when a
    workload is placed today): the front's two ends, unrefined."""
    first = [sweep.task(EpsilonExtra(sweep.versus, "npv")),
             sweep.task(EpsilonExtra(sweep.versus, "second"))]
    if sweep.pinned:
        first.append(_Task(sweep.inst, sweep.opts, "baseline"))
    out1 = sweep.run(first)
    base: Solved | None = None
    if sweep.pinned:
        b = out1[2]
        base = b.value.solved if b.ok and b.value is not None else None
        if base is None:
            sweep.analysis.notes.append(f"the baseline solve failed: {b.error}")
    cheap, low = out1[0], out1[1]
    for label, o in _ends(sweep.versus, cheap, low):
        _note_failure(sweep.analysis, label, o)
    return cheap, low, base


def _second_round_tasks(sweep: _Sweep, cheap: _Point, low: _Point) -> list[_Task]:
    """The two ends made lexicographic and the interior points' epsilon constraints."""
    assert cheap.solved.npv is not None
    assert cheap.second is not None and low.second is not None
    versus, points = sweep.versus, sweep.points
    npv_star, f_max, f_min = cheap.solved.npv, cheap.second, low.second
    tasks = [
        sweep.task(EpsilonExtra(
            versus, "second", npv_at_most=npv_star + _slack(npv_star, 1e-7, 0.01))),
        sweep.task(EpsilonExtra(
            versus, "npv", second_at_most=f_min + _slack(f_min, 1e-7, 1e-6))),
    ]
    if f_max - f_min > _slack(f_max, 1e-7, 1e-6):
        tiebreak = TIEBREAK_MONEY / (f_max - f_min)
        for i in range(1, points - 1):
            eps = f_min + i / (points - 1) * (f_max - f_min)
            tasks.append(sweep.task(EpsilonExtra(
                versus, "npv", second_at_most=eps, tiebreak=tiebreak)))
    else:
        sweep.analysis.notes.append(
            f"the two ends coincide: one plan is best for NPV and {versus} alike")
    return tasks


def _second_round(sweep: _Sweep, cheap: Outcome[_Point], low: Outcome[_Point],
                  base: Solved | None) -> list[ParetoPoint]:
    """The second round's solves, and the verified points they found."""
    assert cheap.value is not None and low.value is not None
    out2 = sweep.run(_second_round_tasks(sweep, cheap.value, low.value))
    found: list[ParetoPoint] = []
    for i, o in enumerate(out2):
        label = ("NPV end", f"{sweep.versus} end")[i] if i < 2 else f"point {i - 1}"
        _note_failure(sweep.analysis, label, o)
        if _has(o):
            assert o.value is not None
            found += sweep.verified_point(label, o.value, base)
    return found


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
