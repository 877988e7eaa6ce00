"""``placement validate INSTANCE``: every problem of an instance, or a short summary."""

from __future__ import annotations

from placement.cli.app import app, load_input, out, warn_near_misses
from placement.cli.options import InstanceArg, SetOpt


@app.command()
def validate(instance: InstanceArg, overrides: SetOpt = None) -> None:
    """Check an instance: every problem with its path, or a short summary."""
    inst = load_input(instance, overrides)
    warn_near_misses(inst)
    out.print(f"[green]✓[/] {instance}: valid — {len(inst.workloads)} workloads, "
              f"{len(inst.sites)} sites, {len(inst.hardware)} hardware options, "
              f"{len(inst.horizon.periods)} periods")
