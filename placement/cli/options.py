"""The options several commands share, defined once (the instance argument and --set; the
solver options of every command that solves; the result options of the sweeps), and the
bounded parsers of the other numeric options.

Every numeric option has a documented range (docs/cli.md) enforced while the command line
is parsed: a value outside it, NaN or infinity is a usage error (exit 2) naming the option,
before any work starts. :func:`solve_options` turns the shared options into a validated
:class:`~placement.schema.options.SolveOptions`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from placement.analysis.limits import (
    MAX_POINTS,
    MAX_RISK_SCENARIOS,
    MAX_SAMPLES,
    MAX_SEED,
    MAX_WORKERS,
)
from placement.executor import check_scheduler_address
from placement.schema.options import DEFAULT_GAP, MAX_THREADS, MAX_TIME_LIMIT, SolveOptions

__all__ = [
    "MAX_POINTS",
    "MAX_RISK_SCENARIOS",
    "MAX_SAMPLES",
    "MAX_SEED",
    "MAX_WORKERS",
    "GapOpt",
    "InstanceArg",
    "JsonOpt",
    "MachineJsonOpt",
    "OutputOpt",
    "PrintJsonOpt",
    "SchedulerOpt",
    "SearchOpt",
    "SetOpt",
    "SolverOpt",
    "ThreadsOpt",
    "TimeLimitOpt",
    "WarmStartOpt",
    "WorkersOpt",
    "bounded_float",
    "solve_options",
]


class Solver(StrEnum):
    highs = "highs"
    cbc = "cbc"


class Search(StrEnum):
    auto = "auto"
    lns = "lns"
    mip = "mip"
    decompose = "decompose"


def _fmt(x: float) -> str:
    return f"{x:g}"


def bounded_float(
    low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> Callable[[Any], float]:
    """A typer ``parser``: a finite float in the interval (bounds open or closed), else a
    usage error saying the interval."""
    interval = (("(" if low_open else "[") + f"{_fmt(low)}, {_fmt(high)}"
                + (")" if high_open else "]"))

    def parse(value: Any) -> float:
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise typer.BadParameter(f"{value!r} is not a number") from None
        below = x <= low if low_open else x < low
        above = x >= high if high_open else x > high
        if not math.isfinite(x) or below or above:
            raise typer.BadParameter(f"{value} is not in {interval}")
        return x

    parse.__name__ = "float"  # what click calls the type in messages
    return parse


SolverOpt = Annotated[Solver, typer.Option(
    case_sensitive=False, help="highs (default) or cbc.")]
TimeLimitOpt = Annotated[float | None, typer.Option(
    parser=bounded_float(0, MAX_TIME_LIMIT, low_open=True), metavar="SECONDS",
    help=f"Seconds, in (0, {MAX_TIME_LIMIT:g}] (default: no limit): for solve the whole "
    "command (loading, models, baseline, plan, check; docs/cli.md); for an analysis "
    "each of its solves.")]
GapOpt = Annotated[float, typer.Option(
    parser=bounded_float(0, 1), metavar="FRACTION",
    help="Relative MIP gap counted as optimal, in [0, 1].")]
ThreadsOpt = Annotated[int | None, typer.Option(
    min=1, max=MAX_THREADS,
    help="Solver threads per solve (default: the solver's choice for one solve, 1 per "
         "parallel solve in a sweep).")]
SearchOpt = Annotated[Search, typer.Option(
    case_sensitive=False,
    help="HiGHS with --time-limit: auto (default), lns (neighbourhood search, then the "
         "MIP) or mip (the MIP alone); with or without a limit: decompose (a per-site "
         "Lagrangian bound and a plan from its columns first; its sub-problems on "
         "--workers processes or the --scheduler's Dask cluster).")]
WarmStartOpt = Annotated[bool, typer.Option(
    "--warm-start", help="HiGHS: start from the greedy heuristic's plan.")]
WorkersOpt = Annotated[int | None, typer.Option(
    min=1, max=MAX_WORKERS, help="Parallel solves on this machine (default: one per core).")]


InstanceArg = Annotated[str, typer.Argument(help="Instance YAML/JSON path, or example:NAME.")]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="PATH=VALUE",
                 help="What-if override of one instance field, by id (repeatable): "
                      "'workloads\\[chat-eu].latency_slo_ms=150', "
                      "'offers\\[SITE/HARDWARE].price_per_hour=1.2', 'horizon.discount_rate=0.1'. "
                      "See docs/analysis.md."),
]

# The sweeps' result: printed (--json) and/or written (-o). The --json help of scenarios,
# sensitivity and thresholds (JsonOpt) and of pareto and risk (PrintJsonOpt) is worded
# differently; both are kept as they are, so --help stays the same.
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]
PrintJsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
OutputOpt = Annotated[Path | None, typer.Option(
    "-o", "--output", help="Write the result JSON here ('-' for stdout).")]
#: --json of the commands that print a report (explain, diff) rather than a result.
MachineJsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def scheduler_address(value: Any) -> str:
    """A typer ``parser``: a Dask scheduler address, ``tcp://HOST:PORT``."""
    try:
        return check_scheduler_address(str(value))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


SchedulerOpt = Annotated[str | None, typer.Option(
    parser=scheduler_address, metavar="tcp://HOST:PORT",
    help="Run the solves on this Dask scheduler (tcp://HOST:PORT; needs "
         "placement\\[distributed]); it must answer and have a worker within 30 s.")]


def solve_options(
    solver: Solver | str = Solver.highs,
    time_limit: float | None = None,
    gap: float = DEFAULT_GAP,
    threads: int | None = None,
    *,
    search: Search | str = Search.auto,
    warm_start: bool = False,
    baseline: bool = True,
    workers: int | None = None,
    scheduler: str | None = None,
) -> SolveOptions:
    """The shared options as validated SolveOptions; a bad value exits 2 with the problems."""
    from pydantic import ValidationError

    doc = {"solver": Solver(solver).value, "time_limit": time_limit, "gap": gap,
           "threads": threads, "baseline": baseline, "warm_start": warm_start,
           "search": Search(search).value}
    if workers is not None or scheduler is not None:
        doc |= {"workers": workers, "scheduler": scheduler}
    try:
        return SolveOptions.model_validate(doc)
    except ValidationError as exc:
        from placement.cli import render
        from placement.cli.app import Exit, err
        from placement.validate import schema_problems

        render.problems(err, "Invalid options", schema_problems(exc))
        raise typer.Exit(Exit.USAGE) from None
