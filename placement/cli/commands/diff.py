"""``placement diff A.json B.json``: what changes from plan A to plan B."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from placement.analysis.diff import CostChange, PeriodDiff, PlanDiff, as_plan, diff_plans
from placement.cli import render
from placement.cli.app import Exit, app, err, out, read_plan_file
from placement.cli.options import MachineJsonOpt
from placement.costs import CATEGORY_LABELS
from placement.errors import PlanFormatError


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
        _render_period(console, p)
    for name in d.periods_only_in_a:
        console.print(f"[yellow]period {name} only in {d.a}[/]")
    for name in d.periods_only_in_b:
        console.print(f"[yellow]period {name} only in {d.b}[/]")
    console.print(_totals_table(d))
    console.print(f"NPV: {_change(d.npv)}")
    if d.residual_value is not None and d.residual_value.change:
        console.print(f"Residual value: {_change(d.residual_value)}")
    if d.savings is not None:
        console.print(f"Savings vs staying put: {_change(d.savings)}")
    be_a, be_b = d.break_even_month
    if be_a != be_b:
        console.print(f"Break-even month: {be_a or 'none'} → {be_b or 'none'}")


def _render_period(console: Console, p: PeriodDiff) -> None:
    """A period's changes: placements, units and the costs that changed."""
    if not p.changed:
        console.print(f"[bold]{p.name}[/]: no change")
        return
    console.print(f"[bold]{p.name}[/]")
    for pc in p.placements:
        gone = [x for x in pc.before if x not in pc.after]
        new = [x for x in pc.after if x not in pc.before]
        what = f" [dim]({', '.join(pc.changed)})[/]" if pc.changed else ""
        console.print(f"  [bold]{pc.workload}[/]: {', '.join(gone) or '—'} → "
                      f"{', '.join(new) or '—'}{what}", highlight=False)
    for u in p.units:
        bought = (f"; bought {u.bought_before} → {u.bought_after}"
                  if u.bought_before != u.bought_after else "")
        sign = "+" if u.change > 0 else ""
        pool = " spot" if u.market == "spot" else ""
        console.print(f"  units {u.site}/{u.hardware}{pool}: {u.before} → {u.after} "
                      f"({sign}{u.change}){bought}", highlight=False)
    changed = {k: cc for k, cc in p.costs.items() if cc.change}
    if changed:
        console.print("  costs: " + ", ".join(
            f"{CATEGORY_LABELS.get(k, k).lower()} {_signed(cc.change)}"
            for k, cc in changed.items()), highlight=False)


def _totals_table(d: PlanDiff) -> Table:
    """Undiscounted totals per cost category (those not zero in both plans), A vs B."""
    t = Table(title="Cost change by category (undiscounted)", title_justify="left")
    for col in ("category", d.a, d.b, "change"):
        t.add_column(col, justify="left" if col == "category" else "right")
    for k, c in d.totals.items():
        if c.before or c.after:
            t.add_row(CATEGORY_LABELS.get(k, k), render.money(c.before),
                      render.money(c.after), _signed(c.change))
    return t


@app.command()
def diff(
    plan_a: Annotated[Path, typer.Argument(help="Plan JSON A (the reference).")],
    plan_b: Annotated[Path, typer.Argument(help="Plan JSON B (compared with A).")],
    as_json: MachineJsonOpt = False,
) -> None:
    """Compare two plans: per period, workloads placed differently, units added or removed,
    cost change per category; and the NPV change (B - A)."""
    docs = []
    bad = False
    for path in (plan_a, plan_b):
        try:
            docs.append(as_plan(read_plan_file(path, "Invalid plan file")))
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
