"""``placement generate``: a synthetic, feasible-by-construction instance for benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from placement.cli.app import app, out
from placement.cli.options import MAX_SEED
from placement.cli.output import write_or_exit

# Ten times the largest benchmark (XL: 1000 workloads, 120 sites, 6 periods) at most.
MAX_WORKLOADS = 10_000
MAX_SITES = 1_200
MAX_PERIODS = 60


@app.command()
def generate(
    workloads: Annotated[int, typer.Option(
        "--workloads", min=1, max=MAX_WORKLOADS, help="Number of workloads.")],
    sites: Annotated[int, typer.Option(
        "--sites", min=1, max=MAX_SITES, help="Number of sites (~40% cloud).")],
    periods: Annotated[int, typer.Option(
        "--periods", min=1, max=MAX_PERIODS, help="Number of periods.")],
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
