"""Committed use, spot pools, licences and a carbon price in one instance (PROBLEM-v2
sections 2, 3, 5 and 7): units in service are on demand + committed serving + spot, and
licences and emissions count every pool; the plan passes ``placement check``; the
analyses' ``committed`` multiplier scales every commitment payment, past the horizon too.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from placement import SolveOptions, evaluate, load_instance, solve
from placement.analysis.multipliers import scale_instance
from placement.analysis.risk.montecarlo import cost_profile, schedule_of
from placement.cli.app import app
from placement.data import prepare
from placement.plan import parse_plan

OPTS = SolveOptions(gap=1e-9)

#: Two periods of 6 months (T = 12), r = 0. One site ``c`` (500 gCO2e/kWh, pue 1) with
#: rented ``g`` (1 kW, licence 10 a unit-month; 1 unit carries 1 rps, max_utilization 1):
#: on demand 1.0/h, a 24-month commitment at 0.4/h, spot at 0.3/h with interruption
#: overhead 0.5 (a spot unit carries 0.5 rps). Carbon 100 a tonne; p0 capped at 9 t.
#: ``w`` (not interruptible, at c today) needs 2 then 3 units; ``s`` (interruptible)
#: 1 rps, i.e. 2 spot units.
INSTANCE: dict[str, Any] = {
    "name": "commit-spot-carbon",
    "horizon": {
        "discount_rate": 0.0,
        "periods": [{"name": "p0", "months": 6, "carbon_cap_t": 9}, {"name": "p1", "months": 6}],
    },
    "network": {"links": [{"a": "u", "b": "c", "latency_ms": 5}]},
    "sites": [{"id": "c", "kind": "cloud", "carbon_g_per_kwh": 500}],
    "hardware": [{"id": "g", "kind": "rented", "memory_gb": 24, "power_w": 1000,
                  "license_per_month": 10}],
    "offers": [{
        "site": "c", "hardware": "g", "price_per_hour": 1.0,
        "commitments": [{"id": "2y", "term_months": 24, "price_per_hour": 0.4}],
        "spot": {"price_per_hour": 0.3, "interruption_overhead": 0.5},
    }],
    "models": [{"id": "m", "variants": [{"id": "v", "memory_gb": 10}]}],
    "profiles": [{"model": "m", "variant": "v", "hardware": "g", "rps": 1}],
    "policy": {"carbon_price_per_t": 100},
    "workloads": [
        {"id": "w", "model": "m", "origin": "u", "latency_slo_ms": 100, "demand_rps": [2, 3],
         "current": {"site": "c", "hardware": "g", "variant": "v"}},
        {"id": "s", "model": "m", "origin": "u", "latency_slo_ms": 100, "demand_rps": 1,
         "interruptible": True},
    ],
}


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    result = solve(load_instance(INSTANCE), OPTS)
    assert result.status == "optimal", result.message
    return result.to_dict()


def test_hand_computed_plan(plan: dict[str, Any]) -> None:
    """A unit in service for a month emits 1 kW x 730 h x 500 g / 10^6 = 0.365 t (36.5 of
    carbon) and pays a licence of 10, in every pool.

    Per unit: on demand 730 + 10 + 36.5 = 776.5 a month (9,318 over the horizon, 4,659
    over a period); committed in p0 (serves p0 and p1: 6 + 6 <= 24) 292 a month for 24
    months, 12 of them past the horizon (7,008), + 46.5 a month in service (558): 7,566;
    made in p1 it pays the same 7,008 and serves p1 only. Spot: a unit carries 0.5 rps,
    so ``s`` needs 2: 2 x (219 + 10 + 36.5) = 531 a month (3,186 a period).
    ``w``'s 2 units of p0: committed (2 x 7,566 < 2 x 9,318). Its third unit of p1:
    committed in p0 it also carries ``s`` in p0 (the on-demand pool, 1 rps on 1 unit):
    7,566 against 4,659 (on demand in p1) + 3,186 (s on spot in p0) = 7,845, so 3 units
    are committed in p0. In p1 they carry ``w``; ``s`` moves to the spot pool (same
    site: no move), 3,186 against a fourth unit (4,659 on demand, 7,287 committed).

    p0: committed 3 x 292 x 6 = 5,256; rented 0; spot 0; licence 3 x 10 x 6 = 180;
    emissions 3 x 0.365 x 6 = 6.57 t (cap 9 holds), carbon 657: 6,093.
    p1: committed 5,256; rented 0; spot 2 x 219 x 6 = 2,628; licence (3 + 2) x 60 = 300;
    emissions 5 x 2.19 = 10.95 t, carbon 1,095: 9,279.
    committed_after_horizon 3 x 292 x 12 = 10,512.
    NPV = 6,093 + 9,279 + 10,512 = 25,884 (r = 0: annualized = NPV x 12 / 12).
    The baseline (w stays at c: solved on its own, without the cap) commits likewise.
    """
    p0, p1 = plan["periods"]
    assert [(c["commitment"], c["units"]) for c in p0["commitments"]] == [("2y", 3)]
    assert p1["commitments"] == []
    rows = [[(u["market"], u["units"]) for u in p["units"]] for p in (p0, p1)]
    assert rows == [[("on_demand", 3)], [("on_demand", 3), ("spot", 2)]]
    markets = [{a["workload"]: a["market"] for a in p["assignments"]} for p in (p0, p1)]
    assert markets == [{"w": "on_demand", "s": "on_demand"}, {"w": "on_demand", "s": "spot"}]
    assert p1["moves"] == []
    want = [
        {"committed": 5256, "rented": 0, "spot": 0, "license": 180, "carbon": 657},
        {"committed": 5256, "rented": 0, "spot": 2628, "license": 300, "carbon": 1095},
    ]
    for period, costs in zip((p0, p1), want, strict=True):
        for cat, value in costs.items():
            assert period["costs"][cat] == pytest.approx(value), cat
    assert [p0["emissions_t"], p1["emissions_t"]] == pytest.approx([6.57, 10.95])
    assert plan["emissions_t"] == pytest.approx(17.52)
    assert plan["committed_after_horizon"] == pytest.approx(10512)
    assert plan["npv"] == pytest.approx(25884)
    assert plan["annualized_npv"] == pytest.approx(25884)
    base = plan["baseline"]
    assert base["npv"] == pytest.approx(25884) and base["savings"] == pytest.approx(0)
    assert base["committed_after_horizon"] == pytest.approx(10512)
    assert base["over_carbon_cap"] == [] and base["emissions_t"] == pytest.approx(17.52)


def test_placement_check_accepts_it(plan: dict[str, Any], tmp_path: Path) -> None:
    inst, out = tmp_path / "instance.json", tmp_path / "plan.json"
    inst.write_text(json.dumps(INSTANCE), encoding="utf-8")
    out.write_text(json.dumps(plan), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(inst), str(out)])
    assert result.exit_code == 0, result.output
    assert "every constraint holds" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("periods", 1, "units", 1, "units"), 1, "spot units"),  # s's 1 rps on 1 spot unit
        (("periods", 1, "emissions_t"), 8.76, "emissions_t"),  # spot units left out
        (("periods", 1, "costs", "license"), 180, "costs.license"),  # spot units left out
        (("committed_after_horizon",), 0, "committed_after_horizon"),
    ],
)
def test_evaluator_catches_a_corrupted_figure(
    plan: dict[str, Any], path: tuple[Any, ...], value: Any, message: str
) -> None:
    bad = copy.deepcopy(plan)
    node = bad
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert any(message in v for v in evaluate(INSTANCE, bad).violations)


def test_the_committed_multiplier_scales_payments_past_the_horizon(plan: dict[str, Any]) -> None:
    """``committed`` x 2 doubles the ``committed`` NPV category of the fixed plan, the
    payments past the horizon included (2 x (5,256 + 5,256 + 10,512) = 42,048), and
    nothing else; solved again, committing stops paying: 0.8/h x 24 months (14,016 a
    unit) against 9,318 on demand."""
    inst = load_instance(INSTANCE)
    fixed = schedule_of(parse_plan(plan).periods)
    data = prepare(inst)
    before = cost_profile(data.lk, data.routes, fixed).discounted
    scaled = scale_instance(inst, {"committed": 2.0})
    data2 = prepare(scaled)
    after = cost_profile(data2.lk, data2.routes, fixed).discounted
    assert before["committed"] == pytest.approx(21024)
    assert after["committed"] == pytest.approx(42048)
    assert {k: v for k, v in after.items() if k != "committed"} == pytest.approx(
        {k: v for k, v in before.items() if k != "committed"})
    again = solve(scaled, OPTS).to_dict()
    assert all(p["commitments"] == [] for p in again["periods"])
    assert again["committed_after_horizon"] == 0


def test_the_brute_force_agrees() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from brute_force import brute_force

    best = brute_force(INSTANCE)
    assert best is not None and best.npv == pytest.approx(25884)
    assert best.committed_after_horizon == pytest.approx(10512)
