"""``placement report``: a plan (and analysis results) as one self-contained HTML page, or
Markdown, for stakeholders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from placement.cli import render
from placement.cli.app import Exit, app, err, out
from placement.errors import InstanceError, Problem


def _read_json(path: Path, what: str) -> Any:
    """A JSON file's content; problems reading it exit 3 with the path."""
    try:
        text = path.read_text(encoding="utf-8")
        if not text.strip():
            raise ValueError("file is empty")
        return json.loads(text)
    except FileNotFoundError:
        problem = "no such file"
    except IsADirectoryError:
        problem = "is a directory, not a file"
    except UnicodeDecodeError:
        problem = "not a UTF-8 text file"
    except json.JSONDecodeError as exc:
        problem = f"not valid JSON: {exc.msg} at line {exc.lineno}"
    except ValueError as exc:
        problem = str(exc)
    except OSError as exc:
        problem = f"cannot read: {exc.strerror or exc}"
    render.problems(err, f"Invalid {what}", [Problem(str(path), problem)])
    raise typer.Exit(Exit.INVALID)


def _validation_problems(exc: Exception, where: str) -> list[Problem]:
    from placement.validate import schema_problems

    return [Problem(f"{where}: {p.path}" if p.path else where, p.message)
            for p in schema_problems(exc)]  # type: ignore[arg-type]


@app.command()
def report(
    plan_file: Annotated[Path, typer.Argument(help="Plan JSON written by `placement solve -o`.")],
    output: Annotated[Path, typer.Option("-o", "--output",
                      help="Write the report here ('-' for stdout).")],
    instance: Annotated[str | None, typer.Option(
        help="The plan's instance (path or example:NAME): adds the placement map, SLOs, "
             "utilisation, energy and the assumptions appendix.")] = None,
    analysis: Annotated[list[Path] | None, typer.Option(
        help="Analysis results JSON (scenarios, sensitivity, thresholds, risk, Pareto); "
             "repeatable.")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="html or md (default: from the output's suffix, else html).")] = None,
) -> None:
    """Turn a plan (and analysis results) into one self-contained decision report."""
    from pydantic import TypeAdapter, ValidationError

    from placement.analysis.results import AnalysisResult
    from placement.api import load_instance
    from placement.cli.output import refuse_inputs, write_or_exit
    from placement.io import bundled_examples, resolve_source
    from placement.plan import Plan
    from placement.report import ReportInputError, build_report

    refuse_inputs(output, [plan_file, instance, *(analysis or [])])
    if fmt is None:
        fmt = "md" if output.suffix.lower() in (".md", ".markdown") else "html"
    if fmt not in ("html", "md"):
        render.problems(err, "Invalid options", [Problem("--format",
                                                         f"expected html or md, got '{fmt}'")])
        raise typer.Exit(Exit.USAGE)

    data = _read_json(plan_file, "plan file")
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        render.problems(err, f"Invalid plan file {plan_file}",
                        _validation_problems(exc, str(plan_file)))
        raise typer.Exit(Exit.INVALID) from None

    inst = None
    bundled = False
    if instance is not None:
        try:
            inst = load_instance(instance)
            bundled = resolve_source(instance).resolve() in {
                p.resolve() for p in bundled_examples().values()}
        except InstanceError as exc:
            render.problems(err, f"Invalid instance {instance}", exc.problems)
            raise typer.Exit(Exit.INVALID) from None

    adapter: TypeAdapter[Any] = TypeAdapter(AnalysisResult)
    results = []
    for path in analysis or []:
        raw = _read_json(path, "analysis results file")
        try:
            results.append(adapter.validate_python(raw))
        except ValidationError as exc:
            render.problems(err, f"Invalid analysis results file {path}",
                            _validation_problems(exc, str(path)))
            raise typer.Exit(Exit.INVALID) from None

    try:
        text = build_report(plan, inst, results, fmt=fmt, bundled=bundled)  # type: ignore[arg-type]
    except ReportInputError as exc:
        render.problems(err, f"Plan {plan_file} does not match the other inputs", exc.problems)
        raise typer.Exit(Exit.INVALID) from None

    write_or_exit(output, text, "report")
    if str(output) == "-":
        return
    out.print(f"Report written to [bold]{output}[/] ({len(text.encode('utf-8')):,} bytes, {fmt})")
