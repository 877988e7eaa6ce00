"""Pareto fronts: points mutually non-dominated and on the true front (brute force), ends
equal to the single-objective optima, every plan valid, second objectives recomputed."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from placement import evaluate, load_instance, solve
from placement.analysis.pareto import energy_kwh, mean_latency_ms, non_dominated, pareto
from placement.analysis.results import ParetoPoint
from placement.schema.options import SolveOptions

# Three workloads from one user node, each of its own model; each needs one whole unit
# (its demand equals its profile's rps). "near" (edge, 5 ms away) rents at 2.0 an
# hour, "far" (cloud, 50 ms away) at 1.0; serving latency 100 ms. Latency 2 x 5 + 100 =
# 110 near, 2 x 50 + 100 = 200 far; one month, no discounting: a workload costs 1460
# near, 730 far. Demands 1, 2, 3 weight the mean latency.
TRADE: dict[str, Any] = {
    "name": "trade",
    "horizon": {"discount_rate": 0.0, "periods": [{"name": "only", "months": 1}]},
    "network": {"links": [{"a": "users", "b": "near-node", "latency_ms": 5},
                          {"a": "users", "b": "far-node", "latency_ms": 50}]},
    "sites": [{"id": "near", "kind": "edge", "node": "near-node"},
              {"id": "far", "kind": "cloud", "node": "far-node"}],
    "hardware": [{"id": "gpu", "kind": "rented", "memory_gb": 24}],
    "offers": [{"site": "near", "hardware": "gpu", "price_per_hour": 2.0},
               {"site": "far", "hardware": "gpu", "price_per_hour": 1.0}],
    "models": [{"id": f"m{d}", "variants": [{"id": "v", "memory_gb": 8}]} for d in (1, 2, 3)],
    "profiles": [{"model": f"m{d}", "variant": "v", "hardware": "gpu", "rps": d,
                  "latency_ms": 100} for d in (1, 2, 3)],
    "workloads": [
        {"id": f"w{d}", "model": f"m{d}", "origin": "users", "demand_rps": d,
         "latency_slo_ms": 500}
        for d in (1, 2, 3)
    ],
}


def brute_front() -> list[tuple[float, float]]:
    """(NPV, mean latency) of every assignment (each workload near or far)."""
    out = []
    for near in itertools.product((False, True), repeat=3):
        cost = sum(1460.0 if n else 730.0 for n in near)
        lat = sum(d * (110.0 if n else 200.0) for d, n in zip((1, 2, 3), near, strict=True)) / 6
        out.append((cost, lat))
    return out


def flat(pairs: list[tuple[float, float | None]]) -> list[float | None]:
    return [x for pair in pairs for x in pair]


def assert_mutually_non_dominated(points: list[tuple[float, float]]) -> None:
    for (i, a), (j, b) in itertools.permutations(enumerate(points), 2):
        assert not (a[0] <= b[0] + 1e-6 and a[1] <= b[1] + 1e-9), (i, a, j, b)


def test_latency_front_on_a_case_solved_by_hand() -> None:
    a = pareto(TRADE, "latency", points=5, workers=1)
    pts = [(p.npv, p.mean_latency_ms) for p in a.result.points]
    assert a.failures == []
    assert_mutually_non_dominated(pts)  # type: ignore[arg-type]
    every = brute_front()
    for npv, lat in pts:
        assert lat is not None
        assert not any((c < npv - 1e-6 and ll <= lat + 1e-9)
                       or (c <= npv + 1e-6 and ll < lat - 1e-9) for c, ll in every), (npv, lat)
    # the ends are the single-objective optima
    assert pts[0] == pytest.approx((2190.0, 200.0))
    assert pts[-1] == pytest.approx((4380.0, 110.0))
    # eps = 110, 132.5, 155, 177.5, 200: the true front is (2190, 200), (2920, 155),
    # (3650, 125), (4380, 110); every one of them is found
    assert flat(pts) == pytest.approx(flat([(2190.0, 200.0), (2920.0, 155.0), (3650.0, 125.0),
                                           (4380.0, 110.0)]))
    inst = load_instance(TRADE)
    for p in a.result.points:
        assert p.plan is not None and p.status == "optimal"
        ev = evaluate(inst, p.plan)
        assert ev.ok, ev.violations
        assert ev.npv == pytest.approx(p.npv)
        assert mean_latency_ms(inst, p.plan) == pytest.approx(p.mean_latency_ms)


def test_ends_match_the_single_objective_optima_on_the_example() -> None:
    inst = load_instance("example:example")
    a = pareto(inst, "latency", points=3, workers=2)
    assert a.failures == []
    pts = a.result.points
    assert len(pts) >= 2
    assert_mutually_non_dominated([(p.npv, p.mean_latency_ms) for p in pts])  # type: ignore[misc]
    best = solve(inst, SolveOptions(baseline=False))
    assert best.npv is not None
    assert pts[0].npv == pytest.approx(best.npv, rel=1e-4)
    assert pts[-1].mean_latency_ms is not None
    assert pts[-1].mean_latency_ms < pts[0].mean_latency_ms  # type: ignore[operator]
    for p in pts:
        assert p.plan is not None
        ev = evaluate(inst, p.plan)
        assert ev.ok, ev.violations
        assert mean_latency_ms(inst, p.plan) == pytest.approx(p.mean_latency_ms)
        # every point carries the stay-put baseline and its savings
        assert p.plan["baseline"]["npv"] == pytest.approx(847736.12, abs=0.01)


# Two workloads; each runs on an owned box at the edge (capex 500, 400 W, cheap) or on a
# rented cloud unit (1.0 an hour: 730 a month). One month: a box costs 500 - residual.
ENERGY: dict[str, Any] = {
    "name": "energy",
    "horizon": {"discount_rate": 0.0, "periods": [{"name": "only", "months": 1}]},
    "network": {"links": [{"a": "users", "b": "e", "latency_ms": 1},
                          {"a": "users", "b": "c", "latency_ms": 1}]},
    "sites": [{"id": "edge", "kind": "edge", "node": "e", "pue": 1.5, "energy_per_kwh": 0.2},
              {"id": "cloud", "kind": "cloud", "node": "c"}],
    "hardware": [{"id": "box", "kind": "owned", "memory_gb": 24, "capex": 500,
                  "lifetime_months": 10, "power_w": 400},
                 {"id": "gpu", "kind": "rented", "memory_gb": 24}],
    "offers": [{"site": "edge", "hardware": "box"},
               {"site": "cloud", "hardware": "gpu", "price_per_hour": 1.0}],
    "models": [{"id": "m", "variants": [{"id": "v", "memory_gb": 8}]}],
    "profiles": [{"model": "m", "variant": "v", "hardware": "box", "rps": 1},
                 {"model": "m", "variant": "v", "hardware": "gpu", "rps": 1}],
    "workloads": [{"id": f"w{i}", "model": "m", "origin": "users", "demand_rps": 1,
                   "latency_slo_ms": 100} for i in (1, 2)],
}
BOX_KWH = 0.4 * 730 * 1.5  # one box for one month, PUE 1.5


def test_energy_front() -> None:
    a = pareto(ENERGY, "energy", points=3, workers=1)
    pts = [(p.npv, p.energy_kwh) for p in a.result.points]
    box = 500 - 500 * (1 - 1 / 10) + 0.4 * 730 * 1.5 * 0.2  # capex - residual + energy
    assert flat(pts) == pytest.approx(
        flat([(2 * box, 2 * BOX_KWH), (box + 730, BOX_KWH), (1460.0, 0.0)]))
    inst = load_instance(ENERGY)
    for p in a.result.points:
        assert p.plan is not None and evaluate(inst, p.plan).ok
        assert energy_kwh(inst, p.plan) == pytest.approx(p.energy_kwh)
        assert p.mean_latency_ms is None


def test_non_dominated_drops_dominated_and_duplicates() -> None:
    def pt(n: float, f: float) -> ParetoPoint:
        return ParetoPoint(npv=n, mean_latency_ms=f, status="optimal")

    kept = non_dominated([pt(10, 5), pt(10, 5), pt(12, 4), pt(12, 6), pt(9, 7), pt(11, 4)],
                         "latency")
    assert [(p.npv, p.mean_latency_ms) for p in kept] == [(9, 7), (10, 5), (11, 4)]


def test_infeasible_instance_gives_no_points() -> None:
    bad = dict(TRADE, workloads=[dict(TRADE["workloads"][0], latency_slo_ms=50)])
    a = pareto(bad, "latency", points=3, workers=1)
    assert a.result.points == []
    assert any("infeasible" in f for f in a.failures)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        pareto(TRADE, "cost", points=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        pareto(TRADE, "latency", points=1)


def test_cli_pareto(tmp_path: Any) -> None:
    import yaml
    from typer.testing import CliRunner

    from placement.analysis.results import ParetoResult
    from placement.cli.app import app

    inst = tmp_path / "trade.yaml"
    inst.write_text(yaml.safe_dump(TRADE))
    out = tmp_path / "front.json"
    r = CliRunner().invoke(app, ["pareto", str(inst), "--points", "3", "--workers", "1",
                                 "--json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    doc = ParetoResult.model_validate_json(out.read_text())
    assert [p.npv for p in doc.points] == pytest.approx([2190.0, 2920.0, 4380.0])
    text = CliRunner().invoke(app, ["pareto", str(inst), "--points", "2", "--workers", "1"])
    assert text.exit_code == 0 and "Pareto front" in text.output
    assert CliRunner().invoke(app, ["pareto", str(inst), "--versus", "cost"]).exit_code == 2
    bad = CliRunner().invoke(app, ["pareto", str(inst), "--points", "2", "--workers", "1",
                                   "--set", "workloads[w1].latency_slo_ms=10"])
    assert bad.exit_code == 4
