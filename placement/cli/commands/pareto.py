"""``placement pareto``: the NPV / latency (or energy) front by an epsilon-constraint sweep."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from placement.cli import render
from placement.cli.app import Exit, InstanceArg, SetOpt, _load, app, err, out
from placement.cli.commands.risk import write_result
from placement.cli.options import (
    MAX_POINTS,
    GapOpt,
    SchedulerOpt,
    Solver,
    SolverOpt,
    ThreadsOpt,
    TimeLimitOpt,
    WorkersOpt,
    solve_options,
)
from placement.errors import Problem
from placement.schema.options import DEFAULT_GAP


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
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write the result JSON here ('-' for stdout).")] = None,
    overrides: SetOpt = None,
) -> None:
    """The trade-off between NPV and mean latency (or energy use): non-dominated plans."""
    from placement.cli.output import refuse_inputs

    refuse_inputs(output, [instance])
    from placement.analysis.pareto import pareto as sweep

    if versus not in ("latency", "energy"):
        render.problems(err, "Invalid option",
                        [Problem("--versus", f"must be latency or energy, not {versus!r}")])
        raise typer.Exit(Exit.USAGE)
    inst = _load(instance, overrides)
    options = solve_options(solver, time_limit, gap, threads, baseline=False)
    with Progress(TextColumn("[bold]pareto[/] solves"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("solves", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            analysis = sweep(inst, versus, points, options, workers=workers,  # type: ignore[arg-type]
                             scheduler=scheduler, progress=progress)
        except (RuntimeError, OSError) as exc:  # Dask not installed / unreachable
            render.problems(err, "Cannot run the sweep", [Problem("--scheduler", str(exc))])
            raise typer.Exit(Exit.ERROR) from None
    r = analysis.result
    console = err if as_json else out
    for f in analysis.failures:
        console.print(f"[yellow]failed:[/] {escape(f)}", highlight=False)
    if not as_json:
        unit = "mean latency ms" if versus == "latency" else "energy kWh"
        t = Table(title=f"Pareto front of {r.instance}: NPV vs {versus} "
                        f"({len(r.points)} points, {analysis.solves} solves)",
                  title_justify="left")
        for col in ("#", f"NPV ({inst.currency})", unit, "Δ NPV", "status", "moves"):
            t.add_column(col, justify="right" if col != "moves" else "left")
        cheapest = r.points[0].npv if r.points else 0.0
        for i, p in enumerate(r.points, start=1):
            second = p.mean_latency_ms if versus == "latency" else p.energy_kwh
            moves = []
            for period in (p.plan or {}).get("periods", []):
                if period["moves"]:
                    moves.append(f"{period['name']}: {', '.join(period['moves'])}")
            t.add_row(str(i), render.money(p.npv), f"{second:,.2f}",
                      "+" + render.money(p.npv - cheapest), p.status, "; ".join(moves) or "—")
        out.print(t)
        if analysis.dropped:
            out.print(f"{analysis.dropped} dominated or duplicate point(s) dropped.")
    for n in analysis.notes:
        console.print(f"[dim]note:[/] {escape(n)}")
    write_result(r.model_dump(mode="json"), output, as_json)
    if not r.points:
        infeasible = any("infeasible" in f for f in analysis.failures)
        if infeasible:
            err.print("No plan meets every rule: see `placement explain INSTANCE --repair`.")
        raise typer.Exit(Exit.INFEASIBLE if infeasible else Exit.ERROR)
