"""The CLI's one way to write an output file: refuse an input as output, clear errors, exit 1;
``-`` for an output path is standard output."""

from __future__ import annotations

import os
from collections.abc import Iterable

import typer

from placement.errors import Problem
from placement.output import same_file, write_output


def to_stdout(output: str | os.PathLike[str] | None) -> bool:
    """Whether the output path is ``-``: standard output."""
    return output is not None and str(output) == "-"


def refuse_inputs(output: str | os.PathLike[str] | None,
                  inputs: Iterable[str | os.PathLike[str] | None]) -> None:
    """Exit 1 before any work when ``output`` is one of the command's input files."""
    from placement.cli import render
    from placement.cli.app import Exit, err

    if output is None:
        return
    for src in inputs:
        if src is not None and same_file(output, src):
            render.problems(err, "Refusing to overwrite an input", [Problem(
                str(output), f"is the input {str(src)!r}; choose another output path")])
            raise typer.Exit(Exit.ERROR)


def write_or_exit(output: str | os.PathLike[str], text: str, what: str) -> None:
    """Write ``text`` to ``output`` (see ``write_output``); exit 1 on failure."""
    from placement.cli import render
    from placement.cli.app import Exit, err

    try:
        write_output(output, text)
    except BrokenPipeError:
        raise
    except OSError as exc:
        render.problems(err, f"Cannot write the {what}",
                        [Problem(str(output), exc.strerror or str(exc))])
        raise typer.Exit(Exit.ERROR) from None
