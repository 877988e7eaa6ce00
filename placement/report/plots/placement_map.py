"""The placement map: per period, the network with its sites coloured by kind and sized by
units, and the workloads labelled at their sites (moves of the period in red).

With ``network.locations`` the map is geographic: every located node at its longitude and
latitude (an equirectangular projection, the axes in degrees, their ratio corrected for
the mean latitude), a node without a location placed by the spring layout among its
located neighbours, which stay fixed. Without locations the whole network is a spring
layout with a fixed seed."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from placement.plan import PlanPeriod
from placement.report.model import ReportModel
from placement.report.plots.render import KIND_COLOURS, MARK_COLOUR, figure, style
from placement.schema import Instance

LAYOUT_SEED = 7


def geographic(inst: Instance) -> dict[str, tuple[float, float]]:
    """(longitude, latitude) of each node with a location (none without
    ``network.locations``)."""
    located = inst.network.locations or {}
    return {node: (loc.lon, loc.lat) for node, loc in sorted(located.items())}


def _layout(inst: Instance) -> dict[str, tuple[float, float]]:
    """Positions of the network nodes: the located ones at (longitude, latitude), the
    others by networkx's spring layout with a fixed seed, on a graph built in sorted order
    (so the same instance always gives the same picture)."""
    g = nx.Graph()
    nodes = sorted({s.node_id for s in inst.sites} | {w.origin for w in inst.workloads}
                   | {x for lk in inst.network.links for x in (lk.a, lk.b)})
    g.add_nodes_from(nodes)
    g.add_edges_from(sorted(tuple(sorted((lk.a, lk.b))) for lk in inst.network.links))
    fixed = {n: p for n, p in geographic(inst).items() if n in g}
    if len(fixed) == len(nodes):
        return fixed
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if fixed:
        spread = max(max(abs(a - b) for a, b in zip(p, q, strict=True))
                     for p in fixed.values() for q in fixed.values()) or 1.0
        start = {n: fixed.get(n, _centre(fixed)) for n in nodes}
        pos = nx.spring_layout(g, pos=start, fixed=sorted(fixed), seed=LAYOUT_SEED,
                               k=spread / math.sqrt(len(nodes)), iterations=200)
    else:
        pos = nx.spring_layout(g, seed=LAYOUT_SEED, k=1.6 / math.sqrt(len(nodes)),
                               iterations=200)
    return {n: (round(float(p[0]), 6), round(float(p[1]), 6)) for n, p in pos.items()}


def _centre(points: Mapping[str, tuple[float, float]]) -> tuple[float, float]:
    xs, ys = zip(*points.values(), strict=True)
    return sum(xs) / len(xs), sum(ys) / len(ys)


@dataclass(frozen=True)
class _Map:
    """Where everything is drawn: nodes, sites (side by side at their node), the user
    origins that are no site's node, and the drawing's extent."""

    inst: Instance
    pos: dict[str, tuple[float, float]]
    site_pos: dict[str, tuple[float, float]]
    kind: Mapping[str, str]
    origins: list[str]
    xs: list[float]
    ys: list[float]
    span: float

    @staticmethod
    def of(inst: Instance) -> _Map:
        pos = _layout(inst)
        sites_at: dict[str, list[str]] = {}
        for s in inst.sites:
            sites_at.setdefault(s.node_id, []).append(s.id)
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
        site_pos: dict[str, tuple[float, float]] = {}
        for node, ids in sites_at.items():
            x0, y0 = pos[node]
            for j, sid in enumerate(sorted(ids)):
                off = (j - (len(ids) - 1) / 2) * 0.07 * span
                site_pos[sid] = (x0 + off, y0)
        kind = {s.id: s.kind for s in inst.sites}
        origins = sorted({w.origin for w in inst.workloads} - set(sites_at))
        return _Map(inst, pos, site_pos, kind, origins, xs, ys, span)

    def draw_network(self, ax: Axes) -> None:
        """The links, and the user origins as grey squares."""
        pos, span = self.pos, self.span
        for lk in sorted(self.inst.network.links, key=lambda lk: (lk.a, lk.b)):
            (x1, y1), (x2, y2) = pos[lk.a], pos[lk.b]
            ax.plot([x1, x2], [y1, y2], color="#d0d0d0", linewidth=0.9, zorder=1)
        for o in self.origins:
            ax.plot([pos[o][0]], [pos[o][1]], marker="s", markersize=5, color="#888888",
                    zorder=2, linestyle="none")
            ax.text(pos[o][0], pos[o][1] - 0.035 * span, o, fontsize=6.5, color="#666666",
                    ha="center", va="top", zorder=3)

    def draw_sites(self, ax: Axes, period: PlanPeriod) -> None:
        """Each site sized by its units in the period, and its workloads below it."""
        span, kind = self.span, self.kind
        units: dict[str, int] = {}
        for u in period.units:
            units[u.site] = units.get(u.site, 0) + u.units
        here: dict[str, list[str]] = {}
        for a in period.assignments:
            here.setdefault(a.site, [])
            if a.workload not in here[a.site]:
                here[a.site].append(a.workload)
        for sid in sorted(self.site_pos):
            x, y = self.site_pos[sid]
            nu = units.get(sid, 0)
            size = 40 + 55 * math.sqrt(nu)
            filled = nu > 0 or sid in here
            ax.scatter([x], [y], s=size, color=KIND_COLOURS[kind[sid]] if filled else "white",
                       edgecolors=KIND_COLOURS[kind[sid]], linewidths=1.4, zorder=4)
            ax.text(x, y + 0.04 * span, f"{sid} ({nu})" if nu else sid, fontsize=7,
                    fontweight="bold" if filled else "normal",
                    color="#222222" if filled else "#999999", ha="center", va="bottom",
                    zorder=5)
            ws = sorted(here.get(sid, []))
            for j, w in enumerate(ws):
                moved = w in period.moves
                ax.text(x, y - (0.045 + 0.045 * j) * span, ("→ " if moved else "") + w,
                        fontsize=6.5, color=MARK_COLOUR if moved else "#1b3a5c",
                        fontweight="bold" if moved else "normal", ha="center", va="top",
                        zorder=5)

    def frame(self, ax: Axes, period: PlanPeriod) -> None:
        """The period's title, the drawing's extent, no axes."""
        xs, ys, span = self.xs, self.ys, self.span
        ax.set_title(f"{period.name} (months {period.start_month:g}–"
                     f"{period.start_month + period.months:g})"
                     + (f": {len(period.moves)} move{'s' if len(period.moves) != 1 else ''}"
                        if period.moves else ": no moves"))
        ax.set_xlim(min(xs) - 0.18 * span, max(xs) + 0.18 * span)
        ax.set_ylim(min(ys) - 0.22 * span, max(ys) + 0.12 * span)
        if not geographic(self.inst):
            ax.set_axis_off()
            return
        ax.set_xlabel("longitude, °", fontsize=7)
        ax.set_ylabel("latitude, °", fontsize=7)
        ax.tick_params(labelsize=6.5)
        mean_lat = sum(ys) / len(ys)
        ax.set_aspect(1.0 / max(0.2, math.cos(math.radians(mean_lat))), adjustable="box")


def _legend_handles() -> list[Artist]:
    handles: list[Artist] = [
        Line2D([], [], marker="o", linestyle="none", color=c, markersize=8, label=k)
        for k, c in KIND_COLOURS.items()
    ]
    return [
        *handles,
        Line2D([], [], marker="s", linestyle="none", color="#888888", markersize=5,
               label="users (origin)"),
        Line2D([], [], marker="o", linestyle="none", markerfacecolor="white",
               markeredgecolor="#888888", markersize=8, label="site unused"),
        Patch(color=MARK_COLOUR, label="→ moves in this period"),
    ]


def placement_map_figure(model: ReportModel) -> Figure | None:
    """Per period: the network, sites coloured by kind and sized by units, the workloads
    labelled at their sites (moves of the period in red)."""
    inst, plan = model.instance, model.plan
    if inst is None or not plan.periods:
        return None
    name = "placement-map"
    where = _Map.of(inst)
    n = len(plan.periods)
    cols = 1 if n == 1 else 2
    rows = math.ceil(n / cols)
    with style(name):
        fig = figure(6.2 * cols, 5.0 * rows, name)
        for i, period in enumerate(plan.periods):
            ax: Axes = fig.add_subplot(rows, cols, i + 1)
            where.draw_network(ax)
            where.draw_sites(ax, period)
            where.frame(ax, period)
        fig.legend(handles=_legend_handles(), loc="lower center", ncol=6, fontsize=8,
                   bbox_to_anchor=(0.5, 0.0))
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        return fig
