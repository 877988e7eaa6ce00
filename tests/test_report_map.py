"""The placement map on coordinates: with ``network.locations`` every located node is drawn
at its (longitude, latitude); a node without one is placed among its located neighbours,
which do not move; without locations, the spring layout as before."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from placement import load_instance, solve
from placement.report.model import build_model
from placement.report.plots.placement_map import _layout, placement_map_figure


def _located(all_nodes: bool) -> tuple[Any, dict[str, tuple[float, float]]]:
    doc = load_instance("example:hybrid-genai").model_dump()
    nodes = sorted({n for link in doc["network"]["links"] for n in (link["a"], link["b"])})
    where = {n: (10.0 + i, 20.0 - 2 * i) for i, n in enumerate(nodes)}  # (lat, lon)
    if not all_nodes:
        where = dict(list(where.items())[:-1])
    doc["network"]["locations"] = {n: {"lat": a, "lon": b} for n, (a, b) in where.items()}
    return load_instance(doc), {n: (b, a) for n, (a, b) in where.items()}


def test_every_located_node_is_at_its_longitude_and_latitude() -> None:
    inst, expected = _located(all_nodes=True)
    assert _layout(inst) == expected


def test_an_unlocated_node_is_placed_and_the_located_ones_stay() -> None:
    inst, expected = _located(all_nodes=False)
    pos = _layout(inst)
    for node, xy in expected.items():
        assert pos[node] == pytest.approx(xy)
    (missing,) = set(pos) - set(expected)
    lons, lats = zip(*expected.values(), strict=True)
    assert min(lons) - 30 <= pos[missing][0] <= max(lons) + 30
    assert min(lats) - 30 <= pos[missing][1] <= max(lats) + 30


def test_the_geographic_map_has_degree_axes_and_the_other_none(
    caplog: pytest.LogCaptureFixture,
) -> None:
    for inst, geo in ((_located(True)[0], True), (load_instance("example:hybrid-genai"), False)):
        plan = solve(inst)
        with caplog.at_level(logging.WARNING):
            fig = placement_map_figure(build_model(plan, inst))
        assert not caplog.records  # matplotlib said nothing (library code never prints)
        assert fig is not None
        ax = fig.axes[0]
        assert ax.axison == geo
        assert (ax.get_xlabel() == "longitude, °") == geo
