"""``placement explain INSTANCE --repair``: the smallest relaxations that make an infeasible
instance feasible (the option lives on ``explain``; this module renders it)."""

from __future__ import annotations

import re
import shlex

from rich.markup import escape

from placement.cli.app import Exit, err, out
from placement.schema import Instance
from placement.schema.options import SolveOptions


def _path(override: str) -> str:
    """An override's PATH, links written with their ends sorted (a|b = b|a)."""
    path = override.split("=", 1)[0].strip().removeprefix("network.")
    return re.sub(r"links\[([^\]]*)\]",
                  lambda m: "links[" + "|".join(sorted(x.strip() for x in m.group(1).split("|")))
                  + "]", path)


def explain_repair(
    inst: Instance,
    source: str,
    as_json: bool,
    overrides: list[str] | None = None,
    options: SolveOptions | None = None,
) -> int:
    """Run the elastic mode, print its report; the exit code: 0 feasible as it is,
    4 infeasible (relaxations listed when there are), 1 the elastic solve failed."""
    from placement.analysis.repair import repair

    with err.status("elastic mode: looking for the smallest relaxations…"):
        r = repair(inst, options or SolveOptions(baseline=False))
    if as_json:
        out.print_json(r.model_dump_json())
    else:
        style = {"feasible": "green", "repaired": "yellow"}.get(r.status, "red")
        out.print(f"[bold {style}]{r.status}[/]: {escape(r.message)}")
        for u in r.unrepairable:
            out.print(f"  [red]✗[/] {escape(u.message)}", highlight=False)
        if r.relaxations:
            out.print(f"[bold]Smallest relaxations[/] (normalised total {r.penalty:.4g}):")
            for x in r.relaxations:
                out.print(f"  • {escape(x.message)}", highlight=False)
        if r.relaxations and r.status != "error":  # "error": they do not apply as overrides
            changed = {_path(x.override) for x in r.relaxations}
            given = [o for o in overrides or [] if _path(o) not in changed]
            sets = " ".join(f"--set {shlex.quote(o)}"
                            for o in given + [x.override for x in r.relaxations])
            out.print(f"Apply them with: placement solve {shlex.quote(source)} {sets}",
                      highlight=False, soft_wrap=True, markup=False)
        if r.verified is not None and r.status == "repaired" and r.repaired_status:
            mark = "[green]✓[/]" if r.verified else "[red]✗[/]"
            out.print(f"{mark} the instance with these relaxations is {r.repaired_status}")
    if r.status == "feasible":
        return int(Exit.OK)
    if r.status == "error":
        return int(Exit.ERROR)
    return int(Exit.INFEASIBLE)
