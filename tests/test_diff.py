"""Plan diff on hand-made plan pairs (plan JSON dicts written by hand, no solver)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from placement import PlanFormatError
from placement.analysis.diff import diff_plans
from placement.cli.app import app

ZERO = {"rented": 0.0, "capex": 0.0, "maintenance": 0.0, "energy": 0.0, "egress": 0.0,
        "transfer": 0.0, "site_fixed": 0.0, "activation": 0.0, "migration": 0.0}


def a(workload: str, site: str, hardware: str, variant: str) -> dict:
    return {"workload": workload, "site": site, "hardware": hardware, "variant": variant,
            "carried_rps": 1.0, "latency_ms": 10.0}


def u(site: str, hardware: str, units: int, bought: int = 0) -> dict:
    return {"site": site, "hardware": hardware, "units": units, "bought": bought}


def period(name: str, start: int, assignments: list, units: list, moves=(), **costs) -> dict:
    return {"name": name, "start_month": start, "months": 6, "assignments": assignments,
            "units": units, "moves": list(moves), "costs": {**ZERO, **costs},
            "link_load_mbps": {}}


def plan(periods: list, npv: float | None, savings: float | None = None, be=None,
         status: str = "optimal", residual: float = 0.0) -> dict:
    doc = {"instance": "hand", "status": status, "objective": npv, "bound": npv, "gap": 0.0,
           "solver": "HiGHS", "solve_seconds": 0.1, "periods": periods,
           "residual_value": residual if periods else None, "npv": npv}
    if savings is not None:
        doc["baseline"] = {"status": "optimal", "npv": npv + savings, "savings": savings,
                           "break_even_month": be}
    return doc


# Plan A: chat on cloud g5/fp16 in both periods; Plan B: chat moves to the edge box (int4)
# in p2, buying 2 boxes; images (2 replicas) switches hardware at one of its sites in p2.
A = plan([
    period("p1", 0, [a("chat", "cloud", "g5", "fp16"), a("img", "cloud", "g5", "fp16"),
                     a("img", "dc", "l40s", "fp16")],
           [u("cloud", "g5", 3), u("dc", "l40s", 1)], rented=1000.0, site_fixed=50.0),
    period("p2", 6, [a("chat", "cloud", "g5", "fp16"), a("img", "cloud", "g5", "fp16"),
                     a("img", "dc", "l40s", "fp16")],
           [u("cloud", "g5", 3), u("dc", "l40s", 1)], rented=1000.0, site_fixed=50.0),
], npv=2100.0, savings=100.0, be=4)
B = plan([
    period("p1", 0, [a("chat", "cloud", "g5", "fp16"), a("img", "cloud", "g5", "fp16"),
                     a("img", "dc", "l40s", "fp16")],
           [u("cloud", "g5", 3), u("dc", "l40s", 1)], rented=1000.0, site_fixed=50.0),
    period("p2", 6, [a("chat", "edge", "box", "int4"), a("img", "cloud", "g6e", "fp16"),
                     a("img", "dc", "l40s", "fp16")],
           [u("cloud", "g6e", 1), u("dc", "l40s", 1), u("edge", "box", 2, bought=2)],
           moves=["chat"], rented=400.0, capex=3000.0, site_fixed=80.0, migration=500.0),
], npv=4900.0, savings=-2700.0, be=None, residual=1500.0)


def test_identical_plans() -> None:
    d = diff_plans(A, A)
    assert d.identical and d.changed_workloads == []
    assert all(not p.placements and not p.units for p in d.periods)
    assert d.npv is not None and d.npv.change == 0


def test_moves_units_and_costs_per_period() -> None:
    d = diff_plans(A, B, labels=("a.json", "b.json"))
    assert not d.identical and [p.name for p in d.periods] == ["p1", "p2"]
    p1, p2 = d.periods
    assert not p1.changed
    by_w = {c.workload: c for c in p2.placements}
    assert set(by_w) == {"chat", "img"}
    assert by_w["chat"].before == ["cloud/g5/fp16"] and by_w["chat"].after == ["edge/box/int4"]
    assert by_w["chat"].changed == ["site", "hardware", "variant"]
    # two replicas: only the cloud replica changed its hardware
    assert by_w["img"].before == ["cloud/g5/fp16", "dc/l40s/fp16"]
    assert by_w["img"].after == ["cloud/g6e/fp16", "dc/l40s/fp16"]
    assert by_w["img"].changed == ["hardware"]
    units = {(x.site, x.hardware): (x.before, x.after, x.change, x.bought_after) for x in p2.units}
    assert units == {("cloud", "g5"): (3, 0, -3, 0), ("cloud", "g6e"): (0, 1, 1, 0),
                     ("edge", "box"): (0, 2, 2, 2)}          # dc/l40s unchanged: not listed
    assert p2.costs["rented"].change == -600.0
    assert p2.costs["capex"].change == 3000.0 and p2.costs["site_fixed"].change == 30.0
    assert p2.costs["migration"].change == 500.0 and p2.costs["energy"].change == 0.0
    assert p2.moves_before == [] and p2.moves_after == ["chat"]
    assert d.totals["rented"].before == 2000.0 and d.totals["rented"].after == 1400.0
    assert d.totals["capex"].change == 3000.0
    assert d.npv is not None and d.npv.change == 2800.0
    assert d.residual_value is not None and d.residual_value.change == 1500.0
    assert d.savings is not None and d.savings.change == -2800.0
    assert d.break_even_month == (4, None)
    assert d.changed_workloads == ["chat", "img"]


def test_reverse_diff_negates_changes() -> None:
    fwd, back = diff_plans(A, B), diff_plans(B, A)
    assert back.npv is not None and fwd.npv is not None and back.npv.change == -fwd.npv.change
    for k, c in fwd.totals.items():
        assert back.totals[k].change == -c.change
    assert [(c.before, c.after) for c in back.periods[1].placements] == [
        (c.after, c.before) for c in fwd.periods[1].placements]


def test_new_workload_and_periods_only_in_one_plan() -> None:
    extra = json.loads(json.dumps(A))
    extra["periods"][0]["assignments"].append(a("new", "cloud", "g5", "int4"))
    extra["periods"].append(period("p3", 12, [], []))
    d = diff_plans(A, extra)
    assert [(c.workload, c.before, c.after) for c in d.periods[0].placements] == [
        ("new", [], ["cloud/g5/int4"])]
    assert d.periods_only_in_b == ["p3"] and d.periods_only_in_a == []
    assert not d.identical


def test_infeasible_plan_against_a_solved_one() -> None:
    bad = plan([], npv=None, status="infeasible")
    d = diff_plans(A, bad)
    assert d.status_b == "infeasible" and d.npv is None and d.savings is None
    assert [p.name for p in d.periods] == ["p1", "p2"]
    assert all(c.after == [] for c in d.periods[0].placements)
    assert not d.identical


def test_not_a_plan_is_a_plan_format_error() -> None:
    with pytest.raises(PlanFormatError) as info:
        diff_plans(A, {"instance": "x", "periods": [{"name": "p1"}]})
    assert any(p.path.startswith("periods[0]") for p in info.value.problems)


def test_cli_diff(tmp_path: Path) -> None:
    fa, fb = tmp_path / "a.json", tmp_path / "b.json"
    fa.write_text(json.dumps(A))
    fb.write_text(json.dumps(B))
    runner = CliRunner()
    r = runner.invoke(app, ["diff", str(fa), str(fb)])
    assert r.exit_code == 0, r.output
    assert "chat: cloud/g5/fp16 → edge/box/int4" in r.output
    assert "units edge/box: 0 → 2 (+2)" in r.output and "NPV: 2,100.00 → 4,900.00" in r.output
    r = runner.invoke(app, ["diff", str(fa), str(fb), "--json"])
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["npv"]["change"] == 2800.0 and doc["changed_workloads"] == ["chat", "img"]
    assert doc["identical"] is False and doc["periods"][1]["units"][2]["after"] == 2
    same = runner.invoke(app, ["diff", str(fa), str(fa)])
    assert same.exit_code == 0 and "identical" in same.output
    (tmp_path / "bad.json").write_text('{"instance": 1}')
    r = runner.invoke(app, ["diff", str(fa), str(tmp_path / "bad.json")])
    assert r.exit_code == 3 and "Invalid plan file" in r.output
    r = runner.invoke(app, ["diff", str(tmp_path / "missing.json"), str(fa)])
    assert r.exit_code == 3 and "no such file" in r.output
