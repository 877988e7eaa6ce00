"""Spot pools and carbon (PROBLEM-v2.md sections 3 and 7), hand-computed from the spec.

Constants (spec): a month is 730 hours. Spot units cost spot.price_per_hour x 730 x m_p
(category ``spot``) and carry at most max_utilization x (1 - interruption_overhead) of
their rated load. Emissions of (s,h) in p, tCO2e: units in service x power_w / 1000 x
730 x m_p x pue x carbon_g_per_kwh / 10^6; embodied_t per owned unit bought in p;
category ``carbon`` = emissions x carbon_price_per_t.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from placement import SolveOptions, evaluate, load_instance, solve
from placement.candidates import exclusions, feasible_candidates
from placement.data import prepare
from placement.milp.build import build


def close(x: float) -> Any:
    return pytest.approx(x, rel=1e-9, abs=1e-6)


def instance(
    *,
    sites: list[dict[str, Any]],
    offers: list[dict[str, Any]],
    workloads: list[dict[str, Any]],
    hardware: list[dict[str, Any]] | None = None,
    periods: list[dict[str, Any]] | None = None,
    policy: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A tiny instance: model m/v served at 1 rps, 0 ms by every hardware; a 1 ms link
    from 'u' to each site."""
    hardware = hardware or [{"id": "r", "kind": "rented", "memory_gb": 80}]
    return {
        "name": "spot-carbon",
        "horizon": {"discount_rate": 0, "periods": periods or [{"name": "p1", "months": 1}]},
        "network": {"links": [{"a": "u", "b": s["id"], "latency_ms": 1} for s in sites]},
        "sites": sites,
        "hardware": hardware,
        "offers": offers,
        "models": [{"id": "m", "variants": [{"id": "v", "memory_gb": 10}]}],
        "profiles": [{"model": "m", "variant": "v", "hardware": h["id"], "rps": 1.0}
                     for h in hardware],
        "workloads": workloads,
        "policy": policy or {},
    }


def wl(demand: float | list[float] = 1.0, **kw: Any) -> dict[str, Any]:
    return {"id": "w", "model": "m", "origin": "u", "demand_rps": demand,
            "latency_slo_ms": 1000, **kw}


def run(d: dict[str, Any]) -> dict[str, Any]:
    """Solve to optimality; the independent evaluator must accept the plan."""
    inst = load_instance(copy.deepcopy(d))
    plan = solve(inst, SolveOptions(gap=1e-9))
    assert plan.status == "optimal", plan.message
    pd = plan.to_dict()
    assert evaluate(inst, pd).violations == []
    return pd


def violations(d: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    return evaluate(load_instance(copy.deepcopy(d)), plan).violations


# --------------------------------------------------------------------------- spot


def spot_instance(interruptible: bool = True, **spot: Any) -> dict[str, Any]:
    # mu = 0.8; demand 1.28 rps at 1 rps per unit: 1.28 units' worth.
    # on demand: ceil(1.28 / 0.8) = 2 units x 1.0 x 730 = 1460 / month.
    # spot (overhead 0.2): a unit carries 0.8 x 0.8 = 0.64; ceil(1.28 / 0.64) = 2 units
    # x 0.4 x 730 = 584 / month.
    offer = {"site": "c", "hardware": "r", "price_per_hour": 1.0,
             "spot": {"price_per_hour": 0.4, "interruption_overhead": 0.2, **spot}}
    return instance(sites=[{"id": "c", "kind": "cloud"}], offers=[offer],
                    workloads=[wl(1.28, interruptible=interruptible)],
                    policy={"max_utilization": 0.8})


def test_spot_carries_an_interruptible_workload_at_the_spot_price() -> None:
    pd = run(spot_instance())
    period = pd["periods"][0]
    assert [a["market"] for a in period["assignments"]] == ["spot"]
    assert period["units"] == [
        {"site": "c", "hardware": "r", "units": 2, "bought": 0, "market": "spot"}
    ]
    assert period["costs"]["spot"] == close(584.0)  # 2 x 0.4 x 730 x 1
    assert period["costs"]["rented"] == 0.0
    assert pd["npv"] == close(584.0)


def test_a_workload_that_is_not_interruptible_pays_on_demand() -> None:
    pd = run(spot_instance(interruptible=False))
    period = pd["periods"][0]
    assert [a["market"] for a in period["assignments"]] == ["on_demand"]
    assert period["units"] == [
        {"site": "c", "hardware": "r", "units": 2, "bought": 0, "market": "on_demand"}
    ]
    assert period["costs"]["rented"] == close(1460.0)  # 2 x 1.0 x 730
    assert period["costs"]["spot"] == 0.0


def test_the_interruption_overhead_costs_spot_units() -> None:
    # overhead 0.5: a spot unit carries 0.8 x 0.5 = 0.4; ceil(1.28 / 0.4) = 4 units
    # x 0.4 x 730 = 1168 < 1460 on demand: still spot, with 4 units.
    pd = run(spot_instance(interruption_overhead=0.5))
    assert pd["periods"][0]["units"][0]["units"] == 4
    assert pd["npv"] == close(1168.0)


def test_spot_max_units_binds_and_the_on_demand_pool_takes_over() -> None:
    # spot.max_units 1 carries 0.64 < 1.28: no spot placement; 2 on-demand units, 1460.
    pd = run(spot_instance(max_units=1))
    assert pd["periods"][0]["assignments"][0]["market"] == "on_demand"
    assert pd["npv"] == close(1460.0)


def test_the_capacity_rule_allows_what_only_the_spot_pool_can_carry() -> None:
    # the on-demand pool is capped at 1 unit (carries 0.8 < 1.28); the spot pool (no cap)
    # carries it: the placement is feasible, only on spot.
    d = spot_instance()
    d["offers"][0]["max_units"] = 1
    inst = load_instance(d)
    data = prepare(inst)
    assert [c.market for c in data.cands] == ["spot"]
    assert exclusions(data.lk, data.routes, "w") == []
    d["workloads"][0]["interruptible"] = False  # now nothing carries it
    data = prepare(load_instance(d))
    assert data.cands == []
    found = exclusions(data.lk, data.routes, "w")
    assert [e.rule for e in found] == ["capacity"]
    pd = run(spot_instance())
    assert pd["npv"] == close(584.0)


def test_a_v1_instance_builds_the_same_model() -> None:
    # no spot offer: no spot candidate, column or row
    d = spot_instance()
    del d["offers"][0]["spot"]
    m = build(prepare(load_instance(d)))
    assert not m.spot and not m.rows_in("spot_cap") and not m.rows_in("carbon_cap")
    assert all(c.market == "on_demand" for c in m.data.cands)


def test_changing_pool_at_the_same_site_is_not_a_move_and_the_baseline_keeps_spot() -> None:
    # spot price [0.4, 2.0] per period; mu 0.8, overhead 0.2, demand 1.28 as above.
    # p1 spot: 2 x 0.4 x 730 = 584; p2 on demand: 2 x 1.0 x 730 = 1460 (spot would be
    # 2 x 2.0 x 730 = 2920). The workload stays at site c: no move, no migration cost.
    d = spot_instance()
    d["horizon"]["periods"] = [{"name": "p1", "months": 1}, {"name": "p2", "months": 1}]
    d["offers"][0]["spot"]["price_per_hour"] = [0.4, 2.0]
    d["workloads"][0].update(migration_cost=1000, current={"site": "c", "hardware": "r",
                                                           "variant": "v", "market": "spot"})
    pd = run(d)
    assert [p["assignments"][0]["market"] for p in pd["periods"]] == ["spot", "on_demand"]
    assert [p["moves"] for p in pd["periods"]] == [[], []]
    assert pd["npv"] == close(584.0 + 1460.0)
    # the baseline keeps the current placement on spot: 584 + 2920
    base = pd["baseline"]
    assert [p["assignments"][0]["market"] for p in base["periods"]] == ["spot", "spot"]
    assert base["npv"] == close(584.0 + 2920.0)
    assert base["savings"] == close(2920.0 - 1460.0)


def test_the_evaluator_catches_corrupted_spot_plans() -> None:
    d = spot_instance()
    pd = run(d)
    # a spot placement of a workload that is not interruptible
    strict = spot_instance(interruptible=False)
    assert any("not interruptible" in v for v in violations(strict, pd))
    # spot units taken away: the spot load has nothing to run on
    bad = copy.deepcopy(pd)
    bad["periods"][0]["units"][0]["units"] = 1
    found = violations(d, bad)
    assert any("spot units at 0.64 of rated load" in v for v in found), found
    # the same units claimed on demand: the spot load has no spot units, and 1460 != 584
    bad = copy.deepcopy(pd)
    bad["periods"][0]["units"][0]["market"] = "on_demand"
    found = violations(d, bad)
    assert any("carries 1.28 units' worth on 0 spot units" in v for v in found), found
    # beyond spot.max_units
    capped = spot_instance(max_units=1)
    assert any("outside [0, spot.max_units]" in v for v in violations(capped, pd))
    # a wrong spot bill
    bad = copy.deepcopy(pd)
    bad["periods"][0]["costs"]["spot"] = 500.0
    assert any("costs.spot: 500.0 != recomputed 584.00" in v for v in violations(d, bad))


# --------------------------------------------------------------------------- carbon


def carbon_instance(cap: float | None = None, price: float = 0.0) -> dict[str, Any]:
    # 1 rps at 1 rps per unit, mu 1: one unit. Hardware r: 1000 W, rented.
    # dirty: 1.0 $/h, pue 1.5, 400 g/kWh: 1 x 1000 / 1000 x 730 x 1 x 1.5 x 400 / 1e6
    #   = 0.438 t / month; rented 730.
    # clean: 1.2 $/h, 0 g/kWh: 0 t; rented 1.2 x 730 = 876.
    period: dict[str, Any] = {"name": "p1", "months": 1}
    if cap is not None:
        period["carbon_cap_t"] = cap
    return instance(
        sites=[{"id": "dirty", "kind": "cloud", "pue": 1.5, "carbon_g_per_kwh": 400},
               {"id": "clean", "kind": "cloud", "carbon_g_per_kwh": 0}],
        hardware=[{"id": "r", "kind": "rented", "memory_gb": 80, "power_w": 1000}],
        offers=[{"site": "dirty", "hardware": "r", "price_per_hour": 1.0},
                {"site": "clean", "hardware": "r", "price_per_hour": 1.2}],
        workloads=[wl(1.0, current={"site": "dirty", "hardware": "r", "variant": "v"})],
        periods=[period],
        policy={"carbon_price_per_t": price},
    )


def test_emissions_of_rented_units_are_reported_without_a_price() -> None:
    pd = run(carbon_instance())
    assert pd["periods"][0]["assignments"][0]["site"] == "dirty"
    assert pd["periods"][0]["emissions_t"] == close(0.438)  # 730 x 1.5 x 400 / 1e6
    assert pd["emissions_t"] == close(0.438)
    assert pd["periods"][0]["costs"]["carbon"] == 0.0
    assert pd["baseline"]["emissions_t"] == close(0.438)
    assert pd["baseline"]["over_carbon_cap"] == []


def test_the_carbon_price_is_billed_and_changes_the_optimum() -> None:
    # price 100: dirty = 730 + 0.438 x 100 = 773.8 < 876: stays, carbon 43.8.
    pd = run(carbon_instance(price=100))
    assert pd["periods"][0]["assignments"][0]["site"] == "dirty"
    assert pd["periods"][0]["costs"]["carbon"] == close(43.8)
    assert pd["npv"] == close(773.8)
    # price 400: dirty = 730 + 0.438 x 400 = 905.2 > 876: moves to clean, 0 t.
    pd = run(carbon_instance(price=400))
    assert pd["periods"][0]["assignments"][0]["site"] == "clean"
    assert pd["periods"][0]["costs"]["carbon"] == 0.0
    assert pd["npv"] == close(876.0)
    assert pd["baseline"]["npv"] == close(905.2)
    assert pd["baseline"]["periods"][0]["costs"]["carbon"] == close(175.2)


def test_a_carbon_cap_binds_the_plan_not_the_baseline() -> None:
    # cap 0.4 t < 0.438 t: the plan must go to clean (876); the baseline stays at dirty
    # (730, 0.438 t) and reports the period over its cap.
    pd = run(carbon_instance(cap=0.4))
    assert pd["periods"][0]["assignments"][0]["site"] == "clean"
    assert pd["npv"] == close(876.0)
    assert pd["emissions_t"] == 0.0
    base = pd["baseline"]
    assert base["status"] == "optimal" and base["npv"] == close(730.0)
    assert base["emissions_t"] == close(0.438)
    assert base["over_carbon_cap"] == ["p1"]
    assert base["savings"] == close(730.0 - 876.0)
    # a cap at 0.438 does not bind
    assert run(carbon_instance(cap=0.438))["npv"] == close(730.0)


def test_embodied_and_owned_emissions() -> None:
    # owned o at site e: capex 1000, lifetime 10 months, power 500 W, embodied 2 t,
    # pue 1.2, 500 g/kWh, energy 0. Two periods of 1 month; demand 1 rps: buy one unit
    # in p1. p1: 1 x 0.5 x 730 x 1 x 1.2 x 500 / 1e6 = 0.219 t operational + 2 t embodied
    # = 2.219 t; p2: 0.219 t. Carbon price 10: 22.19 and 2.19.
    d = instance(
        sites=[{"id": "e", "kind": "edge", "pue": 1.2, "carbon_g_per_kwh": 500}],
        hardware=[{"id": "o", "kind": "owned", "memory_gb": 80, "capex": 1000,
                   "lifetime_months": 10, "power_w": 500, "embodied_t": 2}],
        offers=[{"site": "e", "hardware": "o"}],
        workloads=[wl(1.0)],
        periods=[{"name": "p1", "months": 1}, {"name": "p2", "months": 1}],
        policy={"carbon_price_per_t": 10},
    )
    pd = run(d)
    assert [p["emissions_t"] for p in pd["periods"]] == [close(2.219), close(0.219)]
    assert pd["emissions_t"] == close(2.438)
    assert [p["costs"]["carbon"] for p in pd["periods"]] == [close(22.19), close(2.19)]
    # capex 1000, residual 1000 x (1 - 2 / 10) = 800: npv = 1000 + 24.38 - 800
    assert pd["npv"] == close(224.38)


def test_spot_units_emit_too() -> None:
    # the spot instance at a site of 1000 g/kWh, power 1000 W: 2 spot units x 730 kWh
    # x 1000 g / 1e6 = 1.46 t
    d = spot_instance()
    d["sites"][0]["carbon_g_per_kwh"] = 1000
    d["hardware"][0]["power_w"] = 1000
    pd = run(d)
    assert pd["periods"][0]["emissions_t"] == close(1.46)


def test_the_evaluator_catches_corrupted_carbon_figures() -> None:
    d = carbon_instance(price=100)
    pd = run(d)
    bad = copy.deepcopy(pd)
    bad["periods"][0]["costs"]["carbon"] = 40.0
    assert any("costs.carbon: 40.0 != recomputed 43.80" in v for v in violations(d, bad))
    bad = copy.deepcopy(pd)
    bad["periods"][0]["emissions_t"] = 0.4
    assert any("periods[0].emissions_t: 0.4" in v for v in violations(d, bad))
    bad = copy.deepcopy(pd)
    bad["emissions_t"] = 0.0
    assert any(v.startswith("emissions_t: 0.0") for v in violations(d, bad))
    # the plan at dirty against a cap of 0.4 t: over the cap
    capped = carbon_instance(cap=0.4, price=100)
    found = violations(capped, pd)
    assert any("emissions 0.438 t exceed carbon_cap_t 0.4" in v for v in found), found
    assert any("baseline.over_carbon_cap: [] != recomputed ['p1']" in v for v in found), found


def test_plans_without_v2_fields_still_check() -> None:
    # a plan written before v2 (no market, no emissions) of an instance without carbon
    d = spot_instance(interruptible=False)
    pd = run(d)
    for doc in (pd, pd["baseline"]):
        doc.pop("emissions_t", None)
        doc.pop("over_carbon_cap", None)
    for period in pd["periods"]:
        period.pop("emissions_t")
        for row in period["assignments"] + period["units"]:
            row.pop("market")
    assert violations(d, pd) == []


def test_feasible_candidates_lists_spot_after_on_demand() -> None:
    data = prepare(load_instance(spot_instance()))
    cands = feasible_candidates(data.lk, data.routes)
    assert [(c.site, c.market) for c in cands] == [("c", "on_demand"), ("c", "spot")]


def test_explain_names_both_pools_when_neither_carries_a_placement() -> None:
    # on demand capped at 1 unit (0.8 < 1.28), spot.max_units 0: excluded, both pools said
    d = spot_instance(max_units=0)
    d["offers"][0]["max_units"] = 1
    data = prepare(load_instance(d))
    assert data.cands == []
    [found] = exclusions(data.lk, data.routes, "w")
    assert found.rule == "capacity"
    assert "; spot: 1.28 rps needs 2 spot units" in found.detail
    assert "spot.max_units is 0" in found.detail


def test_the_greedy_heuristic_uses_spot_and_passes_the_evaluator() -> None:
    # the spreadsheet price of spot (2 units' worth x 0.4 x 730 / 0.8) beats on demand:
    # the greedy plan is the optimum, 584, and a valid plan
    from placement.heuristic import greedy

    found = greedy(load_instance(spot_instance()))
    assert found.violations == []
    assert found.npv == close(584.0)


def test_diff_tells_the_pools_apart() -> None:
    # the same workload at the same site, on demand in A (the workload is not
    # interruptible) and on spot in B: a placement change of market only, and the units
    # of the two pools as two rows (one gone, one new), never merged
    from placement.analysis.diff import diff_plans

    a = run(spot_instance(interruptible=False))
    b = run(spot_instance())
    period = diff_plans(a, b).periods[0]
    (change,) = period.placements
    assert change.before == ["c/r/v"] and change.after == ["c/r/v (spot)"]
    assert change.changed == ["market"]
    units = {(u.market, u.before, u.after) for u in period.units}
    assert units == {("on_demand", 2, 0), ("spot", 0, 2)}


def test_pareto_solves_the_uncapped_baseline_of_a_capped_instance_without_current() -> None:
    # no workload placed today, a cap of 0.4 t: the plan must run at clean (876) while the
    # stay-put baseline is solved without the cap (dirty, 730), in pareto as in solve
    from placement.analysis.pareto import pareto

    d = carbon_instance(cap=0.4)
    d["workloads"][0].pop("current")
    plan = run(d)
    assert plan["npv"] == close(876.0) and plan["baseline"]["npv"] == close(730.0)
    front = pareto(load_instance(copy.deepcopy(d)), points=2,
                   options=SolveOptions(threads=1)).result
    assert front.points
    for point in front.points:
        assert point.plan is not None
        assert point.plan["baseline"]["npv"] == close(730.0)
