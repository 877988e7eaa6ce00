"""``placement scenarios``: solve named scenarios (multipliers, overrides) in parallel and
compare them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from placement.analysis.results import ScenariosResult
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
    solve_options,
)
from placement.cli.sweep import quiet_tables, run_sweep, signed, whole, write_result
from placement.errors import InstanceError
from placement.schema.options import DEFAULT_GAP


def render_scenarios(res: ScenariosResult, currency: str) -> Table:
    ref = next((r for r in res.rows if r.name == res.reference), None)
    t = Table(title=f"Scenarios of {res.instance} ({currency}; NPVs discounted)",
              title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("scenario", no_wrap=True)
    t.add_column("status", no_wrap=True)
    t.add_column("NPV", justify="right", no_wrap=True)
    t.add_column(f"vs {res.reference}", justify="right", no_wrap=True)
    t.add_column("savings", justify="right", no_wrap=True)
    t.add_column("break-even", justify="right", no_wrap=True)
    t.add_column("differ", justify="right", no_wrap=True)
    for r in res.rows:
        style = render.status_style(r.status)
        delta = (r.npv - ref.npv) if (ref and ref.npv is not None and r.npv is not None) else None
        be = "—" if r.break_even_month is None else f"month {r.break_even_month}"
        is_ref = r.name == res.reference
        n_diff = str(len(r.differs_from_reference))
        differs = "ref" if is_ref else ("—" if r.npv is None else n_diff)
        t.add_row(escape(r.name), f"[{style}]{r.status}[/]", whole(r.npv),
                  "" if is_ref else signed(delta), whole(r.savings), be, differs)
    return t


def scenario_notes(res: ScenariosResult) -> list[str]:
    """One line per scenario: workloads placed differently from the reference, or the error."""
    lines = []
    for r in res.rows:
        if r.npv is None:
            lines.append(f"[bold]{escape(r.name)}[/]: [red]{r.status}[/] — "
                         f"{escape(r.message) or 'no plan'}")
        elif r.name != res.reference and r.differs_from_reference:
            lines.append(f"[bold]{escape(r.name)}[/]: placed differently from {res.reference}: "
                         + ", ".join(r.differs_from_reference))
        elif r.message:
            lines.append(f"[bold]{escape(r.name)}[/]: {escape(r.message)}")
    return lines


@app.command()
def scenarios(
    instance: InstanceArg,
    scenarios_file: Annotated[Path | None, typer.Option(
        "--scenarios", help="YAML/JSON scenarios file (default: the bundled best/typical/worst).")
    ] = None,
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
    """Solve each scenario (multipliers and overrides) with its own baseline, in parallel;
    compare NPV, savings, break-even and placements with the reference (typical) case."""
    from placement.cli.output import refuse_inputs

    refuse_inputs(output, [instance])
    from placement.analysis.scenarios import load_scenarios, run_scenarios

    options = solve_options(solver, time_limit, gap, threads)
    inst = load_input(instance, overrides)
    try:
        sset = load_scenarios(scenarios_file)
    except InstanceError as exc:
        render.problems(err, f"Invalid scenarios file {scenarios_file}", exc.problems)
        raise typer.Exit(Exit.INVALID) from None
    res = run_sweep(
        f"{len(sset.scenarios)} scenarios",
        lambda update: run_scenarios(inst, sset, options=options, workers=workers,
                                     scheduler=scheduler, progress=update),
    )
    if not quiet_tables(as_json, output):
        out.print(render_scenarios(res, inst.currency))
        out.print(f"differ: workloads placed differently from {res.reference} "
                  "(site, hardware or variant in some period)", style="dim")
        for line in scenario_notes(res):
            out.print(line, highlight=False)
        for name, sc in sset.scenarios.items():
            mult = ", ".join(f"{k}×{v:g}" for k, v in sc.multipliers.items())
            what = "; ".join(x for x in (sc.description, mult, *sc.overrides) if x)
            out.print(f"  [dim]{escape(name)}: {escape(what) or 'as the instance'}[/]",
                      highlight=False)
    write_result(res, output, as_json)
