"""Infeasibility is explained: which workload, which period, which rules."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from placement import load_instance, solve
from placement.io import bundled_examples


def _example() -> dict[str, Any]:
    return yaml.safe_load(bundled_examples()["example"].read_text())


def test_high_criticality_workload_frozen_in_pilot_at_an_excluded_site() -> None:
    # assistant-us (high) runs in aws-eu-central-1 today; residency US now excludes that
    # site, and the pilot forbids it to move: infeasible, named with the rule.
    data = copy.deepcopy(_example())
    data["workloads"][1]["residency"] = ["US"]
    plan = solve(load_instance(data))
    assert plan.status == "infeasible"
    messages = [d.message for d in plan.diagnosis]
    assert any("assistant-us" in m and "pilot" in m and "residency" in m for m in messages)
    assert plan.diagnosis[0].period == "pilot"


def test_same_change_without_a_pilot_is_feasible() -> None:
    data = copy.deepcopy(_example())
    data["workloads"][1]["residency"] = ["US"]
    data["horizon"]["periods"][0]["pilot"] = False
    data["hardware"][3]["lead_time_months"] = 0  # else nyc-onprem is the 2nd US site only later
    plan = solve(load_instance(data))
    assert plan.status == "optimal"
    assert "assistant-us" in plan.periods[0].moves


def test_workload_without_candidates_names_period_and_rules() -> None:
    data = copy.deepcopy(_example())
    data["workloads"][2]["demand_rps"] = [2, 2, 9]  # images-us outgrows every site in steady
    plan = solve(load_instance(data))
    assert plan.status == "infeasible" and plan.periods == []
    (d,) = plan.diagnosis
    assert (d.workload, d.period) == ("images-us", "steady")
    rules = {e["rule"] for e in d.exclusions}
    assert {"capacity", "residency"} <= rules
    assert all(e["period"] in (None, "steady") for e in d.exclusions)
