"""``placement report``: a plan (and analysis results) as one self-contained HTML page, or
Markdown with its plots as PNG files beside it, for stakeholders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from placement.cli import render
from placement.cli.app import Exit, app, err, out
from placement.errors import InstanceError, Problem
from placement.io import read_text

if TYPE_CHECKING:
    from pydantic import ValidationError

    from placement.plan import Plan
    from placement.report import Format
    from placement.report.model import AnalysisModel
    from placement.schema import Instance


def _read_json(path: Path, what: str) -> object:
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


def _validation_problems(exc: ValidationError, where: str) -> list[Problem]:
    from placement.validate import schema_problems

    return [Problem(f"{where}: {p.path}" if p.path else where, p.message)
            for p in schema_problems(exc)]


def _is_special(path: Path) -> bool:
    """Standard output, a device or a pipe: a stream, with no place beside it for images."""
    import stat

    from placement.cli.output import to_stdout

    if to_stdout(path):
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
    from placement.cli.output import refuse_inputs, to_stdout
    from placement.report.files import plots_dir_for

    analysis_files = _analysis_files(analysis, more_analyses)
    refuse_inputs(output, [plan_file, instance, *analysis_files])
    form = _format(fmt, output)
    with_images = form == "md" and not _is_special(output)
    plots_dir = plots_dir_for(output)
    if with_images:
        _check_plots_dir(plots_dir, [plan_file, *analysis_files,
                                     *([Path(instance)] if instance else [])])
    plan = _read_plan(plan_file)
    inst, bundled = _read_instance(instance)
    results = _read_analyses(analysis_files)
    text, images = _build(plan_file, plan, inst, results, form, bundled,
                          plots_dir.name if with_images else None)
    _write(output, text, images if with_images else None)
    if to_stdout(output):
        return
    extra = (f"; {len(images)} plot{'s' if len(images) != 1 else ''} in "
             f"[bold]{escape(str(plots_dir))}[/]" if images else "")
    out.print(f"Report written to [bold]{escape(str(output))}[/] "
              f"({len(text.encode('utf-8')):,} bytes, {form}){extra}", soft_wrap=True)


def _format(fmt: str | None, output: Path) -> Format:
    """``--format``, by default from the output's suffix (``.md``, ``.markdown``: md, else
    html); exit 2 unless html or md."""
    if fmt is None:
        return "md" if output.suffix.lower() in (".md", ".markdown") else "html"
    if fmt == "html":
        return "html"
    if fmt == "md":
        return "md"
    render.problems(err, "Invalid options", [Problem("--format",
                                                     f"expected html or md, got '{fmt}'")])
    raise typer.Exit(Exit.USAGE)


def _check_plots_dir(plots_dir: Path, inputs: list[Path]) -> None:
    """The plots directory of a Markdown report holds no input and can be written; else
    exit 1."""
    from placement.report.files import ReportWriteError, check_plots_dir

    _refuse_inputs_in(plots_dir, inputs)
    try:
        check_plots_dir(plots_dir)
    except ReportWriteError as exc:
        render.problems(err, "Cannot write the report", exc.problems)
        raise typer.Exit(Exit.ERROR) from None


def _read_plan(plan_file: Path) -> Plan:
    """The plan file's plan; exit 3 if it is not a plan (an analysis result named first
    included)."""
    from pydantic import ValidationError

    from placement.plan import Plan

    data = _read_json(plan_file, "plan file")
    if isinstance(data, dict) and "kind" in data:
        render.problems(err, "Invalid plan file", [Problem(
            str(plan_file), f"is a '{data['kind']}' result, not a plan; the plan (from "
            "`placement solve -o`) comes first: placement report PLAN.json --analysis "
            "RESULTS.json ...")])
        raise typer.Exit(Exit.INVALID)
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        render.problems(err, f"Invalid plan file {plan_file}",
                        _validation_problems(exc, str(plan_file)))
        raise typer.Exit(Exit.INVALID) from None


def _read_instance(source: str | None) -> tuple[Instance | None, bool]:
    """The ``--instance`` (None when not given) and whether it is a bundled example; exit 3
    if it is invalid."""
    from placement.api import load_instance
    from placement.io import bundled_examples, resolve_source

    if source is None:
        return None, False
    try:
        inst = load_instance(source)
        bundled = resolve_source(source).resolve() in {
            p.resolve() for p in bundled_examples().values()}
    except InstanceError as exc:
        render.problems(err, f"Invalid instance {source}", exc.problems)
        raise typer.Exit(Exit.INVALID) from None
    return inst, bundled


def _read_analyses(paths: list[Path]) -> list[AnalysisModel]:
    """The analysis results, in the report's section order; exit 3 at the first bad one."""
    from placement.report import KINDS, ReportInputError, parse_analysis

    results = []
    for path in paths:
        raw = _read_json(path, "analysis results file")
        try:
            results.append(parse_analysis(raw, str(path)))
        except ReportInputError as exc:
            render.problems(err, "Invalid analysis results file", exc.problems)
            raise typer.Exit(Exit.INVALID) from None
    order = list(KINDS)
    results.sort(key=lambda r: order.index(r.kind))  # stable: the report's section order
    return results


def _build(plan_file: Path, plan: Plan, inst: Instance | None, results: list[AnalysisModel],
           form: Format, bundled: bool, images_dir: str | None) -> tuple[str, dict[str, bytes]]:
    """The report's text and, for Markdown with its plots in ``images_dir`` (None: no
    images), the PNG files by name; exit 3 if the inputs do not belong together."""
    from placement.report import ReportInputError, build_markdown, build_report

    try:
        if images_dir is not None:
            return build_markdown(plan, inst, results, images_dir=images_dir, bundled=bundled)
        return build_report(plan, inst, results, fmt=form, bundled=bundled), {}
    except ReportInputError as exc:
        render.problems(err, f"Plan {plan_file} does not match the other inputs", exc.problems)
        raise typer.Exit(Exit.INVALID) from None


def _write(output: Path, text: str, images: dict[str, bytes] | None) -> None:
    """The report to ``output`` and, when there are ``images`` (Markdown), the plots beside
    it, all or nothing; exit 1 if they cannot be written."""
    from placement.cli.output import write_or_exit
    from placement.report.files import ReportWriteError, write_with_images

    if images is None:
        write_or_exit(output, text, "report")
        return
    try:
        write_with_images(output, text, images)
    except ReportWriteError as exc:
        render.problems(err, "Cannot write the report", exc.problems)
        raise typer.Exit(Exit.ERROR) from None
    except OSError as exc:
        render.problems(err, "Cannot write the report",
                        [Problem(str(exc.filename or output), exc.strerror or str(exc))])
        raise typer.Exit(Exit.ERROR) from None
