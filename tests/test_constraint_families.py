"""One binding instance per constraint family of the spec (PROBLEM.md,
"Feasible placements" and "Constraints, per period p"), written from the spec
independently of the implementation.

Each test solves the instance twice: once where the constraint does not bind
and once where it does, asserts the optimal placement of each (site, hardware,
variant per period) and that the two differ, and checks every plan with the
independent evaluator. Costs are in the comments so the optimum is obvious:
a rented unit at price P/h costs 730 P per month.
"""

from __future__ import annotations

import copy

import pytest

from placement import SolveOptions, evaluate, load_instance, solve

# --------------------------------------------------------------------------- helpers


def site(sid: str, kind: str = "cloud", **kw) -> dict:
    return {"id": sid, "kind": kind, **kw}


def rented_offer(sid: str, price: float, hw: str = "r", **kw) -> dict:
    return {"site": sid, "hardware": hw, "price_per_hour": price, **kw}


def workload(wid: str = "w", demand=1, **kw) -> dict:
    return {
        "id": wid,
        "model": "m",
        "origin": "u",
        "demand_rps": demand,
        "latency_slo_ms": 10000,
        **kw,
    }


RENTED = {"id": "r", "kind": "rented", "memory_gb": 80}


def owned_hw(hid: str = "o", **kw) -> dict:
    return {"id": hid, "kind": "owned", "memory_gb": 80, **kw}


def make(
    *,
    sites,
    offers,
    workloads,
    hardware=None,
    periods=None,
    links=None,
    profiles=None,
    models=None,
    rate: float = 0.0,
    max_utilization: float | None = None,
) -> dict:
    """Instance dict; defaults: one 1-month period, rate 0, rented hardware 'r',
    model 'm' / variant 'v' (10 GB), every hardware serving it at 1 rps, 0 ms,
    a 1 ms link from origin 'u' to each site's node (node = site id)."""
    hardware = hardware if hardware is not None else [RENTED]
    if periods is None:
        periods = [{"name": "p1", "months": 1}]
    if models is None:
        models = [{"id": "m", "variants": [{"id": "v", "memory_gb": 10}]}]
    if profiles is None:
        profiles = [
            {"model": "m", "variant": "v", "hardware": h["id"], "rps": 1.0} for h in hardware
        ]
    if links is None:
        links = [{"a": "u", "b": s.get("node", s["id"]), "latency_ms": 1} for s in sites]
    d = {
        "name": "families",
        "horizon": {"discount_rate": rate, "periods": periods},
        "network": {"links": links},
        "sites": sites,
        "hardware": hardware,
        "offers": offers,
        "models": models,
        "profiles": profiles,
        "workloads": workloads,
    }
    if max_utilization is not None:
        d["policy"] = {"max_utilization": max_utilization}
    return d


def run(d: dict) -> dict:
    """Solve to proven optimality; the evaluator must find no violation."""
    inst = load_instance(copy.deepcopy(d))
    plan = solve(inst, SolveOptions(gap=1e-9))
    assert plan.status == "optimal"
    pd = plan.to_dict()
    ev = evaluate(inst, pd)
    assert list(ev.violations) == [], ev.violations
    assert ev.npv == pytest.approx(pd["npv"], rel=1e-6, abs=1e-6)
    return pd


def placement(pd: dict) -> list[dict[str, list[tuple[str, str, str]]]]:
    """Per period: workload -> sorted [(site, hardware, variant)]."""
    out = []
    for p in pd["periods"]:
        per: dict[str, list] = {}
        for a in p["assignments"]:
            per.setdefault(a["workload"], []).append((a["site"], a["hardware"], a["variant"]))
        out.append({w: sorted(v) for w, v in per.items()})
    return out


def units(pd: dict, i: int) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (u["site"], u["hardware"]): (round(u["units"]), round(u["bought"]))
        for u in pd["periods"][i]["units"]
    }


def bind(free: dict, bound: dict, expect_free, expect_bound):
    """Solve both variants; assert both expected placements and that they differ."""
    assert expect_free != expect_bound
    pf, pb = run(free), run(bound)
    assert placement(pf) == expect_free
    assert placement(pb) == expect_bound
    assert placement(pf) != placement(pb)
    return pf, pb


def one(w: str, *placements) -> dict:
    return {w: sorted(placements)}


# --------------------------------------------------------------------------- replicas


def test_replicas_use_distinct_sites():
    # a 1.0, b 2.0, c 3.0 per hour; demand 1 -> 1 unit per replica.
    # replicas 1 -> a ; replicas 2 -> a + b (distinct sites; carried 1/(2-1) = 1)
    d1 = make(
        sites=[site("a"), site("b"), site("c")],
        offers=[rented_offer("a", 1.0), rented_offer("b", 2.0), rented_offer("c", 3.0)],
        workloads=[workload(demand=1)],
    )
    d2 = copy.deepcopy(d1)
    d2["workloads"][0]["replicas"] = 2
    _, pb = bind(
        d1,
        d2,
        [one("w", ("a", "r", "v"))],
        [one("w", ("a", "r", "v"), ("b", "r", "v"))],
    )
    assert units(pb, 0) == {("a", "r"): (1, 0), ("b", "r"): (1, 0)}


def test_replicas_in_distinct_failure_domains():
    # replicas 2; a 1.0, b 2.0, c 3.0. Free: a + b (730 + 1460).
    # b's failure_domain is 'a' = the default failure domain of site a (its id),
    # so a and b may not both serve: a + c (730 + 2190) beats b + c.
    d = make(
        sites=[site("a"), site("b"), site("c")],
        offers=[rented_offer("a", 1.0), rented_offer("b", 2.0), rented_offer("c", 3.0)],
        workloads=[workload(demand=1, replicas=2)],
    )
    bound = copy.deepcopy(d)
    bound["sites"][1]["failure_domain"] = "a"
    bind(
        d,
        bound,
        [one("w", ("a", "r", "v"), ("b", "r", "v"))],
        [one("w", ("a", "r", "v"), ("c", "r", "v"))],
    )


# --------------------------------------------------------------------------- carried load


def _carried_instance(demand, replicas):
    # Three sites offering 's' (rps 1.2) and 'b' (rps 2.0): at x and y 's' costs
    # 1.0/h and 'b' 1.5/h; z is 0.1/h dearer for both (so two replicas pick x, y).
    hw = [
        {"id": "s", "kind": "rented", "memory_gb": 80},
        {"id": "b", "kind": "rented", "memory_gb": 80},
    ]
    offers = []
    for sid, extra in (("x", 0.0), ("y", 0.0), ("z", 0.1)):
        offers += [
            rented_offer(sid, 1.0 + extra, hw="s"),
            rented_offer(sid, 1.5 + extra, hw="b"),
        ]
    return make(
        sites=[site("x"), site("y"), site("z")],
        hardware=hw,
        offers=offers,
        profiles=[
            {"model": "m", "variant": "v", "hardware": "s", "rps": 1.2},
            {"model": "m", "variant": "v", "hardware": "b", "rps": 2.0},
        ],
        workloads=[workload(demand=demand, replicas=replicas)],
    )


def test_carried_load_is_demand_over_replicas_minus_one():
    # replicas 3: carried = demand / (3 - 1).
    # demand 2 -> carried 1.0: 's' 1 unit (1/1.2 <= 1) costs 1.0 < 'b' 1.5 -> s everywhere
    #   (at z: 1.1 < 1.6).
    # demand 3 -> carried 1.5: 's' needs 2 units (1.5/1.2 = 1.25) = 2.0 > 'b' 1 unit
    #   (1.5/2 = 0.75) = 1.5 -> b everywhere (at z: 2.2 > 1.6).
    #   (Reading demand/replicas = 1.0 would keep 's'.)
    pf, pb = bind(
        _carried_instance(2, 3),
        _carried_instance(3, 3),
        [one("w", ("x", "s", "v"), ("y", "s", "v"), ("z", "s", "v"))],
        [one("w", ("x", "b", "v"), ("y", "b", "v"), ("z", "b", "v"))],
    )
    for a in pb["periods"][0]["assignments"]:
        assert a["carried_rps"] == pytest.approx(1.5)
    for a in pf["periods"][0]["assignments"]:
        assert a["carried_rps"] == pytest.approx(1.0)
    assert units(pb, 0) == {("x", "b"): (1, 0), ("y", "b"): (1, 0), ("z", "b"): (1, 0)}


def test_carried_load_two_replicas_each_carry_whole_demand():
    # replicas 2: carried = demand / 1 = demand.
    # replicas 2, demand 1.0 -> each replica carries 1.0 -> one 's' at x and y.
    # replicas 2, demand 1.5 -> each replica carries 1.5 -> 'b' at two sites.
    #   (Reading demand/replicas = 0.75 would pick 's'.)
    _, pb = bind(
        _carried_instance(1.0, 2),
        _carried_instance(1.5, 2),
        [one("w", ("x", "s", "v"), ("y", "s", "v"))],
        [one("w", ("x", "b", "v"), ("y", "b", "v"))],
    )
    for a in pb["periods"][0]["assignments"]:
        assert a["carried_rps"] == pytest.approx(1.5)


# --------------------------------------------------------------------------- capacity


def test_capacity_with_max_utilization():
    # demand 1; 's' rps 1.2 at 1.0/h, 'b' rps 2.0 at 1.5/h, one site.
    # max_utilization 1.0: 1/1.2 = 0.833 <= 1 x 1 -> one 's' (1.0)  <- optimum
    # max_utilization 0.8: 0.833 > 0.8 -> 's' needs 2 units (2.0);
    #   'b': 1/2 = 0.5 <= 0.8 -> one 'b' (1.5)  <- optimum
    hw = [
        {"id": "s", "kind": "rented", "memory_gb": 80},
        {"id": "b", "kind": "rented", "memory_gb": 80},
    ]
    d = make(
        sites=[site("a")],
        hardware=hw,
        offers=[rented_offer("a", 1.0, hw="s"), rented_offer("a", 1.5, hw="b")],
        profiles=[
            {"model": "m", "variant": "v", "hardware": "s", "rps": 1.2},
            {"model": "m", "variant": "v", "hardware": "b", "rps": 2.0},
        ],
        workloads=[workload(demand=1)],
        max_utilization=1.0,
    )
    bound = copy.deepcopy(d)
    bound["policy"]["max_utilization"] = 0.8
    pf, pb = bind(d, bound, [one("w", ("a", "s", "v"))], [one("w", ("a", "b", "v"))])
    assert units(pf, 0) == {("a", "s"): (1, 0)}
    assert units(pb, 0) == {("a", "b"): (1, 0)}


def test_capacity_units_are_integers_shared_by_workloads():
    # Two workloads of 0.6 rps on the same site/hardware (rps 1, util 1):
    # 0.6 + 0.6 = 1.2 -> 2 units (integer), not 1.2.
    d = make(
        sites=[site("a")],
        offers=[rented_offer("a", 1.0)],
        workloads=[workload("w1", demand=0.6), workload("w2", demand=0.6)],
    )
    pd = run(d)
    assert units(pd, 0) == {("a", "r"): (2, 0)}
    # 2 x 730 = 1460
    assert pd["npv"] == pytest.approx(1460.0, rel=1e-6)


# --------------------------------------------------------------------------- max_units


def test_max_units():
    # demand 2 on 1-rps units. a 1.0/h, b 1.5/h.
    # no cap: 2 units at a (1460) ; max_units 2 (boundary): still a ;
    # max_units 1 at a: a cannot carry 2 rps -> b (2 units, 2190).
    d = make(
        sites=[site("a"), site("b")],
        offers=[rented_offer("a", 1.0), rented_offer("b", 1.5)],
        workloads=[workload(demand=2)],
    )
    edge = copy.deepcopy(d)
    edge["offers"][0]["max_units"] = 2
    bound = copy.deepcopy(d)
    bound["offers"][0]["max_units"] = 1
    _, pb = bind(d, bound, [one("w", ("a", "r", "v"))], [one("w", ("b", "r", "v"))])
    assert units(pb, 0) == {("b", "r"): (2, 0)}
    assert placement(run(edge)) == [one("w", ("a", "r", "v"))]


# --------------------------------------------------------------------------- owned units


def test_existing_units_are_used_without_capex():
    # Owned 'o' at site o: capex 10000, lifetime 12, maintenance 5/month; cloud c 1.0/h.
    # existing_units 0: buying costs 10000 - residual 10000 x (1 - 1/12) = 833.33,
    #   + 5 maintenance = 838.33 > 730 at c -> c.
    # existing_units 1: only maintenance 5 -> o, bought 0.
    d = make(
        sites=[site("c"), site("o", kind="onprem")],
        hardware=[RENTED, owned_hw(capex=10000, lifetime_months=12, maintenance_per_month=5)],
        offers=[rented_offer("c", 1.0), {"site": "o", "hardware": "o", "max_units": 2}],
        workloads=[workload(demand=1)],
    )
    bound = copy.deepcopy(d)
    bound["offers"][1]["existing_units"] = 1
    _, pb = bind(d, bound, [one("w", ("c", "r", "v"))], [one("w", ("o", "o", "v"))])
    assert units(pb, 0) == {("o", "o"): (1, 0)}
    assert pb["npv"] == pytest.approx(5.0, rel=1e-6)
    assert pb["residual_value"] == pytest.approx(0.0, abs=1e-6)


def _never_sold_instance(demand):
    # Owned 'o': capex 100, maintenance 50/month, lifetime 1 (residual always 0);
    # cloud c: 125 per unit-month. Two 1-month periods.
    return make(
        sites=[site("c"), site("o", kind="onprem")],
        hardware=[RENTED, owned_hw(capex=100, lifetime_months=1, maintenance_per_month=50)],
        offers=[rented_offer("c", 125 / 730), {"site": "o", "hardware": "o"}],
        workloads=[workload(demand=demand)],
        periods=[{"name": "p1", "months": 1}, {"name": "p2", "months": 1}],
    )


def test_owned_units_are_never_sold():
    # demand [2, 2]: o both periods = 200 capex + 100 + 100 maintenance = 400
    #   vs c both = 4 x 125 = 500 -> o.
    # demand [2, 1]: units cannot be sold, so o both still costs 400 (2 units
    #   kept in p2), c both = 3 x 125 = 375; c then o = 250 + 100 + 50 = 400;
    #   o then c = 300 + 100 + 125 = 525 -> c both periods.
    #   (If the 2nd unit could be dropped in p2, o would cost 350 and win.)
    ow = ("o", "o", "v")
    cl = ("c", "r", "v")
    pf, _ = bind(
        _never_sold_instance([2, 2]),
        _never_sold_instance([2, 1]),
        [one("w", ow), one("w", ow)],
        [one("w", cl), one("w", cl)],
    )
    assert units(pf, 0) == {("o", "o"): (2, 2)}
    assert units(pf, 1) == {("o", "o"): (2, 0)}


def test_owned_units_stay_in_service_after_demand_falls():
    # Only the owned option: demand [2, 1] -> buy 2 in p1, still 2 owned in p2
    # with maintenance 2 x 50 = 100 in p2.
    d = _never_sold_instance([2, 1])
    d["sites"] = [d["sites"][1]]
    d["hardware"] = [d["hardware"][1]]
    d["offers"] = [d["offers"][1]]
    d["network"]["links"] = [{"a": "u", "b": "o", "latency_ms": 1}]
    d["profiles"] = [{"model": "m", "variant": "v", "hardware": "o", "rps": 1.0}]
    pd = run(d)
    assert units(pd, 0) == {("o", "o"): (2, 2)}
    assert units(pd, 1) == {("o", "o"): (2, 0)}
    assert pd["periods"][1]["costs"]["maintenance"] == pytest.approx(100.0)
    # npv = 200 + 100 + 100 = 400
    assert pd["npv"] == pytest.approx(400.0, rel=1e-6)


# --------------------------------------------------------------------------- lead time


def _lead_instance(lead):
    # Owned 'o' capex 100, lifetime 6; cloud c 1.0/h (2190 per 3-month period).
    # Periods 3 + 3 months (t = 0, 3). Owned is far cheaper whenever allowed.
    return make(
        sites=[site("c"), site("o", kind="onprem")],
        hardware=[RENTED, owned_hw(capex=100, lifetime_months=6, lead_time_months=lead)],
        offers=[rented_offer("c", 1.0), {"site": "o", "hardware": "o"}],
        workloads=[workload(demand=1)],
        periods=[{"name": "p1", "months": 3}, {"name": "p2", "months": 3}],
    )


def test_lead_time():
    ow = ("o", "o", "v")
    cl = ("c", "r", "v")
    # lead 0: buy in p1 -> o, o.  lead 3: p1 starts at 0 < 3 -> c; p2 starts at 3 >= 3 -> o.
    _, pb = bind(
        _lead_instance(0),
        _lead_instance(3),
        [one("w", ow), one("w", ow)],
        [one("w", cl), one("w", ow)],
    )
    assert units(pb, 1) == {("o", "o"): (1, 1)}
    # lead 4: p2 starts at 3 < 4 -> no purchase in the horizon -> c, c.
    assert placement(run(_lead_instance(4))) == [one("w", cl), one("w", cl)]


# --------------------------------------------------------------------------- site power


def test_site_power_cap():
    # demand 3 -> 3 owned units of 500 W = 1.5 kW at o (capex 100 each, lifetime 1)
    # vs 3 rented units at c (2190). power_kw 1.0 forbids the 3 units -> c.
    # power_kw 1.5 (boundary) still allows o.
    d = make(
        sites=[site("c"), site("o", kind="onprem")],
        hardware=[RENTED, owned_hw(capex=100, lifetime_months=1, power_w=500)],
        offers=[rented_offer("c", 1.0), {"site": "o", "hardware": "o"}],
        workloads=[workload(demand=3)],
    )
    bound = copy.deepcopy(d)
    bound["sites"][1]["power_kw"] = 1.0
    edge = copy.deepcopy(d)
    edge["sites"][1]["power_kw"] = 1.5
    pf, _ = bind(d, bound, [one("w", ("o", "o", "v"))], [one("w", ("c", "r", "v"))])
    assert units(pf, 0) == {("o", "o"): (3, 3)}
    assert placement(run(edge)) == [one("w", ("o", "o", "v"))]


# --------------------------------------------------------------------------- bandwidth


def test_link_bandwidth():
    # traffic = demand x (request_kb + response_kb) x 8 / 1000 = 1 x 125 x 8 / 1000 = 1.0 Mbit/s
    # a (1.0/h) behind link u-a; b (1.5/h) behind u-b.
    # u-a bandwidth 1.0 (boundary) -> a ; 0.9 -> b.
    d = make(
        sites=[site("a"), site("b")],
        offers=[rented_offer("a", 1.0), rented_offer("b", 1.5)],
        workloads=[workload(demand=1, request_kb=50, response_kb=75)],
        links=[
            {"a": "u", "b": "a", "latency_ms": 1, "bandwidth_mbps": 1.0},
            {"a": "u", "b": "b", "latency_ms": 1},
        ],
    )
    bound = copy.deepcopy(d)
    bound["network"]["links"][0]["bandwidth_mbps"] = 0.9
    pf, pb = bind(d, bound, [one("w", ("a", "r", "v"))], [one("w", ("b", "r", "v"))])
    assert pf["periods"][0]["link_load_mbps"] == {
        "a|u": pytest.approx(1.0),
        "b|u": pytest.approx(0.0, abs=1e-9),
    }
    assert pb["periods"][0]["link_load_mbps"] == {
        "a|u": pytest.approx(0.0, abs=1e-9),
        "b|u": pytest.approx(1.0),
    }


def test_link_bandwidth_is_summed_over_workloads():
    # Two workloads of 0.6 Mbit/s each (1 x 75 x 8 / 1000); link u-a carries 1.0:
    # without the cap both go to a; with it only one fits, the other goes to b.
    d = make(
        sites=[site("a"), site("b")],
        offers=[rented_offer("a", 1.0), rented_offer("b", 1.5)],
        workloads=[
            workload("w1", demand=1, request_kb=25, response_kb=50),
            workload("w2", demand=1, request_kb=25, response_kb=50),
        ],
        links=[
            {"a": "u", "b": "a", "latency_ms": 1},
            {"a": "u", "b": "b", "latency_ms": 1},
        ],
    )
    bound = copy.deepcopy(d)
    bound["network"]["links"][0]["bandwidth_mbps"] = 1.0
    pf, pb = run(d), run(bound)
    assert placement(pf) == [{"w1": [("a", "r", "v")], "w2": [("a", "r", "v")]}]
    sites = sorted(a["site"] for a in pb["periods"][0]["assignments"])
    assert sites == ["a", "b"]
    assert pb["periods"][0]["link_load_mbps"]["a|u"] == pytest.approx(0.6)
    assert pf["periods"][0]["link_load_mbps"]["a|u"] == pytest.approx(1.2)


# --------------------------------------------------------------------------- max_migrations


def test_max_migrations():
    # w1 (2 rps) and w2 (1 rps) both at a (1.0/h); b at 0.5/h; no migration cost.
    # Moving w1 saves 730/month, w2 365/month.
    # No limit: both move in p1. p1 max_migrations 1: w1 moves in p1, w2 in p2.
    cur = {"site": "a", "hardware": "r", "variant": "v"}
    d = make(
        sites=[site("a", active_at_start=True), site("b")],
        offers=[rented_offer("a", 1.0), rented_offer("b", 0.5)],
        workloads=[workload("w1", demand=2, current=cur), workload("w2", demand=1, current=cur)],
        periods=[{"name": "p1", "months": 1}, {"name": "p2", "months": 1}],
    )
    bound = copy.deepcopy(d)
    bound["horizon"]["periods"][0]["max_migrations"] = 1
    A, B = ("a", "r", "v"), ("b", "r", "v")
    pf, pb = bind(
        d,
        bound,
        [{"w1": [B], "w2": [B]}, {"w1": [B], "w2": [B]}],
        [{"w1": [B], "w2": [A]}, {"w1": [B], "w2": [B]}],
    )
    assert sorted(pf["periods"][0]["moves"]) == ["w1", "w2"]
    assert pb["periods"][0]["moves"] == ["w1"]
    assert pb["periods"][1]["moves"] == ["w2"]


# --------------------------------------------------------------------------- pilot


def test_pilot_moves_only_low_criticality():
    # current a (1.0/h), b 0.5/h; p1 is a pilot. A low-criticality workload moves
    # in p1; a high-criticality one has to wait for p2.
    def inst(crit):
        return make(
            sites=[site("a", active_at_start=True), site("b")],
            offers=[rented_offer("a", 1.0), rented_offer("b", 0.5)],
            workloads=[
                workload(
                    demand=1,
                    criticality=crit,
                    current={"site": "a", "hardware": "r", "variant": "v"},
                )
            ],
            periods=[{"name": "p1", "months": 1, "pilot": True}, {"name": "p2", "months": 1}],
        )

    A, B = ("a", "r", "v"), ("b", "r", "v")
    _, pb = bind(inst("low"), inst("high"), [one("w", B), one("w", B)], [one("w", A), one("w", B)])
    assert pb["periods"][0]["moves"] == []
    assert pb["periods"][1]["moves"] == ["w"]
    # Without the pilot flag a high-criticality workload moves in p1.
    no_pilot = inst("high")
    no_pilot["horizon"]["periods"][0]["pilot"] = False
    assert placement(run(no_pilot)) == [one("w", B), one("w", B)]


# --------------------------------------------------------------------------- capex budget


def test_capex_budget_counts_rebated_capex():
    # demand 2 -> 2 owned units at o: capex 1000 each, rebate 0.5 -> capex spent
    # 2 x 1000 x 0.5 = 1000. Cloud c at 10/h (14600 for 2 units) is far worse.
    # budget 1000 (boundary, rebated spend) -> o ; budget 900 -> c.
    d = make(
        sites=[site("c"), site("o", kind="onprem", capex_rebate=0.5)],
        hardware=[RENTED, owned_hw(capex=1000, lifetime_months=12)],
        offers=[rented_offer("c", 10.0), {"site": "o", "hardware": "o"}],
        workloads=[workload(demand=2)],
    )
    edge = copy.deepcopy(d)
    edge["horizon"]["periods"][0]["capex_budget"] = 1000
    bound = copy.deepcopy(d)
    bound["horizon"]["periods"][0]["capex_budget"] = 900
    pf, _ = bind(d, bound, [one("w", ("o", "o", "v"))], [one("w", ("c", "r", "v"))])
    assert units(pf, 0) == {("o", "o"): (2, 2)}
    pe = run(edge)
    assert placement(pe) == [one("w", ("o", "o", "v"))]
    assert pe["periods"][0]["costs"]["capex"] == pytest.approx(1000.0)


# --------------------------------------------------------------------------- residency


def test_residency():
    # n (no jurisdiction) 0.5/h, a (US) 1.0/h, b (EU) 2.0/h.
    # residency absent or [] -> n ; [EU] -> b (n has no jurisdiction: fails every list).
    d = make(
        sites=[site("n"), site("a", jurisdiction="US"), site("b", jurisdiction="EU")],
        offers=[rented_offer("n", 0.5), rented_offer("a", 1.0), rented_offer("b", 2.0)],
        workloads=[workload(demand=1)],
    )
    bound = copy.deepcopy(d)
    bound["workloads"][0]["residency"] = ["EU"]
    bind(d, bound, [one("w", ("n", "r", "v"))], [one("w", ("b", "r", "v"))])
    empty = copy.deepcopy(d)
    empty["workloads"][0]["residency"] = []
    assert placement(run(empty)) == [one("w", ("n", "r", "v"))]
    us = copy.deepcopy(d)
    us["workloads"][0]["residency"] = ["US", "EU"]
    assert placement(run(us)) == [one("w", ("a", "r", "v"))]


# --------------------------------------------------------------------------- allowed kinds


def test_allowed_kinds():
    # a cloud 1.0/h, e edge 2.0/h. default -> a ; allowed_kinds [edge] -> e.
    d = make(
        sites=[site("a", kind="cloud"), site("e", kind="edge")],
        offers=[rented_offer("a", 1.0), rented_offer("e", 2.0)],
        workloads=[workload(demand=1)],
    )
    bound = copy.deepcopy(d)
    bound["workloads"][0]["allowed_kinds"] = ["edge", "onprem"]
    bind(d, bound, [one("w", ("a", "r", "v"))], [one("w", ("e", "r", "v"))])


# --------------------------------------------------------------------------- min quality


def test_min_quality():
    # variants int4 (quality 0.9, rps 2) and fp16 (quality 1.0, rps 1); demand 2.
    # int4: 1 unit (730) ; fp16: 2 units (1460).
    # min_quality absent or 0.9 (boundary, >=) -> int4 ; 0.95 -> fp16.
    d = make(
        sites=[site("a")],
        offers=[rented_offer("a", 1.0)],
        models=[
            {
                "id": "m",
                "variants": [
                    {"id": "int4", "memory_gb": 5, "quality": 0.9},
                    {"id": "fp16", "memory_gb": 16, "quality": 1.0},
                ],
            }
        ],
        profiles=[
            {"model": "m", "variant": "int4", "hardware": "r", "rps": 2.0},
            {"model": "m", "variant": "fp16", "hardware": "r", "rps": 1.0},
        ],
        workloads=[workload(demand=2)],
    )
    bound = copy.deepcopy(d)
    bound["workloads"][0]["min_quality"] = 0.95
    edge = copy.deepcopy(d)
    edge["workloads"][0]["min_quality"] = 0.9
    _, pb = bind(d, bound, [one("w", ("a", "r", "int4"))], [one("w", ("a", "r", "fp16"))])
    assert units(pb, 0) == {("a", "r"): (2, 0)}
    assert placement(run(edge)) == [one("w", ("a", "r", "int4"))]


# --------------------------------------------------------------------------- memory


def test_memory():
    # variant needs 16 GB. 'small' (1.0/h) vs 'big' 24 GB (2.0/h) at a.
    # small with 16 GB (boundary, <=) -> small ; small with 8 GB -> big.
    def inst(small_mem):
        hw = [
            {"id": "small", "kind": "rented", "memory_gb": small_mem},
            {"id": "big", "kind": "rented", "memory_gb": 24},
        ]
        return make(
            sites=[site("a")],
            hardware=hw,
            offers=[rented_offer("a", 1.0, hw="small"), rented_offer("a", 2.0, hw="big")],
            models=[{"id": "m", "variants": [{"id": "v", "memory_gb": 16}]}],
            workloads=[workload(demand=1)],
        )

    bind(inst(16), inst(8), [one("w", ("a", "small", "v"))], [one("w", ("a", "big", "v"))])


# --------------------------------------------------------------------------- latency


def test_latency_slo():
    # a (1.0/h) 50 ms away, b (2.0/h) 5 ms away; profile latency 100 ms.
    # a: 2 x 50 + 100 = 200 ; b: 2 x 5 + 100 = 110.
    # SLO 200 (boundary) -> a ; SLO 190 -> b.
    d = make(
        sites=[site("a"), site("b")],
        offers=[rented_offer("a", 1.0), rented_offer("b", 2.0)],
        profiles=[{"model": "m", "variant": "v", "hardware": "r", "rps": 1.0, "latency_ms": 100}],
        links=[{"a": "u", "b": "a", "latency_ms": 50}, {"a": "u", "b": "b", "latency_ms": 5}],
        workloads=[workload(demand=1, latency_slo_ms=200)],
    )
    bound = copy.deepcopy(d)
    bound["workloads"][0]["latency_slo_ms"] = 190
    pf, pb = bind(d, bound, [one("w", ("a", "r", "v"))], [one("w", ("b", "r", "v"))])
    assert pf["periods"][0]["assignments"][0]["latency_ms"] == pytest.approx(200.0)
    assert pb["periods"][0]["assignments"][0]["latency_ms"] == pytest.approx(110.0)


def test_latency_uses_min_latency_multi_hop_path():
    # a is reached directly in 60 ms, or via x in 10 + 10 = 20 ms; profile 100.
    # min-latency path: 2 x 20 + 100 = 140 <= 150 -> a (1.0/h) is allowed.
    # Without the u-x-a route only the 60 ms link: 2 x 60 + 100 = 220 > 150 -> b.
    d = make(
        sites=[site("a"), site("b")],
        offers=[rented_offer("a", 1.0), rented_offer("b", 2.0)],
        profiles=[{"model": "m", "variant": "v", "hardware": "r", "rps": 1.0, "latency_ms": 100}],
        links=[
            {"a": "u", "b": "a", "latency_ms": 60},
            {"a": "u", "b": "x", "latency_ms": 10},
            {"a": "x", "b": "a", "latency_ms": 10},
            {"a": "u", "b": "b", "latency_ms": 5},
        ],
        workloads=[workload(demand=1, latency_slo_ms=150)],
    )
    bound = copy.deepcopy(d)
    bound["network"]["links"][2]["latency_ms"] = 100  # u-x-a now 110 ms; direct 60 wins
    pf, _ = bind(d, bound, [one("w", ("a", "r", "v"))], [one("w", ("b", "r", "v"))])
    assert pf["periods"][0]["assignments"][0]["latency_ms"] == pytest.approx(140.0)


# ------------------------------------------------------------------ connectivity / profiles


def test_disconnected_site_is_excluded():
    # a (1.0/h) sits on node 'na'; in the bound variant 'na' is linked only to 'z',
    # not to the origin u, so a is unreachable -> b (2.0/h).
    d = make(
        sites=[site("a", node="na"), site("b")],
        offers=[rented_offer("a", 1.0), rented_offer("b", 2.0)],
        links=[{"a": "u", "b": "na", "latency_ms": 1}, {"a": "u", "b": "b", "latency_ms": 1}],
        workloads=[workload(demand=1)],
    )
    bound = copy.deepcopy(d)
    bound["network"]["links"][0] = {"a": "z", "b": "na", "latency_ms": 1}
    bind(d, bound, [one("w", ("a", "r", "v"))], [one("w", ("b", "r", "v"))])


def test_missing_profile_is_incompatible():
    # 'cheap' (1.0/h) has no profile for (m, v) in the bound variant -> 'dear'.
    hw = [
        {"id": "cheap", "kind": "rented", "memory_gb": 80},
        {"id": "dear", "kind": "rented", "memory_gb": 80},
    ]
    d = make(
        sites=[site("a")],
        hardware=hw,
        offers=[rented_offer("a", 1.0, hw="cheap"), rented_offer("a", 2.0, hw="dear")],
        workloads=[workload(demand=1)],
    )
    bound = copy.deepcopy(d)
    bound["profiles"] = [p for p in bound["profiles"] if p["hardware"] != "cheap"]
    bind(d, bound, [one("w", ("a", "cheap", "v"))], [one("w", ("a", "dear", "v"))])


# --------------------------------------------------------------------------- evaluator catches


def test_evaluator_flags_a_tampered_plan():
    # Take a valid plan with residency [EU] (at b) and move the assignment to the
    # cheaper US site a: the evaluator must report a violation.
    d = make(
        sites=[site("a", jurisdiction="US"), site("b", jurisdiction="EU")],
        offers=[rented_offer("a", 1.0), rented_offer("b", 2.0)],
        workloads=[workload(demand=1, residency=["EU"])],
    )
    inst = load_instance(copy.deepcopy(d))
    pd = solve(inst, SolveOptions(gap=1e-9)).to_dict()
    assert pd["periods"][0]["assignments"][0]["site"] == "b"
    bad = copy.deepcopy(pd)
    bad["periods"][0]["assignments"][0]["site"] = "a"
    bad["periods"][0]["units"] = [{"site": "a", "hardware": "r", "units": 1, "bought": 0}]
    assert evaluate(inst, bad).violations


# --------------------------------------------------------------------------- infeasible


def test_no_feasible_placement_is_infeasible_not_an_exception():
    # The only site is in the US; the workload must stay in the EU.
    d = make(
        sites=[site("a", jurisdiction="US")],
        offers=[rented_offer("a", 1.0)],
        workloads=[workload(demand=1, residency=["EU"])],
    )
    inst = load_instance(copy.deepcopy(d))
    plan = solve(inst, SolveOptions(gap=1e-9))
    assert plan.status == "infeasible"
    assert plan.to_dict()["status"] == "infeasible"


def test_capacity_shortfall_is_infeasible():
    # Demand 3 rps but at most 2 one-rps units exist anywhere.
    d = make(
        sites=[site("a")],
        offers=[rented_offer("a", 1.0, max_units=2)],
        workloads=[workload(demand=3)],
    )
    inst = load_instance(copy.deepcopy(d))
    plan = solve(inst, SolveOptions(gap=1e-9))
    assert plan.status == "infeasible"
