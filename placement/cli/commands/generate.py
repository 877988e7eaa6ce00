"""``placement generate``: a synthetic, feasible-by-construction instance for benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from placement.cli.app import app, out
from placement.cli.output import write_or_exit
from placement.generate.limits import MAX_PERIODS, MAX_SEED, MAX_SITES, MAX_WORKLOADS


@app.command()
def generate(
    workloads: Annotated[int, typer.Option(
        "--workloads", min=1, max=MAX_WORKLOADS,
        help=f"Number of workloads (1 to {MAX_WORKLOADS:,}).")],
    sites: Annotated[int, typer.Option(
        "--sites", min=1, max=MAX_SITES,
        help=f"Number of sites, ~40% cloud (1 to {MAX_SITES:,}).")],
    periods: Annotated[int, typer.Option(
        "--periods", min=1, max=MAX_PERIODS,
        help=f"Number of periods (1 to {MAX_PERIODS}; the horizon stays within 600 months).")],
    seed: Annotated[int, typer.Option(
        "--seed", min=0, max=MAX_SEED, help="Random seed (same seed, same file).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Instance YAML to write.")],
) -> None:
    """Write a realistic synthetic instance (every feature of the spec in use), feasible by
    construction and deterministic: the same arguments always give the same file."""
    from placement.generate import generate_yaml

    text = generate_yaml(workloads, sites, periods, seed)
    write_or_exit(output, text, "instance")
    out.print(f"Instance written to [bold]{output}[/] ({workloads} workloads, {sites} sites, "
              f"{periods} periods, seed {seed})")
