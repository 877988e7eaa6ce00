"""``placement solve INSTANCE``: the recommended phased plan, its costs and savings."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from placement import api
from placement.cli import render
from placement.cli.app import Exit, app, err, load_within, out, warn_near_misses
from placement.cli.options import (
    MAX_WORKERS,
    GapOpt,
    InstanceArg,
    SchedulerOpt,
    Search,
    SearchOpt,
    SetOpt,
    Solver,
    SolverOpt,
    ThreadsOpt,
    TimeLimitOpt,
    WarmStartOpt,
    solve_options,
)
from placement.result import Status, Termination
from placement.schema.options import DEFAULT_GAP


@app.command()
def solve(
    instance: InstanceArg,
    output: Annotated[Path | None, typer.Option("-o", "--output",
                      help="Write the plan JSON here ('-' for stdout).")] = None,
    solver: SolverOpt = Solver.highs,
    time_limit: TimeLimitOpt = None,
    gap: GapOpt = DEFAULT_GAP,
    threads: ThreadsOpt = None,
    baseline: Annotated[bool, typer.Option(help="Also solve the stay-put baseline.")] = True,
    warm_start: WarmStartOpt = False,
    search: SearchOpt = Search.auto,
    workers: Annotated[int | None, typer.Option(
        min=1, max=MAX_WORKERS,
        help="--search decompose: processes for its sub-problems (default: one per core; "
             "1 = none).")] = None,
    scheduler: SchedulerOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
    overrides: SetOpt = None,
    write_model: Annotated[Path | None, typer.Option(
        "--write-model", help="Also write the plan's MILP here, as MPS or LP (by the suffix: "
        ".mps or .lp), before solving it.")] = None,
) -> None:
    """Solve an instance: the recommended phased plan, its cost and savings vs staying put."""
    started = time.perf_counter()  # --time-limit counts the loading
    options = solve_options(solver, time_limit, gap, threads, search=search,
                            warm_start=warm_start, baseline=baseline, workers=workers,
                            scheduler=scheduler)
    from placement.cli.output import refuse_inputs, to_stdout, write_or_exit
    from placement.cli.sweep import executor_failed
    from placement.executor import SchedulerError

    if (workers is not None or scheduler is not None) and options.search != "decompose":
        flag = "--scheduler" if scheduler is not None else "--workers"
        err.print(f"error: {flag} applies to --search decompose only (its sub-problems "
                  "are what runs in parallel)", highlight=False, soft_wrap=True)
        raise typer.Exit(Exit.USAGE)

    if write_model is not None and write_model.suffix.lower() not in (".mps", ".lp"):
        err.print(f"error: --write-model {write_model}: the file must end in .mps or .lp",
                  highlight=False, soft_wrap=True)
        raise typer.Exit(Exit.USAGE)
    refuse_inputs(output, [instance])
    refuse_inputs(write_model, [instance])
    inst = load_within(instance, overrides, options.time_limit)
    warn_near_misses(inst)
    if write_model is not None:
        try:
            api.write_model(inst, write_model, options)
        except OSError as exc:
            err.print(f"error: --write-model {write_model}: {exc.strerror or exc}",
                      highlight=False, soft_wrap=True)
            raise typer.Exit(Exit.ERROR) from exc
    try:
        plan = api.solve(inst, options, started)
    except SchedulerError as exc:  # unreachable, not a Dask scheduler, no workers
        raise executor_failed("Solve failed", exc) from None
    stdout = to_stdout(output)
    if output is not None:  # the file first: a slow or broken summary never loses it
        write_or_exit(output, plan.to_json(), "plan")
    if not quiet:
        render.plan_summary(err if stdout else out, plan, inst)
        if plan.baseline is not None and plan.baseline.status == Status.INFEASIBLE:
            (err if stdout else out).print(
                f"Why staying put breaks a rule: placement explain {instance} --baseline",
                highlight=False, soft_wrap=True)
        if output is not None and not stdout:
            out.print(f"Plan written to [bold]{output}[/]")
    if plan.status == Status.INFEASIBLE:
        raise typer.Exit(Exit.INFEASIBLE)
    if plan.status == Status.ERROR:
        raise typer.Exit(
            Exit.NO_SOLUTION if plan.termination == Termination.TIME_LIMIT else Exit.ERROR
        )
