"""``placement check INSTANCE PLAN``: every cost recomputed and every constraint checked,
independently of the MILP."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from placement.cli import render
from placement.cli.app import Exit, app, err, load_input, out, read_plan_file
from placement.cli.options import InstanceArg, SetOpt
from placement.errors import InstanceError, PlanFormatError, Problem
from placement.evaluate import evaluate


@app.command()
def check(
    instance: InstanceArg,
    plan_file: Annotated[Path, typer.Argument(help="Plan JSON written by `placement solve -o`.")],
    overrides: SetOpt = None,
) -> None:
    """Recompute every cost and check every constraint of a plan, independently of the MILP.

    Strict: a number that is not finite, a row listed twice, periods other than the
    instance's, or a status the plan contradicts (an 'optimal' plan outside its gap) is a
    violation. An 'infeasible' plan is confirmed when a workload has too few candidates,
    contradicted when the greedy heuristic finds a plan meeting every rule, and otherwise
    reported as not verified (exit 0: only a solve can prove infeasibility)."""
    inst = load_input(instance, overrides)
    invalid = f"Invalid plan file {plan_file}"
    data = read_plan_file(plan_file, invalid)
    try:
        ev = evaluate(inst, data)
    except (InstanceError, PlanFormatError) as exc:
        render.problems(err, invalid, exc.problems)
        raise typer.Exit(Exit.INVALID) from None
    if ev.violations:
        render.problems(err, f"Plan {plan_file} violates its instance",
                        [Problem("", v) for v in ev.violations])
        raise typer.Exit(Exit.VIOLATIONS)
    if ev.npv is not None:
        npv = render.money(ev.npv, inst.currency)
        out.print(f"[green]✓[/] {plan_file}: every constraint holds; recomputed NPV {npv}")
    for note in ev.notes:
        mark = "[green]✓[/]" if note.startswith("infeasibility confirmed") else "[yellow]![/]"
        out.print(f"{mark} {plan_file}: {escape(note)}", highlight=False)
