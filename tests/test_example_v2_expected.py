"""The bundled copy of the spec's v2 example (every v2 feature in use), against figures
from an independent implementation of the spec (PROBLEM.md + PROBLEM-v2.md, HiGHS, gap
1e-6): NPV 383476.98, baseline NPV 869202.01, savings 485725.04, annualised NPV 148801.92,
committed after the horizon 1767.33, emissions 75.615 t, no baseline period over its cap."""

from __future__ import annotations

from typing import Any

import pytest

from placement import SolveOptions, evaluate, load_instance, solve


@pytest.fixture(scope="module")
def solved() -> tuple[Any, dict[str, Any]]:
    inst = load_instance("example:example-v2")
    return inst, solve(inst, SolveOptions(gap=1e-9)).to_dict()


def test_the_plan_is_the_independent_optimum(solved: tuple[Any, dict[str, Any]]) -> None:
    _, plan = solved
    assert plan["status"] == "optimal"
    assert plan["npv"] == pytest.approx(383476.98, abs=0.01)
    assert plan["annualized_npv"] == pytest.approx(148801.92, abs=0.01)
    assert plan["committed_after_horizon"] == pytest.approx(1767.33, abs=0.01)
    assert plan["emissions_t"] == pytest.approx(75.615, abs=0.0005)


def test_the_baseline_and_savings(solved: tuple[Any, dict[str, Any]]) -> None:
    _, plan = solved
    b = plan["baseline"]
    assert b["status"] == "optimal"
    assert b["npv"] == pytest.approx(869202.01, abs=0.01)
    assert b["savings"] == pytest.approx(485725.04, abs=0.01)
    assert b["over_carbon_cap"] == []


def test_the_plan_passes_the_independent_check(solved: tuple[Any, dict[str, Any]]) -> None:
    inst, plan = solved
    assert evaluate(inst, plan).violations == []
    # every v2 lever is in use in the optimum or the baseline
    costs = {k: sum(p["costs"][k] for p in plan["periods"]) for k in plan["periods"][0]["costs"]}
    for category in ("committed", "license", "carbon"):
        assert costs[category] > 0, category
