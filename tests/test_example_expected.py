"""The bundled copy of the spec's example instance, against figures from an
independent implementation of the spec (PROBLEM.md): optimal NPV 443245.26,
baseline NPV 847736.12, savings 404490.87 (each within 0.01)."""

from __future__ import annotations

from importlib import resources

import pytest

from placement import SolveOptions, evaluate, load_instance, solve


@pytest.fixture(scope="module")
def solved():
    path = resources.files("placement.instances").joinpath("example.yaml")
    with resources.as_file(path) as p:
        inst = load_instance(str(p))
    plan = solve(inst, SolveOptions(gap=1e-9))
    return inst, plan, plan.to_dict()


def test_example_optimal_npv(solved):
    _, plan, pd = solved
    assert plan.status == "optimal"
    assert pd["status"] == "optimal"
    assert pd["npv"] == pytest.approx(443245.26, abs=0.01)


def test_example_baseline_and_savings(solved):
    _, _, pd = solved
    b = pd["baseline"]
    assert b["status"] == "optimal"
    assert b["npv"] == pytest.approx(847736.12, abs=0.01)
    assert b["savings"] == pytest.approx(404490.87, abs=0.01)
    assert b["savings"] == pytest.approx(b["npv"] - pd["npv"], abs=1e-5)


def test_example_plan_is_valid_and_complete(solved):
    inst, _, pd = solved
    ev = evaluate(inst, pd)
    assert list(ev.violations) == []
    assert ev.npv == pytest.approx(443245.26, abs=0.01)
    # 3 + 9 + 24 months
    assert [p["start_month"] for p in pd["periods"]] == [0, 3, 12]
    assert len(pd["cumulative_cost"]["plan"]) == 36
    assert len(pd["cumulative_cost"]["baseline"]) == 36
    for p in pd["periods"]:
        assert set(p["link_load_mbps"]) == {
            "berlin-edge|users-berlin",
            "eu-central|users-berlin",
            "us-east|users-nyc",
            "nyc-dc|users-nyc",
            "eu-central|us-east",
        }
    # Pilot period: at most 1 move and only low-criticality workloads
    # (assistant-us is high).
    assert len(pd["periods"][0]["moves"]) <= 1
    assert "assistant-us" not in pd["periods"][0]["moves"]
