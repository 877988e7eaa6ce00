"""The library API: load an instance, solve it, get a plan (with its baseline)."""

from __future__ import annotations

import os
import time
from typing import Any

from placement import budget
from placement.assemble import assemble, checked, recorded_options
from placement.budget import Clock
from placement.data import prepare
from placement.io import read_mapping
from placement.pipeline import Outcome, Prepared, baseline_is_the_plan, limited, solver_name
from placement.plan import BaselineResult, Plan
from placement.result import Status, Termination
from placement.schema import Instance
from placement.schema.options import SolveOptions
from placement.validate import validate


def load_instance(source: str | os.PathLike[str] | dict[str, Any] | Instance) -> Instance:
    """A path (YAML or JSON; ``example:NAME`` for a bundled one), a mapping, or an Instance."""
    if isinstance(source, Instance):
        return source
    if isinstance(source, dict):
        return validate(source)
    return validate(read_mapping(source))


def solve(
    instance: Instance | str | os.PathLike[str] | dict[str, Any],
    options: SolveOptions | None = None,
    started: float | None = None,
    clock: Clock = time.perf_counter,
) -> Plan:
    """Solve an instance and its stay-put baseline; never raises for infeasible or
    time-limited runs (see ``Plan.status``). Raises InstanceError for a bad instance.

    ``options.time_limit`` bounds the whole call (``placement.budget``): loading, the
    candidates, both models, the baseline's solve then the plan's, the accounting and the
    independent check, counted from ``started`` (a reading of ``clock``; default: now, so
    a caller that loaded the instance itself can pass when it began)."""
    options = options or SolveOptions()
    clock_started = clock() if started is None else started
    limit = budget.Budget(options.time_limit, clock, clock_started)
    inst = load_instance(instance)
    timed = options.time_limit is not None
    try:
        main, base = _prepared(inst, options, limit if timed else None)
    except budget.TimeUp as exc:
        return _out_of_time(inst, options, exc.phase, limit)
    separate = base is not None and base is not main
    listed = sum(w.replicas for w in inst.workloads) * len(inst.horizon.periods)
    reserved = budget.reserve(listed * (2 if separate else 1))
    base_outcome: Outcome | None = None
    if not timed:
        if separate:
            assert base is not None
            base_outcome = base.run(options)
        main_outcome = main.run(options)
    else:
        try:
            if separate:
                assert base is not None
                limit.interrupt("before the baseline's solver started")()
                seconds = budget.baseline_seconds(limit.left(), main.size, base.size, reserved)
                base_outcome = base.run(limited(options, seconds))
            limit.interrupt("before the plan's solver started")()
        except budget.TimeUp as exc:
            return _out_of_time(inst, options, exc.phase, limit)
        main_outcome = main.run(limited(options, budget.plan_seconds(limit.left(), reserved)))
    if base is not None and not separate:
        base_outcome = main_outcome
    return checked(inst, assemble(inst, options, main_outcome, base_outcome))


def _prepared(
    inst: Instance, options: SolveOptions, limit: budget.Budget | None
) -> tuple[Prepared, Prepared | None]:
    """The plan's and the baseline's models, built (the baseline None without
    ``options.baseline``; the plan's own when no workload is pinned); with ``limit``, the
    loading, the candidates and each constraint family are checked against it."""
    check = None if limit is None else limit.interrupt
    if check is not None:
        check("while loading the instance")()
    making = check and check("while making the candidates")
    data = prepare(inst, options.formulation, interrupt=making)
    building = check and check("while building the model")
    main = Prepared(data, options, interrupt=building)
    base = None
    if options.baseline:
        pinned = not baseline_is_the_plan(inst)
        base = (
            Prepared(
                data.pinned(),
                options,
                baseline=True,
                interrupt=check and check("while building the baseline's model"),
            )
            if pinned
            else main
        )
    return main, base


def _out_of_time(inst: Instance, options: SolveOptions, phase: str, limit: budget.Budget) -> Plan:
    """The plan of a solve whose time limit ran out before any plan existed (with the
    baseline, when asked for, unsolved alike)."""
    message = (
        f"no plan: the time limit of {options.time_limit:g} s was reached {phase} "
        f"(after {limit.elapsed():.1f} s)"
    )
    baseline = None
    if options.baseline:
        baseline = BaselineResult(
            status=Status.ERROR,
            npv=None,
            savings=None,
            break_even_month=None,
            solver=solver_name(options),
            solve_seconds=0.0,
            message=message,
        )
    return Plan(
        instance=inst.name,
        currency=inst.currency,
        status=Status.ERROR,
        termination=Termination.TIME_LIMIT,
        message=message,
        solver=solver_name(options),
        options=recorded_options(options),
        baseline=baseline,
    )


def write_model(
    instance: Instance | str | os.PathLike[str] | dict[str, Any],
    path: str | os.PathLike[str],
    options: SolveOptions | None = None,
) -> None:
    """Write the plan's MILP (the model ``solve`` hands to the solver, before its warm
    start) as an MPS or LP file, by the suffix of ``path`` (``placement.milp.export``).
    Raises InstanceError for a bad instance, ValueError for another suffix."""
    from placement.milp.build import build
    from placement.milp.export import write_model as write

    options = options or SolveOptions()
    inst = load_instance(instance)
    write(build(prepare(inst, options.formulation), inst.name), path)
