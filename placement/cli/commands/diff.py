"""``placement diff A.json B.json``: what changes from plan A to plan B."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from placement.analysis.diff import CostChange, PlanDiff, as_plan, diff_plans
from placement.cli import render
from placement.cli.app import Exit, app, err, out
from placement.costs import CATEGORY_LABELS
from placement.errors import InstanceError, PlanFormatError
from placement.io import parse_text, read_text


def read_plan_file(path: Path) -> dict[str, object]:
    """A plan JSON file as a mapping; exit 3 with the problem if it cannot be read."""
    try:
        return parse_text(read_text(path), str(path), json_first=True)
    except InstanceError as exc:
        problems = exc.problems
    render.problems(err, "Invalid plan file", problems)
    raise typer.Exit(Exit.INVALID)


def _signed(x: float) -> str:
    return ("+" if x > 0 else "") + render.money(x)


def _change(c: CostChange | None, currency: str = "") -> str:
    if c is None:
        return "—"
    return f"{render.money(c.before)} → {render.money(c.after)} ({_signed(c.change)}{currency})"


def render_diff(console: Console, d: PlanDiff) -> None:
    console.print(
        f"[bold]Plan diff[/]: [cyan]{d.a}[/] ({d.instance_a}, {d.status_a}) → "
        f"[cyan]{d.b}[/] ({d.instance_b}, {d.status_b})"
    )
    if d.instance_a != d.instance_b:
        console.print("[yellow]The plans are for different instances.[/]")
    if d.identical:
        console.print("[green]✓[/] identical placements, units and costs")
        return
    for p in d.periods:
        if not p.changed:
            console.print(f"[bold]{p.name}[/]: no change")
            continue
        console.print(f"[bold]{p.name}[/]")
        for c in p.placements:
            gone = [x for x in c.before if x not in c.after]
            new = [x for x in c.after if x not in c.before]
            what = f" [dim]({', '.join(c.changed)})[/]" if c.changed else ""
            console.print(f"  [bold]{c.workload}[/]: {', '.join(gone) or '—'} → "
                          f"{', '.join(new) or '—'}{what}", highlight=False)
        for u in p.units:
            bought = (f"; bought {u.bought_before} → {u.bought_after}"
                      if u.bought_before != u.bought_after else "")
            sign = "+" if u.change > 0 else ""
            console.print(f"  units {u.site}/{u.hardware}: {u.before} → {u.after} "
                          f"({sign}{u.change}){bought}", highlight=False)
        changed = {k: c for k, c in p.costs.items() if c.change}
        if changed:
            console.print("  costs: " + ", ".join(
                f"{CATEGORY_LABELS.get(k, k).lower()} {_signed(c.change)}"
                for k, c in changed.items()), highlight=False)
    for name in d.periods_only_in_a:
        console.print(f"[yellow]period {name} only in {d.a}[/]")
    for name in d.periods_only_in_b:
        console.print(f"[yellow]period {name} only in {d.b}[/]")
    t = Table(title="Cost change by category (undiscounted)", title_justify="left")
    for col in ("category", d.a, d.b, "change"):
        t.add_column(col, justify="left" if col == "category" else "right")
    for k, c in d.totals.items():
        if c.before or c.after:
            t.add_row(CATEGORY_LABELS.get(k, k), render.money(c.before),
                      render.money(c.after), _signed(c.change))
    console.print(t)
    console.print(f"NPV: {_change(d.npv)}")
    if d.residual_value is not None and d.residual_value.change:
        console.print(f"Residual value: {_change(d.residual_value)}")
    if d.savings is not None:
        console.print(f"Savings vs staying put: {_change(d.savings)}")
    be_a, be_b = d.break_even_month
    if be_a != be_b:
        console.print(f"Break-even month: {be_a or 'none'} → {be_b or 'none'}")


@app.command()
def diff(
    plan_a: Annotated[Path, typer.Argument(help="Plan JSON A (the reference).")],
    plan_b: Annotated[Path, typer.Argument(help="Plan JSON B (compared with A).")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Compare two plans: per period, workloads placed differently, units added or removed,
    cost change per category; and the NPV change (B - A)."""
    docs = []
    bad = False
    for path in (plan_a, plan_b):
        try:
            docs.append(as_plan(read_plan_file(path)))
        except PlanFormatError as exc:
            render.problems(err, f"Invalid plan file {path}", exc.problems)
            bad = True
    if bad:
        raise typer.Exit(Exit.INVALID)
    d = diff_plans(docs[0], docs[1], labels=(str(plan_a), str(plan_b)))
    if as_json:
        doc = d.model_dump(mode="json")
        doc["identical"] = d.identical
        doc["changed_workloads"] = d.changed_workloads
        sys.stdout.write(json.dumps(doc, indent=2, allow_nan=False) + "\n")
    else:
        render_diff(out, d)
