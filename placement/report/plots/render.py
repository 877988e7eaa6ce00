"""How the report's figures look and are written: the style, the colours, and the output
as inline SVG strings (the HTML report) or PNG bytes (the image files beside a Markdown
report).

Figures are built with ``matplotlib.figure.Figure`` directly (no pyplot, no global
backend, no window): the SVG is written by matplotlib's vector backend, the same with
or without a display (Agg is never needed for SVG). Output is deterministic: a fixed
``svg.hashsalt`` per figure, no date in the metadata, text kept as SVG ``<text>``
(``svg.fonttype: none``: small files, searchable labels), element ids prefixed with the
figure's name so that several SVGs can share one HTML page. The SVG carries no
reference to any URL other than its XML namespaces.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from placement.plan import Plan

KIND_COLOURS = {"cloud": "#4c78a8", "edge": "#f58518", "onprem": "#54a24b"}
CATEGORY_COLOURS = {
    "rented": "#4c78a8", "capex": "#f58518", "maintenance": "#e45756", "energy": "#72b7b2",
    "egress": "#54a24b", "transfer": "#eeca3b", "site_fixed": "#b279a2",
    "activation": "#ff9da6", "migration": "#9d755d",
    # v2
    "committed": "#1f77b4", "spot": "#9467bd", "license": "#bab0ac", "updates": "#17becf",
    "deploy": "#bcbd22", "carbon": "#7f7f7f",
}
SERIES_COLOURS = (
    "#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6",
    "#9d755d", "#bab0ac", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
)
PLAN_COLOUR, BASELINE_COLOUR, MARK_COLOUR = "#1f5fa8", "#9a9a9a", "#c0392b"
PNG_DPI = 144  # figures are sized at 72 dpi: PNGs at twice that stay sharp on HiDPI screens

_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "legend.frameon": False,
    "legend.fontsize": 8.0,
    "path.simplify": True,
    # ids and names come from the instance: a '$' in them is text, never mathtext (an
    # unbalanced formula would raise, a balanced one would render as math)
    "text.parse_math": False,
}


@contextmanager
def style(name: str) -> Iterator[None]:
    """The report's matplotlib settings, with the figure's own SVG hash salt."""
    rc: Any = {**_RC, "svg.hashsalt": f"placement-report-{name}"}
    with matplotlib.rc_context(rc):
        yield


def to_svg(fig: Figure, name: str) -> str:
    """The figure as an inline ``<svg>`` element: no prolog, no metadata, ids prefixed."""
    buf = io.StringIO()
    with style(name):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None},
                    bbox_inches="tight", pad_inches=0.08)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{name}-{m.group(1)}"', svg)
    svg = svg.replace('xlink:href="#', f'xlink:href="#{name}-').replace("url(#", f"url(#{name}-")
    svg = svg.replace("<svg ", f'<svg class="plot" role="img" aria-label="{name}" ', 1)
    # trailing spaces of matplotlib's path data: smaller, and no diff noise
    return re.sub(r" +\n", "\n", svg).strip() + "\n"


def to_png(fig: Figure, name: str, dpi: int = PNG_DPI) -> bytes:
    """The figure as PNG bytes (Agg backend; no Software or date metadata: the same figure
    gives the same bytes)."""
    buf = io.BytesIO()
    with style(name):
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None},
                    bbox_inches="tight", pad_inches=0.08, facecolor="white")
    return buf.getvalue()


def short_money(x: float, _pos: object = None) -> str:
    a = abs(x)
    if a >= 1e9:
        return f"{x / 1e9:.3g}B"
    if a >= 1e6:
        return f"{x / 1e6:.3g}M"
    if a >= 1e3:
        return f"{x / 1e3:.3g}k"
    return f"{x:.3g}"


def figure(width: float, height: float, name: str) -> Figure:
    """A figure of width x height inches at 72 dpi, in the report's style."""
    with style(name):
        return Figure(figsize=(width, height), dpi=72)


def period_labels(plan: Plan) -> list[str]:
    """Tick labels of the plan's periods: name, and months on a second line."""
    return [f"{p.name}\nmonths {p.start_month:g}–{p.start_month + p.months:g}"
            for p in plan.periods]
