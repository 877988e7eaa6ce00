"""``placement pareto``: the NPV / latency (or energy) front by an epsilon-constraint sweep."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from placement.cli import render
from placement.cli.app import Exit, app, err, load_input, out
from placement.cli.options import (
    MAX_POINTS,
    GapOpt,
    InstanceArg,
    OutputOpt,
    PrintJsonOpt,
    SchedulerOpt,
    SetOpt,
    Solver,
    SolverOpt,
    ThreadsOpt,
    TimeLimitOpt,
    WorkersOpt,
    solve_options,
)
from placement.cli.sweep import executor_failed, progress_bar, write_result
from placement.errors import Problem
from placement.schema import Instance
from placement.schema.options import DEFAULT_GAP, SolveOptions

if TYPE_CHECKING:
    from placement.analysis.pareto import ParetoAnalysis, Versus
    from placement.analysis.results import ParetoPoint


@app.command()
def pareto(
    instance: InstanceArg,
    versus: Annotated[str, typer.Option(
        help="Second objective: latency (demand-weighted mean, ms) or energy (kWh).")
    ] = "latency",
    points: Annotated[int, typer.Option(
        min=2, max=MAX_POINTS, help="Solves along the front (ends included).")] = 8,
    solver: SolverOpt = Solver.highs,
    time_limit: TimeLimitOpt = None,
    gap: GapOpt = DEFAULT_GAP,
    threads: ThreadsOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    as_json: PrintJsonOpt = False,
    output: OutputOpt = None,
    overrides: SetOpt = None,
) -> None:
    """The trade-off between NPV and mean latency (or energy use): non-dominated plans."""
    from placement.cli.output import refuse_inputs

    refuse_inputs(output, [instance])
    second = _versus(versus)
    inst = load_input(instance, overrides)
    options = solve_options(solver, time_limit, gap, threads, baseline=False)
    analysis = _sweep(inst, second, points, options, workers, scheduler)
    r = analysis.result
    console = err if as_json else out
    for f in analysis.failures:
        console.print(f"[yellow]failed:[/] {escape(f)}", highlight=False)
    if not as_json:
        out.print(_front_table(analysis, inst.currency))
        if analysis.dropped:
            out.print(f"{analysis.dropped} dominated or duplicate point(s) dropped.")
    for n in analysis.notes:
        console.print(f"[dim]note:[/] {escape(n)}")
    write_result(r, output, as_json)
    if not r.points:
        infeasible = any("infeasible" in f for f in analysis.failures)
        if infeasible:
            err.print("No plan meets every rule: see `placement explain INSTANCE --repair`.")
        raise typer.Exit(Exit.INFEASIBLE if infeasible else Exit.ERROR)


def _versus(text: str) -> Versus:
    """The ``--versus`` objective; exit 2 unless latency or energy."""
    if text == "latency":
        return "latency"
    if text == "energy":
        return "energy"
    render.problems(err, "Invalid option",
                    [Problem("--versus", f"must be latency or energy, not {text!r}")])
    raise typer.Exit(Exit.USAGE)


def _sweep(inst: Instance, versus: Versus, points: int, options: SolveOptions,
           workers: int | None, scheduler: str | None) -> ParetoAnalysis:
    """The epsilon-constraint sweep with a progress bar; exit 1 if its solves cannot run."""
    from placement.analysis.pareto import pareto as sweep

    with progress_bar("solves", TextColumn("[bold]pareto[/] solves"), BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), off_terminal=True) as update:
        try:
            return sweep(inst, versus, points, options, workers=workers, scheduler=scheduler,
                         progress=update)
        except (RuntimeError, OSError) as exc:  # Dask not installed / unreachable
            raise executor_failed("Cannot run the sweep", exc) from None


def _front_table(analysis: ParetoAnalysis, currency: str) -> Table:
    """The front's points, cheapest first: NPV, the second objective, the NPV above the
    cheapest point, status and the moves of each plan."""
    r = analysis.result
    unit = "mean latency ms" if r.versus == "latency" else "energy kWh"
    t = Table(title=f"Pareto front of {r.instance}: NPV vs {r.versus} "
                    f"({len(r.points)} points, {analysis.solves} solves)",
              title_justify="left")
    for col in ("#", f"NPV ({currency})", unit, "Δ NPV", "status", "moves"):
        t.add_column(col, justify="right" if col != "moves" else "left")
    cheapest = r.points[0].npv if r.points else 0.0
    for i, p in enumerate(r.points, start=1):
        second = p.mean_latency_ms if r.versus == "latency" else p.energy_kwh
        t.add_row(str(i), render.money(p.npv), f"{second:,.2f}",
                  "+" + render.money(p.npv - cheapest), p.status, _moves(p))
    return t


def _moves(point: ParetoPoint) -> str:
    """The moves of the point's plan, per period (``—``: none)."""
    moves = []
    for period in (point.plan or {}).get("periods", []):
        if period["moves"]:
            moves.append(f"{period['name']}: {', '.join(period['moves'])}")
    return "; ".join(moves) or "—"
