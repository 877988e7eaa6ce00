"""``placement report``: a plan (and analysis results) as one self-contained HTML page, or
Markdown with its plots as PNG files beside it, for stakeholders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from placement.cli import render
from placement.cli.app import Exit, app, err, out
from placement.errors import InstanceError, Problem
from placement.io import read_text


def _read_json(path: Path, what: str) -> Any:
    """A JSON file's content; problems reading it exit 3 with the path."""
    try:
        text = read_text(path)
    except InstanceError as exc:
        render.problems(err, f"Invalid {what}", exc.problems)
        raise typer.Exit(Exit.INVALID) from None
    try:
        if not text.strip():
            raise ValueError("file is empty")
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problem = f"not valid JSON: {exc.msg} at line {exc.lineno}"
    except ValueError as exc:
        problem = str(exc)
    render.problems(err, f"Invalid {what}", [Problem(str(path), problem)])
    raise typer.Exit(Exit.INVALID)


def _validation_problems(exc: Exception, where: str) -> list[Problem]:
    from placement.validate import schema_problems

    return [Problem(f"{where}: {p.path}" if p.path else where, p.message)
            for p in schema_problems(exc)]  # type: ignore[arg-type]


def _is_special(path: Path) -> bool:
    """Standard output, a device or a pipe: a stream, with no place beside it for images."""
    import stat

    if str(path) == "-":
        return True
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or \
        stat.S_ISBLK(mode)


def _refuse_inputs_in(plots_dir: Path, inputs: list[Path]) -> None:
    """Exit 1 when an input is the plots directory or inside it (it would be replaced)."""
    import os

    top = os.path.realpath(plots_dir)
    for src in inputs:
        real = os.path.realpath(src)
        if real == top or real.startswith(top + os.sep):
            render.problems(err, "Refusing to overwrite an input", [Problem(
                str(plots_dir), f"the report's plots directory holds the input {str(src)!r}; "
                "choose another output path")])
            raise typer.Exit(Exit.ERROR)


def _analysis_files(options: list[Path] | None, extra: list[Path] | None) -> list[Path]:
    """Every analysis file once (a file named twice is read once), in the order given."""
    import os

    seen: set[str] = set()
    files = []
    for path in [*(options or []), *(extra or [])]:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            files.append(path)
    return files


@app.command()
def report(
    plan_file: Annotated[Path, typer.Argument(help="Plan JSON written by `placement solve -o`.")],
    output: Annotated[Path, typer.Option("-o", "--output",
                      help="Write the report here ('-' for stdout). Markdown: its plots go "
                           "to <stem>-plots/ beside it as PNG files.")],
    more_analyses: Annotated[list[Path] | None, typer.Argument(
        metavar="ANALYSIS.json", show_default=False,
        help="More analysis results: every file after the plan, such as the second and "
             "later files of `--analysis a.json b.json`.")] = None,
    instance: Annotated[str | None, typer.Option(
        help="The plan's instance (path or example:NAME): adds the placement map, SLOs, "
             "utilisation, energy and the assumptions appendix.")] = None,
    analysis: Annotated[list[Path] | None, typer.Option(
        help="Analysis results JSON (scenarios, sensitivity, thresholds, risk, risk "
             "--cvar-weight, pareto): `--analysis a.json b.json` or repeated.")] = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", help="html or md (default: from the output's suffix, else html).")] = None,
) -> None:
    """Turn a plan (and analysis results) into one self-contained decision report."""
    from pydantic import ValidationError

    from placement.api import load_instance
    from placement.cli.output import refuse_inputs, write_or_exit
    from placement.io import bundled_examples, resolve_source
    from placement.plan import Plan
    from placement.report import (
        KINDS,
        ReportInputError,
        build_markdown,
        build_report,
        parse_analysis,
    )
    from placement.report.files import (
        ReportWriteError,
        check_plots_dir,
        plots_dir_for,
        write_with_images,
    )

    analysis_files = _analysis_files(analysis, more_analyses)
    refuse_inputs(output, [plan_file, instance, *analysis_files])
    if fmt is None:
        fmt = "md" if output.suffix.lower() in (".md", ".markdown") else "html"
    if fmt not in ("html", "md"):
        render.problems(err, "Invalid options", [Problem("--format",
                                                         f"expected html or md, got '{fmt}'")])
        raise typer.Exit(Exit.USAGE)
    with_images = fmt == "md" and not _is_special(output)
    plots_dir = plots_dir_for(output)
    if with_images:
        _refuse_inputs_in(plots_dir, [plan_file, *analysis_files,
                                      *([Path(instance)] if instance else [])])
        try:
            check_plots_dir(plots_dir)
        except ReportWriteError as exc:
            render.problems(err, "Cannot write the report", exc.problems)
            raise typer.Exit(Exit.ERROR) from None

    data = _read_json(plan_file, "plan file")
    if isinstance(data, dict) and "kind" in data:
        render.problems(err, "Invalid plan file", [Problem(
            str(plan_file), f"is a '{data['kind']}' result, not a plan; the plan (from "
            "`placement solve -o`) comes first: placement report PLAN.json --analysis "
            "RESULTS.json ...")])
        raise typer.Exit(Exit.INVALID)
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

    results = []
    for path in analysis_files:
        raw = _read_json(path, "analysis results file")
        try:
            results.append(parse_analysis(raw, str(path)))
        except ReportInputError as exc:
            render.problems(err, "Invalid analysis results file", exc.problems)
            raise typer.Exit(Exit.INVALID) from None
    order = list(KINDS)
    results.sort(key=lambda r: order.index(r.kind))  # stable: the report's section order

    try:
        if with_images:
            text, images = build_markdown(plan, inst, results, images_dir=plots_dir.name,
                                          bundled=bundled)
        else:
            text, images = build_report(plan, inst, results, fmt=fmt,  # type: ignore[arg-type]
                                        bundled=bundled), {}
    except ReportInputError as exc:
        render.problems(err, f"Plan {plan_file} does not match the other inputs", exc.problems)
        raise typer.Exit(Exit.INVALID) from None

    if not with_images:
        write_or_exit(output, text, "report")
    else:
        try:
            write_with_images(output, text, images)
        except ReportWriteError as exc:
            render.problems(err, "Cannot write the report", exc.problems)
            raise typer.Exit(Exit.ERROR) from None
        except OSError as exc:
            render.problems(err, "Cannot write the report",
                            [Problem(str(exc.filename or output), exc.strerror or str(exc))])
            raise typer.Exit(Exit.ERROR) from None
    if str(output) == "-":
        return
    extra = (f"; {len(images)} plot{'s' if len(images) != 1 else ''} in "
             f"[bold]{escape(str(plots_dir))}[/]" if images else "")
    out.print(f"Report written to [bold]{escape(str(output))}[/] "
              f"({len(text.encode('utf-8')):,} bytes, {fmt}){extra}", soft_wrap=True)
