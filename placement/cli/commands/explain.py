"""``placement explain INSTANCE``: the candidates each workload keeps per period and the
rules that excluded the others; ``--baseline``: the rules the stay-put baseline breaks;
``--repair``: the smallest relaxations (rendered by ``commands.repair``)."""

from __future__ import annotations

import json
from typing import Annotated, Any, NotRequired, TypedDict

import typer
from rich.table import Table

from placement.cli import render
from placement.cli.app import Exit, app, err, load_input, out
from placement.cli.options import (
    GapOpt,
    InstanceArg,
    MachineJsonOpt,
    SetOpt,
    Solver,
    SolverOpt,
    ThreadsOpt,
    TimeLimitOpt,
    solve_options,
)
from placement.data import prepare
from placement.diagnose import candidate_counts, short_of_candidates
from placement.errors import Problem
from placement.plan import Diagnosis
from placement.schema import Instance
from placement.schema.options import DEFAULT_GAP


@app.command()
def explain(
    instance: InstanceArg,
    all_rules: Annotated[
        bool, typer.Option("--all", help="Show exclusions for every workload.")
    ] = False,
    as_json: MachineJsonOpt = False,
    repair: Annotated[bool, typer.Option("--repair", help="Find the smallest relaxations of "
                      "caps, bandwidth, power, migrations, budgets and SLOs that make the "
                      "instance feasible.")] = False,
    baseline: Annotated[bool, typer.Option("--baseline", help="Diagnose the stay-put "
                        "baseline: which current placement breaks which rule, and which "
                        "unit caps, power, bandwidth or budgets they overrun together.")] = False,
    solver: SolverOpt = Solver.highs,
    time_limit: TimeLimitOpt = None,
    gap: GapOpt = DEFAULT_GAP,
    threads: ThreadsOpt = None,
    overrides: SetOpt = None,
) -> None:
    """Per workload: surviving candidates per period, and the rules that excluded the rest.
    The solver options apply to --repair (its elastic solve)."""
    options = solve_options(solver, time_limit, gap, threads, baseline=False)
    if not repair and options != solve_options(baseline=False):
        render.problems(err, "Invalid options", [Problem(
            "--solver/--time-limit/--gap/--threads", "apply to the elastic solve of --repair; "
            "without --repair, explain solves nothing")])
        raise typer.Exit(Exit.USAGE)
    inst = load_input(instance, overrides)
    if repair and baseline:
        render.problems(err, "Invalid options", [Problem(
            "--baseline", "cannot be combined with --repair")])
        raise typer.Exit(Exit.USAGE)
    if repair:
        from placement.cli.commands.repair import explain_repair

        raise typer.Exit(explain_repair(inst, instance, as_json, overrides, options))
    if baseline:
        raise typer.Exit(_explain_baseline(inst, as_json))
    if _explain_candidates(inst, all_rules, as_json):
        raise typer.Exit(Exit.INFEASIBLE)


class ExplainDoc(TypedDict):
    """``explain --json``: surviving candidates per workload and period, the diagnoses of
    the workloads short of candidates and, with ``--all``, every excluded placement."""

    candidates: dict[str, dict[str, int]]
    infeasible: list[dict[str, Any]]
    exclusions: NotRequired[dict[str, list[dict[str, Any]]]]


def _explain_candidates(inst: Instance, all_rules: bool, as_json: bool) -> bool:
    """``explain``: the candidates of every workload per period, as JSON or tables (with
    ``all_rules``, the rules excluding the others); whether a workload is short of them."""
    from placement.candidates import exclusions
    from placement.diagnose import exclusion_rows

    data = prepare(inst, presolve=False)
    counts = candidate_counts(data)
    short = short_of_candidates(data)
    periods = [p.name for p in inst.horizon.periods]
    excluded = ({w: exclusion_rows(exclusions(data.lk, data.routes, w), data) for w in counts}
                if all_rules else None)
    if as_json:
        doc: ExplainDoc = {
            "candidates": {w: dict(zip(periods, c, strict=True)) for w, c in counts.items()},
            "infeasible": [d.model_dump() for d in short],
        }
        if excluded is not None:
            doc["exclusions"] = excluded
        out.print_json(json.dumps(doc))
        return bool(short)
    t = Table(title="Feasible candidates per workload and period", title_justify="left")
    t.add_column("workload")
    for p in periods:
        t.add_column(p, justify="right")
    for w, c in counts.items():
        t.add_row(w, *(f"[red]{n}[/]" if n == 0 else str(n) for n in c))
    out.print(t)
    for w, rows in (excluded or {}).items():
        render.diagnosis(out, [Diagnosis(workload=w, period=None,
                                         message=f"{w}: excluded placements",
                                         exclusions=rows)])
    if short:
        render.diagnosis(out, short)
    else:
        out.print("[green]✓[/] every workload has enough candidates in every period")
    return bool(short)


def _explain_baseline(inst: Instance, as_json: bool) -> int:
    """``explain --baseline``: every rule the stay-put baseline breaks; exit 4 if any."""
    from placement.diagnose_baseline import baseline_breaches

    pinned = [w.id for w in inst.workloads if w.current]
    free = [w.id for w in inst.workloads if not w.current]
    found = baseline_breaches(prepare(inst, presolve=False)) if pinned else []
    if not pinned:
        note = ("no workload has a `current` placement: the baseline is the plan itself "
                "(run `placement explain` without --baseline)")
    elif found:
        note = f"the stay-put baseline is infeasible: {len(found)} broken rule(s)"
    else:
        note = ("the current placements break no rule, alone or together"
                + (f"; the free workloads ({', '.join(free)}) may still not fit around them"
                   if free else ""))
    if as_json:
        out.print_json(json.dumps({"baseline": {
            "breaks_rules": bool(found), "pinned": pinned, "free": free, "message": note,
            "breaches": [b.to_dict() for b in found]}}))
    else:
        out.print(("[bold red]✗[/] " if found else "[green]✓[/] ") + note, highlight=False)
        shown: tuple[str | None, str] | None = None
        for b in found:
            head = (b.workload, b.where if b.workload else "")
            if head != shown:
                out.print(f"    {b.workload} at {b.where}" if b.workload else "    together:",
                          highlight=False)
                shown = head
            when = f" in {b.period}" if b.period else ""
            at = "" if b.workload or b.where == b.period else f" at {b.where}"
            out.print(f"        [bold]{b.rule}[/]{at}{when}: {b.detail}", highlight=False,
                      soft_wrap=True)
    return Exit.INFEASIBLE if found else Exit.OK
