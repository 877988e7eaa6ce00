"""The independent evaluator catches corrupted plans.

Solved plans (the spec's bundled example, a hand-made failure-domain instance and a
couple of generated tiny instances) are evaluated untouched (no violation), then
corrupted in one targeted way each; ``evaluate`` must report a violation that names
what was broken. Also: a dict that is not a plan raises PlanFormatError, and plans of
infeasible instances (no periods) are reported, not raised.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_brute_force import generate

import placement
from placement import PlanFormatError, SolveOptions, evaluate, load_instance, solve

EXAMPLE_PATH = Path(placement.__file__).parent / "instances" / "example.yaml"
COST_KEYS = (
    "rented",
    "capex",
    "maintenance",
    "energy",
    "egress",
    "transfer",
    "site_fixed",
    "activation",
    "migration",
)


def _solve(inst: dict[str, Any]) -> dict[str, Any]:
    plan = solve(load_instance(inst), SolveOptions(gap=1e-9))
    assert plan.status == "optimal", plan.message
    return plan.to_dict()


def _violations(inst: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    return evaluate(load_instance(inst), plan).violations


def _assert_caught(inst: dict[str, Any], plan: dict[str, Any], *needles: str) -> None:
    """Some violation mentions every one of ``needles``."""
    found = _violations(inst, plan)
    assert any(all(n in v for n in needles) for v in found), (
        f"no violation mentions {needles}; got {found}"
    )


# --------------------------------------------------------------------------- the plans


@pytest.fixture(scope="module")
def example() -> tuple[dict[str, Any], dict[str, Any]]:
    inst = yaml.safe_load(EXAMPLE_PATH.read_text())
    return inst, _solve(inst)


FD_INSTANCE: dict[str, Any] = {
    # Two replicas; sites a and b share failure domain dc1, c is dc2. a is cheapest,
    # then b, then c, so the optimum is {a, c}: b would share a's domain.
    "name": "fd",
    "horizon": {"periods": [{"name": "p1", "months": 1}]},
    "network": {"links": [{"a": "u", "b": n, "latency_ms": 1} for n in ("a", "b", "c")]},
    "sites": [
        {"id": "a", "kind": "cloud", "failure_domain": "dc1"},
        {"id": "b", "kind": "cloud", "failure_domain": "dc1"},
        {"id": "c", "kind": "cloud", "failure_domain": "dc2"},
    ],
    "hardware": [{"id": "r", "kind": "rented", "memory_gb": 80}],
    "offers": [
        {"site": "a", "hardware": "r", "price_per_hour": 1.0},
        {"site": "b", "hardware": "r", "price_per_hour": 2.0},
        {"site": "c", "hardware": "r", "price_per_hour": 3.0},
    ],
    "models": [{"id": "m", "variants": [{"id": "v", "memory_gb": 10}]}],
    "profiles": [{"model": "m", "variant": "v", "hardware": "r", "rps": 1.0}],
    "workloads": [
        {
            "id": "w",
            "model": "m",
            "origin": "u",
            "demand_rps": 1,
            "latency_slo_ms": 100,
            "replicas": 2,
        }
    ],
}


@pytest.fixture(scope="module")
def fd() -> tuple[dict[str, Any], dict[str, Any]]:
    plan = _solve(FD_INSTANCE)
    sites = sorted(a["site"] for a in plan["periods"][0]["assignments"])
    assert sites == ["a", "c"]
    return FD_INSTANCE, plan


def _pick_generated(want: Callable[[dict[str, Any]], bool]) -> tuple[dict, dict]:
    for seed in range(300):
        inst = generate(seed)
        plan = solve(load_instance(inst), SolveOptions(gap=1e-9))
        if plan.status == "optimal" and want(plan.to_dict()):
            return inst, plan.to_dict()
    raise AssertionError("no generated instance has the wanted features")


def _with_moves_and_savings(d: dict[str, Any]) -> bool:
    b = d["baseline"]
    return (
        len(d["periods"]) >= 2
        and any(p["moves"] for p in d["periods"])
        and b["status"] == "optimal"
        and b["savings"] > 1
        and b["break_even_month"] is not None
    )


def _with_purchases(d: dict[str, Any]) -> bool:
    return (
        len(d["periods"]) >= 2
        and d["residual_value"] > 1
        and any(u["bought"] for p in d["periods"] for u in p["units"])
    )


@pytest.fixture(scope="module")
def generated() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [_pick_generated(_with_moves_and_savings), _pick_generated(_with_purchases)]


@pytest.fixture(scope="module")
def all_plans(example, fd, generated) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [example, fd, *generated]


# --------------------------------------------------------------------------- untouched plans


def test_uncorrupted_plans_have_no_violations(all_plans) -> None:
    for inst, plan in all_plans:
        assert _violations(inst, plan) == [], inst["name"]


def test_generated_plans_exercise_the_features(generated) -> None:
    (_, moving), (_, buying) = generated
    assert moving["baseline"]["savings"] > 1
    assert any(p["moves"] for p in moving["periods"])
    assert any(u["bought"] for p in buying["periods"] for u in p["units"])


# --------------------------------------------------------------------------- generic corruptions


def _loaded_row(inst: dict[str, Any], plan: dict[str, Any]) -> tuple[int, int, bool]:
    """(period, units row, rented?) of a (site, hardware) carrying load, rented if any."""
    rented = {h["id"] for h in inst["hardware"] if h["kind"] == "rented"}
    rows = []
    for i, p in enumerate(plan["periods"]):
        used = {(a["site"], a["hardware"]) for a in p["assignments"]}
        for j, u in enumerate(p["units"]):
            if (u["site"], u["hardware"]) in used:
                rows.append((u["hardware"] not in rented, i, j))
    assert rows
    owned, i, j = min(rows)
    return i, j, not owned


def test_dropped_assignment(all_plans) -> None:
    for inst, plan in all_plans:
        bad = copy.deepcopy(plan)
        a = bad["periods"][-1]["assignments"].pop(0)
        _assert_caught(inst, bad, f"'{a['workload']}'", "placements")


def test_duplicate_replica_on_the_same_site(all_plans) -> None:
    for inst, plan in all_plans:
        bad = copy.deepcopy(plan)
        rows = bad["periods"][0]["assignments"]
        rows.append(dict(rows[0]))
        _assert_caught(inst, bad, f"'{rows[0]['workload']}'", "failure domain")


def test_units_below_capacity_need(all_plans) -> None:
    """Optimal plans rent the least units that carry the load: one fewer is too few.
    Owned units may exceed the need, so an owned row is emptied instead."""
    for inst, plan in all_plans:
        i, j, rented = _loaded_row(inst, plan)
        bad = copy.deepcopy(plan)
        row = bad["periods"][i]["units"][j]
        if rented:
            row["units"] -= 1
        else:
            row["units"] = row["bought"] = 0
        _assert_caught(inst, bad, f"{row['site']}/{row['hardware']}", "max_utilization")


@pytest.mark.parametrize("category", COST_KEYS)
def test_cost_category_off_by_one_dollar(all_plans, category: str) -> None:
    for inst, plan in all_plans:
        for i in range(len(plan["periods"])):
            bad = copy.deepcopy(plan)
            bad["periods"][i]["costs"][category] += 1.0
            _assert_caught(inst, bad, f"periods[{i}].costs.{category}")


def test_npv_changed(all_plans) -> None:
    for inst, plan in all_plans:
        bad = copy.deepcopy(plan)
        bad["npv"] += 1.0
        _assert_caught(inst, bad, "npv")
        assert not any("residual_value" in v for v in _violations(inst, bad))


def test_objective_changed(all_plans) -> None:
    for inst, plan in all_plans:
        bad = copy.deepcopy(plan)
        bad["objective"] += 1.0
        bad["bound"] = min(bad["bound"], bad["objective"])
        _assert_caught(inst, bad, "objective")


def test_residual_value_changed(example, generated) -> None:
    for inst, plan in [example, generated[1]]:
        assert plan["residual_value"] > 0
        bad = copy.deepcopy(plan)
        bad["residual_value"] += 1.0
        _assert_caught(inst, bad, "residual_value")


def test_wrong_moves_list(all_plans) -> None:
    for inst, plan in all_plans:
        # a workload that does not move is listed as moving
        bad = copy.deepcopy(plan)
        period = bad["periods"][-1]
        still = sorted({a["workload"] for a in period["assignments"]} - set(period["moves"]))
        if still:
            period["moves"].append(still[0])
            _assert_caught(inst, bad, f"periods[{len(bad['periods']) - 1}].moves")
        # a move left out
        for i, p in enumerate(plan["periods"]):
            if p["moves"]:
                bad = copy.deepcopy(plan)
                bad["periods"][i]["moves"].pop()
                _assert_caught(inst, bad, f"periods[{i}].moves")


def test_wrong_link_load(all_plans) -> None:
    for inst, plan in all_plans:
        bad = copy.deepcopy(plan)
        loads = bad["periods"][0]["link_load_mbps"]
        key = max(loads, key=lambda k: loads[k])
        loads[key] += 0.5
        _assert_caught(inst, bad, "link_load_mbps", key)
        bad = copy.deepcopy(plan)
        del bad["periods"][0]["link_load_mbps"][key]
        _assert_caught(inst, bad, "link_load_mbps", key)


def test_cumulative_cost_month_changed(all_plans) -> None:
    for inst, plan in all_plans:
        months = len(plan["cumulative_cost"]["plan"])
        for k in (0, months - 1):
            bad = copy.deepcopy(plan)
            bad["cumulative_cost"]["plan"][k] += 1.0
            _assert_caught(inst, bad, "cumulative_cost.plan", f"month {k + 1}")
        if plan["cumulative_cost"]["baseline"]:
            bad = copy.deepcopy(plan)
            bad["cumulative_cost"]["baseline"][months // 2] += 1.0
            _assert_caught(inst, bad, "cumulative_cost.baseline", f"month {months // 2 + 1}")
        bad = copy.deepcopy(plan)
        bad["cumulative_cost"]["plan"].pop()
        _assert_caught(inst, bad, "cumulative_cost.plan")


def test_baseline_savings_wrong(example, generated) -> None:
    for inst, plan in [example, generated[0]]:
        bad = copy.deepcopy(plan)
        bad["baseline"]["savings"] += 1.0
        _assert_caught(inst, bad, "savings")
        bad = copy.deepcopy(plan)
        bad["baseline"]["npv"] += 1.0
        _assert_caught(inst, bad, "baseline.npv")


def test_break_even_month_wrong(example, generated) -> None:
    for inst, plan in [example, generated[0]]:
        be = plan["baseline"]["break_even_month"]
        for wrong in (be + 1, max(1, be - 1) if be > 1 else be + 2, None):
            bad = copy.deepcopy(plan)
            bad["baseline"]["break_even_month"] = wrong
            _assert_caught(inst, bad, "break_even_month")


# --------------------------------------------------------------------------- targeted ones


def _assignment(plan: dict[str, Any], period: str, workload: str, site: str | None = None):
    p = next(p for p in plan["periods"] if p["name"] == period)
    return next(
        a
        for a in p["assignments"]
        if a["workload"] == workload and (site is None or a["site"] == site)
    )


def _units(plan: dict[str, Any], period: str, site: str, hw: str) -> dict[str, Any]:
    p = next(p for p in plan["periods"] if p["name"] == period)
    return next(u for u in p["units"] if (u["site"], u["hardware"]) == (site, hw))


def test_replica_in_the_same_failure_domain(fd) -> None:
    inst, plan = fd
    bad = copy.deepcopy(plan)
    row = next(a for a in bad["periods"][0]["assignments"] if a["site"] == "c")
    row["site"] = "b"  # same domain as a
    units = next(u for u in bad["periods"][0]["units"] if u["site"] == "c")
    units["site"] = "b"
    _assert_caught(inst, bad, "'w'", "failure domain")


def test_residency_broken(example) -> None:
    inst, plan = example
    bad = copy.deepcopy(plan)
    a = _assignment(bad, "pilot", "chat-eu")  # residency [EU]
    assert a["site"] == "aws-eu-central-1"
    a["site"] = "aws-us-east-1"  # US; same hardware and variant are offered there
    _assert_caught(inst, bad, "chat-eu", "aws-us-east-1", "residency")


def test_latency_broken(example) -> None:
    """assistant-us (SLO 1200 ms, from users-nyc) on berlin-store's Orin: 1800 ms of
    serving alone."""
    inst, plan = example
    bad = copy.deepcopy(plan)
    a = _assignment(bad, "steady", "assistant-us", "nyc-onprem")
    a.update(site="berlin-store", hardware="orin-agx-64", variant="int4")
    _assert_caught(inst, bad, "assistant-us", "berlin-store", "latency")


def test_max_units_exceeded(example) -> None:
    inst, plan = example  # aws-eu-central-1 offers g6e-xlarge with max_units 20
    bad = copy.deepcopy(plan)
    _units(bad, "pilot", "aws-eu-central-1", "g6e-xlarge")["units"] = 21
    _assert_caught(inst, bad, "g6e-xlarge", "aws-eu-central-1", "max_units")
    # owned: berlin-store's orin-agx-64 has max_units 6
    bad = copy.deepcopy(plan)
    row = _units(bad, "steady", "berlin-store", "orin-agx-64")
    row["bought"] += 7 - row["units"]
    row["units"] = 7
    _assert_caught(inst, bad, "orin-agx-64", "berlin-store", "max_units")


def test_bought_before_lead_time(example) -> None:
    """orin-agx-64 has a 2-month lead time: none may be bought in the pilot (month 0)."""
    inst, plan = example
    bad = copy.deepcopy(plan)
    wave = _units(bad, "wave-1", "berlin-store", "orin-agx-64")
    n = wave["bought"]
    assert n > 0
    wave["bought"] = 0
    bad["periods"][0]["units"].append(
        {"site": "berlin-store", "hardware": "orin-agx-64", "units": n, "bought": n}
    )
    _assert_caught(inst, bad, "orin-agx-64", "lead time")


def test_owned_units_decreasing(example) -> None:
    inst, plan = example
    bad = copy.deepcopy(plan)
    before = _units(bad, "wave-1", "nyc-onprem", "l40s-server")["units"]
    row = _units(bad, "steady", "nyc-onprem", "l40s-server")
    row["units"], row["bought"] = before - 1, 0  # one unit sold
    _assert_caught(inst, bad, "nyc-onprem/l40s-server", "owned")


def test_too_many_moves_for_max_migrations(example) -> None:
    """wave-1 moves two workloads; with max_migrations 1 the same plan breaks the cap."""
    inst, plan = example
    assert len(_period(plan, "wave-1")["moves"]) == 2
    tight = copy.deepcopy(inst)
    next(p for p in tight["horizon"]["periods"] if p["name"] == "wave-1")["max_migrations"] = 1
    _assert_caught(tight, plan, "periods[1]", "max_migrations")


def test_high_criticality_move_in_a_pilot_period(example) -> None:
    inst, plan = example
    assert "assistant-us" in _period(plan, "wave-1")["moves"]  # criticality high
    pilot = copy.deepcopy(inst)
    next(p for p in pilot["horizon"]["periods"] if p["name"] == "wave-1")["pilot"] = True
    _assert_caught(pilot, plan, "periods[1]", "assistant-us")


def test_power_cap_broken(example) -> None:
    """orin-agx-64 draws 60 W: the plan's units at berlin-store (4 in wave-1) need more
    than 0.2 kW."""
    inst, plan = example
    capped = copy.deepcopy(inst)
    site = next(s for s in capped["sites"] if s["id"] == "berlin-store")
    site["power_kw"] = 0.2  # the plan's 4 units draw 0.24 kW
    _assert_caught(capped, plan, "berlin-store", "power_kw")


def test_capex_budget_broken(example) -> None:
    inst, plan = example
    spent = _period(plan, "wave-1")["costs"]["capex"]
    tight = copy.deepcopy(inst)
    next(p for p in tight["horizon"]["periods"] if p["name"] == "wave-1")["capex_budget"] = (
        spent - 1
    )
    _assert_caught(tight, plan, "periods[1]", "capex_budget")


def _period(plan: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in plan["periods"] if p["name"] == name)


# --------------------------------------------------------------------------- format and status


@pytest.mark.parametrize(
    "not_a_plan",
    [
        {"foo": 1},
        {"instance": "example-hybrid"},
        {"instance": "example-hybrid", "status": "optimal", "periods": "none"},
    ],
)
def test_non_plan_raises_plan_format_error(example, not_a_plan) -> None:
    inst, _ = example
    with pytest.raises(PlanFormatError):
        evaluate(load_instance(inst), not_a_plan)


def test_plan_with_a_wrong_field_type_raises(example) -> None:
    inst, plan = example
    bad = copy.deepcopy(plan)
    bad["periods"][0]["units"][0]["units"] = "many"
    with pytest.raises(PlanFormatError):
        evaluate(load_instance(inst), bad)


def _infeasible_instances(example_inst: dict[str, Any]) -> list[dict[str, Any]]:
    nowhere = copy.deepcopy(example_inst)  # chat-eu: no placement meets a 1 ms SLO
    next(w for w in nowhere["workloads"] if w["id"] == "chat-eu")["latency_slo_ms"] = 1
    joint = copy.deepcopy(example_inst)  # every placement exists but no capacity at all
    for o in joint["offers"]:
        o["max_units"] = 0
    return [nowhere, joint]


def test_infeasible_plans_are_reported_not_raised(example) -> None:
    for inst in _infeasible_instances(example[0]):
        plan = solve(load_instance(inst), SolveOptions(gap=1e-9)).to_dict()
        assert plan["status"] == "infeasible"
        assert plan["periods"] == []
        ev = evaluate(load_instance(inst), plan)
        assert ev.violations == []
        assert ev.npv is None
        # an "infeasible" plan that lists periods is a violation, not an exception
        bad = copy.deepcopy(plan)
        bad["periods"] = copy.deepcopy(example[1]["periods"])
        _assert_caught(inst, bad, "status", "periods")


def test_plan_for_another_instance(example, fd) -> None:
    inst, _ = example
    _, other = fd
    _assert_caught(inst, other, "instance")
