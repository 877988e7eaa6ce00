"""The decision report: a plan (with its instance and analysis results, when given) as one
self-contained HTML page, or Markdown.

    >>> from placement.report import build_report
    >>> html = build_report(plan, instance, analyses, fmt="html")   # doctest: +SKIP

Library code: never prints, never writes files (the CLI writes them atomically).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from placement.plan import Plan
from placement.report.model import AnalysisModel, ReportInputError, ReportModel, build_model
from placement.schema import Instance

Format = Literal["html", "md"]


def build_report(plan: Plan, instance: Instance | None = None,
                 analyses: Sequence[AnalysisModel] = (), fmt: Format = "html",
                 bundled: bool = False) -> str:
    """The report as text. Raises ReportInputError if the inputs do not belong together."""
    from placement.report import plots as plots_mod

    model = build_model(plan, instance, analyses, bundled=bundled)
    if fmt == "md":
        from placement.report.markdown import render_markdown

        return render_markdown(model)
    from placement.report.html import render_html

    return render_html(model, plots_mod.all_plots(model))


__all__ = ["Format", "ReportInputError", "ReportModel", "build_model", "build_report"]
