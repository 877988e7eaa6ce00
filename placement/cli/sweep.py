"""What the sweep commands (scenarios, sensitivity, thresholds, pareto, risk) share: the
progress bar, the exit codes of a failed sweep, the result output and number formats."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import typer
from pydantic import BaseModel
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from placement.cli import render
from placement.cli.app import Exit, err, out
from placement.cli.output import to_stdout
from placement.errors import InstanceError, PlacementError, Problem
from placement.io import dumps_json
from placement.result import Status

__all__ = [
    "ProgressFn",
    "progress_bar",
    "quiet_tables",
    "run_sweep",
    "signed",
    "whole",
    "write_result",
]

T = TypeVar("T")

#: ``progress(done, total)``: the callback the analyses report their solves through.
ProgressFn = Callable[[int, int], None]


@contextmanager
def progress_bar(
    label: str, *columns: ProgressColumn, off_terminal: bool = False
) -> Iterator[ProgressFn]:
    """A rich progress bar on stderr, fed by the analyses' ``progress(done, total)``
    callback. The columns default to a spinner, the label, the bar, done/total and the
    elapsed time; the bar is disabled when stderr is not a terminal unless ``off_terminal``."""
    if not columns:
        columns = (SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
                   MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True,
                  disable=not (off_terminal or err.is_terminal)) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def run_sweep(label: str, fn: Callable[[ProgressFn], T]) -> T:
    """Run a sweep with a progress bar; bad inputs exit 3, an infeasible base case 4,
    executor failures (no Dask, unreachable scheduler) 1."""
    try:
        with progress_bar(label) as update:
            return fn(update)
    except InstanceError as exc:
        render.problems(err, "Invalid sweep input", exc.problems)
        raise typer.Exit(Exit.INVALID) from None
    except PlacementError as exc:  # e.g. the base case has no plan
        render.problems(err, "Sweep failed", exc.problems)
        status = getattr(exc, "status", "")
        raise typer.Exit(Exit.INFEASIBLE if status == Status.INFEASIBLE else Exit.ERROR) from None
    except (RuntimeError, OSError, TimeoutError) as exc:  # no Dask, scheduler unreachable
        render.problems(err, "Sweep failed", [Problem("", f"{type(exc).__name__}: {exc}")])
        raise typer.Exit(Exit.ERROR) from None


def executor_failed(title: str, exc: Exception) -> typer.Exit:
    """The exit (1) for parallel solves that could not run (Dask not installed, scheduler
    unreachable), after printing why under ``title``."""
    render.problems(err, title, [Problem("--scheduler", str(exc))])
    return typer.Exit(Exit.ERROR)


def write_result(result: BaseModel, output: Path | None, as_json: bool) -> None:
    """``--json``: the result as JSON on stdout; ``-o FILE``: to FILE ('-': stdout)."""
    text = dumps_json(result.model_dump(mode="json"))
    if as_json or to_stdout(output):
        sys.stdout.write(text)
    if output is not None and not to_stdout(output):
        from placement.cli.output import write_or_exit

        write_or_exit(output, text, "result")
        (err if as_json else out).print(f"Result written to [bold]{escape(str(output))}[/]")


def quiet_tables(as_json: bool, output: Path | None) -> bool:
    """No tables on stdout when it carries the JSON."""
    return as_json or to_stdout(output)


def whole(x: float | None) -> str:
    """Money without cents, for comparison tables."""
    return "—" if x is None else f"{x:,.0f}"


def signed(x: float | None) -> str:
    """``whole`` with a sign on increases."""
    if x is None:
        return "—"
    return ("+" if x > 0 else "") + whole(x)
