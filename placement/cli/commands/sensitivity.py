"""``placement sensitivity``: one-at-a-time ±delta on each multiplier (tornado data)."""

from __future__ import annotations

from typing import Annotated, overload

import typer
from rich import box
from rich.table import Table

from placement.analysis.results import MULTIPLIER_KEYS, SensitivityResult
from placement.cli import render
from placement.cli.app import Exit, app, err, load_input, out
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
from placement.cli.sweep import quiet_tables, run_sweep, signed, whole, write_result
from placement.errors import InstanceError
from placement.schema.options import DEFAULT_GAP

ParametersOpt = Annotated[str | None, typer.Option(
    help=f"Comma-separated multipliers to vary: {','.join(MULTIPLIER_KEYS)} (default: all but "
    "price_trend, and committed, spot, carbon_price only where they change something).")]


@overload
def parse_parameters(text: str) -> list[str]: ...
@overload
def parse_parameters(text: None) -> None: ...


def parse_parameters(text: str | None) -> list[str] | None:
    """``rented,capex`` → the list; exit 2 on an unknown name."""
    if text is None:
        return None
    from placement.analysis.sensitivity import check_parameters

    try:
        return check_parameters(text.split(","))
    except InstanceError as exc:
        render.problems(err, "Invalid --parameters", exc.problems)
        raise typer.Exit(Exit.USAGE) from None


BAR = 10  # the tornado bar's width, characters


def render_tornado(res: SensitivityResult, currency: str) -> Table:
    pct = f"{res.delta:.0%}"
    t = Table(title=f"Sensitivity of the NPV of {res.instance} to ±{pct} on each multiplier "
                    f"(base {whole(res.base_npv)} {currency})",
              title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("parameter", no_wrap=True)
    t.add_column(f"NPV at -{pct}", justify="right", no_wrap=True)
    t.add_column(f"NPV at +{pct}", justify="right", no_wrap=True)
    t.add_column("swing", justify="right", no_wrap=True)
    t.add_column("", no_wrap=True, max_width=BAR)
    t.add_column("placement", overflow="fold")
    widest = max((abs(r.npv_high - r.npv_low) for r in res.rows
                  if r.npv_low is not None and r.npv_high is not None), default=0.0) or 1.0
    for r in res.rows:
        lo = "—" if r.npv_low is None else signed(r.npv_low - res.base_npv)
        hi = "—" if r.npv_high is None else signed(r.npv_high - res.base_npv)
        if r.npv_low is None or r.npv_high is None:
            swing, bar = "no plan", "[red]" + "█" * BAR + "[/]"
        else:
            width = abs(r.npv_high - r.npv_low)
            swing, bar = whole(width), "█" * max(0, round(BAR * width / widest))
        moves = {(True, True): "changes both ways", (True, False): f"changes at -{pct}",
                 (False, True): f"changes at +{pct}", (False, False): "same"}[
            (r.changes_low, r.changes_high)]
        t.add_row(r.parameter, lo, hi, swing, bar,
                  moves if moves == "same" else f"[bold yellow]{moves}[/]")
    return t


@app.command()
def sensitivity(
    instance: InstanceArg,
    delta: Annotated[float, typer.Option(
        parser=bounded_float(0, 1, low_open=True), metavar="D",
        help="The one-at-a-time swing, in (0, 1]: each multiplier at 1-delta and 1+delta.")
    ] = 0.2,
    parameters: ParametersOpt = None,
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
    """Tornado data: the NPV with each cost multiplier (and demand) at ±delta, one at a
    time, and whether the recommended placement changes. Solves run in parallel."""
    from placement.cli.output import refuse_inputs

    refuse_inputs(output, [instance])
    from placement.analysis.sensitivity import run_sensitivity

    params = parse_parameters(parameters)
    options = solve_options(solver, time_limit, gap, threads)
    inst = load_input(instance, overrides)
    from placement.analysis.sensitivity import effective_parameters

    try:
        n = 2 * len(effective_parameters(inst, params)[0]) + 1
    except InstanceError:
        n = 0  # refused by run_sensitivity below, with its problems
    res = run_sweep(f"{n} solves", lambda update: run_sensitivity(
        inst, delta=delta, parameters=params, options=options, workers=workers,
        scheduler=scheduler, progress=update))
    if not quiet_tables(as_json, output):
        out.print(render_tornado(res, inst.currency))
        from rich.markup import escape

        for r in res.rows:
            if r.message:
                out.print(f"[red]✗[/] {r.parameter}: {escape(r.message)}", highlight=False)
        out.print("NPV columns: change from the base NPV; placement: whether the recommended "
                  "(workload, period, site, hardware, variant) set changes.", style="dim")
        if res.skipped:
            out.print("Not varied: " + "; ".join(
                f"{k} ({why})" for k, why in res.skipped.items()), style="dim", highlight=False)
    write_result(res, output, as_json)

