"""The decision report: a plan (with its instance and analysis results, when given) as one
self-contained HTML page, or Markdown with its plots as PNG files beside it.

    >>> from placement.report import build_report
    >>> html = build_report(plan, instance, analyses, fmt="html")   # doctest: +SKIP
    >>> md, pngs = build_markdown(plan, instance, analyses, "report-plots")  # doctest: +SKIP

``build_report`` and ``build_markdown`` never print or write files;
``placement.report.files.write_with_images`` writes a Markdown report and its images all
or nothing (the CLI writes an HTML report atomically with ``placement.output``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from placement.plan import Plan
from placement.report.analyses import KINDS, parse_analysis
from placement.report.model import AnalysisModel, ReportInputError, ReportModel, build_model
from placement.schema import Instance

Format = Literal["html", "md"]


def build_report(plan: Plan, instance: Instance | None = None,
                 analyses: Sequence[AnalysisModel] = (), fmt: Format = "html",
                 bundled: bool = False) -> str:
    """The report as text (Markdown names its plots instead of linking images). Raises
    ReportInputError if the inputs do not belong together."""
    from placement.report import plots as plots_mod

    model = build_model(plan, instance, analyses, bundled=bundled)
    if fmt == "md":
        from placement.report.markdown import render_markdown

        return render_markdown(model)
    from placement.report.html import render_html

    return render_html(model, plots_mod.all_plots(model))


def build_markdown(plan: Plan, instance: Instance | None = None,
                   analyses: Sequence[AnalysisModel] = (), images_dir: str = "report-plots",
                   bundled: bool = False) -> tuple[str, dict[str, bytes]]:
    """The Markdown report linking its plots as ``images_dir/<figure id>.png`` (a relative
    link), and the PNG files by name. Raises ReportInputError as ``build_report``."""
    from placement.report import plots as plots_mod
    from placement.report.markdown import render_markdown

    model = build_model(plan, instance, analyses, bundled=bundled)
    pngs = {f"{k}.png": v for k, v in plots_mod.all_pngs(model).items()}
    links = {name[:-4]: f"{images_dir}/{name}" for name in pngs}
    return render_markdown(model, links), pngs


__all__ = ["KINDS", "Format", "ReportInputError", "ReportModel", "build_markdown",
           "build_model", "build_report", "parse_analysis"]
