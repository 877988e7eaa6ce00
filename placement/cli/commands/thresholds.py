"""``placement thresholds``: the multipliers at which the recommendation changes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from placement.analysis.limits import MAX_HIGH, MIN_TOLERANCE
from placement.analysis.results import MULTIPLIER_KEYS, ThresholdsResult
from placement.cli import render
from placement.cli.app import Exit, app, err, load_input, out
from placement.cli.commands.sensitivity import parse_parameters
from placement.cli.options import (
    GapOpt,
    InstanceArg,
    JsonOpt,
    OutputOpt,
    SchedulerOpt,
    SetOpt,
    Solver,
    SolverOpt,
    ThreadsOpt,
    TimeLimitOpt,
    WorkersOpt,
    bounded_float,
    solve_options,
)
from placement.cli.sweep import quiet_tables, run_sweep, write_result
from placement.errors import Problem
from placement.schema.options import DEFAULT_GAP


def parse_range(text: str) -> tuple[float, float]:
    """``0.2,3`` → (0.2, 3.0); exit 2 unless 0 <= low < 1 < high <= MAX_HIGH."""
    try:
        lo_text, hi_text = text.split(",")
        lo, hi = float(lo_text), float(hi_text)
        if not (0 <= lo < 1 < hi <= MAX_HIGH):  # NaN fails every comparison
            raise ValueError
    except ValueError:
        render.problems(err, "Invalid options", [Problem(
            "--range", f"expected LOW,HIGH with 0 <= LOW < 1 < HIGH <= {MAX_HIGH:g}, "
                       f"got {text!r}")])
        raise typer.Exit(Exit.USAGE) from None
    return lo, hi


def render_thresholds(res: ThresholdsResult) -> None:
    for r in res.rows:
        mark = "[bold yellow]◆[/]" if r.threshold is not None else "[dim]·[/]"
        where = f"{r.threshold:g}x" if r.threshold is not None else "none"
        out.print(f"{mark} [bold]{r.parameter}[/] {r.direction:<4} {where:>8}  "
                  f"[dim]({r.solves} solves, ±{r.tolerance:g})[/]", highlight=False)
        out.print(f"    {escape(r.change)}", highlight=False)


@app.command()
def thresholds(
    instance: InstanceArg,
    parameter: Annotated[str, typer.Option(
        help="The multiplier to move (comma-separated for several): "
             f"{', '.join(MULTIPLIER_KEYS)}.")],
    search_range: Annotated[str, typer.Option(
        "--range", help="LOW,HIGH multipliers to search, around 1.0 (today): "
        f"0 <= LOW < 1 < HIGH <= {MAX_HIGH:g}.")] = "0.2,3",
    tolerance: Annotated[float, typer.Option(
        parser=bounded_float(MIN_TOLERANCE, 1),
        help=f"Stop bisecting when the bracket is this narrow (in multiplier units), in "
             f"[{MIN_TOLERANCE:g}, 1].")] = 0.01,
    as_json: JsonOpt = False,
    output: OutputOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    solver: SolverOpt = Solver.highs,
    time_limit: TimeLimitOpt = None,
    gap: GapOpt = DEFAULT_GAP,
    threads: ThreadsOpt = None,
    overrides: SetOpt = None,
) -> None:
    """Decision thresholds: bisect a multiplier down and up from today's figures for the
    value at which the recommended placement changes (revisit the decision there)."""
    from placement.cli.output import refuse_inputs

    refuse_inputs(output, [instance])
    from placement.analysis.thresholds import run_thresholds

    params = parse_parameters(parameter)
    lo, hi = parse_range(search_range)
    options = solve_options(solver, time_limit, gap, threads)
    inst = load_input(instance, overrides)
    res = run_sweep("bisection", lambda update: run_thresholds(
        inst, params, search_range=(lo, hi), tolerance=tolerance, options=options,
        workers=workers, scheduler=scheduler, progress=update))
    if not quiet_tables(as_json, output):
        render_thresholds(res)
    write_result(res, output, as_json)
