"""Scenarios: the file format (strict, every problem with its path), NPVs that move
exactly as computed by hand on the tiny instance of test_overrides (its placement cannot
change), a failed scenario kept in its row, and the CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from test_overrides import HAND_P1, HAND_P2, HAND_RESIDUAL, TINY

from placement import InstanceError, load_instance
from placement.analysis.results import ScenariosResult
from placement.analysis.scenarios import (
    Point,
    load_scenarios,
    point_error,
    run_scenarios,
)
from placement.cli.app import app
from placement.executor import Outcome

BASE_NPV = sum(HAND_P1.values()) + sum(HAND_P2.values()) - HAND_RESIDUAL


def close(x: float):
    return pytest.approx(x, rel=1e-9, abs=1e-6)


def test_default_scenarios_are_best_typical_worst() -> None:
    s = load_scenarios()
    assert list(s.scenarios) == ["best", "typical", "worst"] and s.reference_name == "typical"
    best, typical, worst = s.scenarios.values()
    assert typical.multipliers == {}
    assert set(best.multipliers) == set(worst.multipliers)
    assert all(best.multipliers[k] < 1 < worst.multipliers[k] for k in best.multipliers)


def test_scenario_npvs_move_exactly_as_by_hand() -> None:
    res = run_scenarios(load_instance(TINY), {
        "scenarios": {
            "typical": {},
            "dear-cloud": {"multipliers": {"rented": 1.3}},
            "cheap-boxes": {"multipliers": {"capex": 0.5}},
            "labour": {"multipliers": {"labour": 2}},
            "price-set": {"overrides": ["offers[cloud/gpu].price_per_hour=0.5"]},
            "both": {"multipliers": {"rented": 2.0},
                     "overrides": ["offers[cloud/gpu].price_per_hour=0.5"]},
            "too-tight": {"overrides": ["workloads[web].latency_slo_ms=1"]},
        }
    }, workers=1)
    npv = {r.name: r.npv for r in res.rows}
    rented = HAND_P1["rented"] + HAND_P2["rented"]          # 35,040 at 1.0/h
    assert npv["typical"] == close(BASE_NPV)
    assert npv["dear-cloud"] == close(BASE_NPV + 0.3 * rented)
    # capex halves (-5,000) and so does the residual credit (+2,500)
    assert npv["cheap-boxes"] == close(BASE_NPV - 0.5 * HAND_P1["capex"] + 0.5 * HAND_RESIDUAL)
    assert npv["labour"] == close(BASE_NPV + HAND_P1["site_fixed"] + HAND_P2["site_fixed"])
    assert npv["price-set"] == close(BASE_NPV - 0.5 * rented)
    assert npv["both"] == npv["price-set"]   # the override comes after the multiplier
    row = {r.name: r for r in res.rows}
    assert row["too-tight"].status == "infeasible" and row["too-tight"].npv is None
    assert "web" in row["too-tight"].message or row["too-tight"].message
    assert all(r.differs_from_reference == [] for r in res.rows)
    assert row["dear-cloud"].multipliers == {"rented": 1.3}
    assert row["price-set"].overrides == ["offers[cloud/gpu].price_per_hour=0.5"]
    # the tiny baseline is infeasible (batch cannot stay in the cloud): no savings figure
    assert row["typical"].savings is None and "baseline infeasible" in row["typical"].message
    ScenariosResult.model_validate(res.model_dump(mode="json"))  # round-trips


def test_differs_from_reference_and_savings_on_the_example() -> None:
    res = run_scenarios(load_instance("example:example"), {
        "reference": "today",
        "scenarios": {"today": {}, "cheap-us-gpus": {
            "overrides": ["offers[aws-us-east-1/g5-xlarge].price_per_hour=0.5"]}},
    }, workers=1)
    today, cheap = res.rows
    assert res.reference == "today"
    assert today.npv == close(443245.255714) and today.savings == close(404490.86744)
    assert today.break_even_month == 15 and today.baseline_npv == close(847736.123153)
    assert cheap.differs_from_reference == ["assistant-us", "images-us"]


def test_scenario_file_errors_have_paths() -> None:
    with pytest.raises(InstanceError) as info:
        load_scenarios({"reference": "nope", "scenarios": {
            "a": {"multipliers": {"rentd": 1.2, "capex": -1, "energy": "x", "demand": True},
                  "overide": []},
            "b": {"overrides": "not-a-list"}}})
    got = {p.path: p.message for p in info.value.problems}
    assert got["scenarios.a.multipliers.rentd"].startswith("unknown multiplier 'rentd'")
    assert "greater than or equal to 0" in got["scenarios.a.multipliers.capex"]
    assert "scenarios.a.multipliers.energy" in got and "scenarios.a.multipliers.demand" in got
    assert got["scenarios.a.overide"].startswith("unknown field 'overide'")
    assert "scenarios.b.overrides" in got
    with pytest.raises(InstanceError, match="reference 'nope' is not a scenario"):
        load_scenarios({"reference": "nope", "scenarios": {"a": {}}})
    # overrides that name nothing are refused before anything is solved
    with pytest.raises(InstanceError) as info:
        run_scenarios(load_instance(TINY), {"scenarios": {"x": {
            "overrides": ["workloads[nope].latency_slo_ms=1", "sites[room].pue=0.5"]}}})
    assert [p.path for p in info.value.problems] == ["scenarios.x", "scenarios.x"]
    assert "no workload 'nope'" in str(info.value) and "sites[1] (room).pue" in str(info.value)


def test_a_failed_point_becomes_an_error_row() -> None:
    assert point_error(Outcome(error="ValueError: boom")) == Point(
        status="error", message="ValueError: boom")
    ok = Point(status="optimal", npv=1.0)
    assert point_error(Outcome(value=ok)) is ok


def test_cli_scenarios(tmp_path: Path) -> None:
    runner = CliRunner()
    out_file = tmp_path / "res.json"
    r = runner.invoke(app, ["scenarios", "example:example", "--workers", "1",
                            "-o", str(out_file)])
    assert r.exit_code == 0, r.output
    assert "best" in r.output and "worst" in r.output and "typical" in r.output
    doc = json.loads(out_file.read_text())
    res = ScenariosResult.model_validate(doc)
    assert [row.name for row in res.rows] == ["best", "typical", "worst"]
    assert res.rows[1].npv == close(443245.255714)
    one = tmp_path / "one.yaml"
    one.write_text("scenarios:\n  flat: {multipliers: {rented: 1}}\n")
    r = runner.invoke(app, ["scenarios", "example:example", "--workers", "1", "--json",
                            "--scenarios", str(one), "--set", "horizon.discount_rate=0"])
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["reference"] == "flat" and doc["rows"][0]["npv"] != res.rows[1].npv
    bad = tmp_path / "bad.yaml"
    bad.write_text("scenarios:\n  a:\n    multipliers: {rentd: 2}\n")
    r = runner.invoke(app, ["scenarios", "example:example", "--scenarios", str(bad)])
    assert r.exit_code == 3 and "scenarios.a.multipliers.rentd" in r.output
    r = runner.invoke(app, ["scenarios", "example:example", "--scenarios", str(tmp_path / "no")])
    assert r.exit_code == 3 and "no such file" in r.output
    r = runner.invoke(app, ["scenarios", "example:example", "--set", "nope=1"])
    assert r.exit_code == 3
    r = runner.invoke(app, ["scenarios", "example:example", "--workers", "0"])
    assert r.exit_code == 2
