"""Hand-computed cost checks, written from the spec (PROBLEM.md, "Cost of a plan"
and "The baseline") independently of the implementation.

Every instance is tiny and its optimum obvious; the expected dollar figures are
derived by hand in the comments next to each assertion.

Constants used throughout (from the spec):
  * a month is 730 hours;
  * 1 rps for a month moves 3600 x 730 = 2,628,000 requests; at 1 KB = 1000 bytes
    and 1 GB = 1e9 bytes that is 2.628 GB per KB of payload;
  * period p starts at month t_p (t_1 = 0) and all its costs are discounted by
    (1 + r)^(-t_p / 12); the residual value by (1 + r)^(-T / 12), T = horizon months.
"""

from __future__ import annotations

import copy

import pytest

from placement import SolveOptions, evaluate, load_instance, solve

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


# --------------------------------------------------------------------------- helpers


def close(x: float):
    return pytest.approx(x, rel=1e-6, abs=1e-6)


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
    """An instance dict in the spec's format. Defaults: one 1-month period, rate 0,
    one rented hardware 'r', model 'm' with variant 'v' (10 GB), every hardware
    serving (m, v) at 1 rps with 0 ms, and a 1 ms link from origin 'u' to each
    site's node (node = site id unless given)."""
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
        "name": "hand",
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


def run(d: dict):
    """Solve to proven optimality, check the plan against the independent
    evaluator, and return (plan_dict, evaluation)."""
    inst = load_instance(copy.deepcopy(d))
    plan = solve(inst, SolveOptions(gap=1e-9))
    assert plan.status == "optimal"
    pd = plan.to_dict()
    assert pd["status"] == "optimal"
    ev = evaluate(inst, pd)
    assert list(ev.violations) == []
    assert ev.npv == pytest.approx(pd["npv"], rel=1e-6, abs=1e-6)
    return pd, ev


def costs(pd: dict, i: int) -> dict:
    c = pd["periods"][i]["costs"]
    for k in COST_KEYS:
        assert k in c, f"cost category {k!r} missing in period {i}"
    return c


def assert_only(pd: dict, i: int, **expected: float) -> None:
    """Period i's undiscounted costs: the given categories equal the given values,
    every other category is 0."""
    c = costs(pd, i)
    for k in COST_KEYS:
        assert c[k] == close(expected.get(k, 0.0)), (i, k, c[k], expected.get(k, 0.0))


def placed(pd: dict, i: int, wid: str = "w") -> list[tuple[str, str, str]]:
    return sorted(
        (a["site"], a["hardware"], a["variant"])
        for a in pd["periods"][i]["assignments"]
        if a["workload"] == wid
    )


def units(pd: dict, i: int) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (u["site"], u["hardware"]): (round(u["units"]), round(u["bought"]))
        for u in pd["periods"][i]["units"]
    }


# --------------------------------------------------------------------------- rented


def test_rented_units_price_hours_months():
    # demand 1.5 rps on 1-rps units, max_utilization 1 -> ceil(1.5) = 2 units.
    # rented = units x price_per_hour x 730 x months = 2 x 1.25 x 730 x 3 = 5475
    d = make(
        sites=[site("a")],
        offers=[rented_offer("a", 1.25)],
        workloads=[workload(demand=1.5)],
        periods=[{"name": "p1", "months": 3}],
    )
    pd, _ = run(d)
    assert placed(pd, 0) == [("a", "r", "v")]
    assert units(pd, 0) == {("a", "r"): (2, 0)}
    assert_only(pd, 0, rented=5475.0)
    assert pd["npv"] == close(5475.0)
    assert pd["residual_value"] == close(0.0)
    assert pd["periods"][0]["start_month"] == 0
    assert pd["periods"][0]["months"] == 3
    assert pd["periods"][0]["assignments"][0]["carried_rps"] == close(1.5)


# --------------------------------------------------------------------------- capex


def test_capex_with_rebate_and_expired_residual():
    # Only an owned option: capex 1000, rebate 0.25 at the site, demand 1.5 -> buy 2.
    # capex = bought x capex x (1 - rebate) = 2 x 1000 x 0.75 = 1500.
    # Residual: age = 12 months (whole horizon), lifetime 10:
    #   max(0, 1 - 12/10) = max(0, -0.2) = 0  -> residual 0 (clamped, not negative).
    # npv = 1500 (rate 0).
    d = make(
        sites=[site("o", kind="onprem", capex_rebate=0.25)],
        hardware=[owned_hw(capex=1000, lifetime_months=10)],
        offers=[{"site": "o", "hardware": "o"}],
        workloads=[workload(demand=1.5)],
        periods=[{"name": "p1", "months": 12}],
    )
    pd, _ = run(d)
    assert units(pd, 0) == {("o", "o"): (2, 2)}
    assert_only(pd, 0, capex=1500.0)
    assert pd["residual_value"] == close(0.0)
    assert pd["npv"] == close(1500.0)


# --------------------------------------------------------------------------- maintenance


def test_maintenance_on_all_owned_units_used_or_not():
    # existing_units 3 (no capex: they are not bought within the horizon); the
    # workload needs 1 unit, but maintenance is paid on every owned unit.
    # p1 (2 months): 3 x 10 x 2 = 60 ; p2 (4 months): 3 x 10 x 4 = 120.
    # Nothing bought -> residual 0.  npv = 60 + 120 = 180 (rate 0).
    d = make(
        sites=[site("o", kind="onprem")],
        hardware=[owned_hw(capex=1000, lifetime_months=12, maintenance_per_month=10)],
        offers=[{"site": "o", "hardware": "o", "max_units": 3, "existing_units": 3}],
        workloads=[workload(demand=1)],
        periods=[{"name": "p1", "months": 2}, {"name": "p2", "months": 4}],
    )
    pd, _ = run(d)
    assert units(pd, 0) == {("o", "o"): (3, 0)}
    assert units(pd, 1) == {("o", "o"): (3, 0)}
    assert_only(pd, 0, maintenance=60.0)
    assert_only(pd, 1, maintenance=120.0)
    assert pd["residual_value"] == close(0.0)
    assert pd["npv"] == close(180.0)


# --------------------------------------------------------------------------- energy


def test_energy_with_pue():
    # 2 existing owned units of 500 W; energy 0.2 /kWh, PUE 1.5, 2 months:
    # owned x power_w/1000 x 730 x months x pue x energy_per_kwh
    #   = 2 x 0.5 x 730 x 2 x 1.5 x 0.2 = 1 x 730 = 730; x2 = 1460; x1.5 = 2190; x0.2 = 438
    d = make(
        sites=[site("o", kind="onprem", energy_per_kwh=0.2, pue=1.5)],
        hardware=[owned_hw(capex=1000, lifetime_months=12, power_w=500)],
        offers=[{"site": "o", "hardware": "o", "max_units": 2, "existing_units": 2}],
        workloads=[workload(demand=1.5)],
        periods=[{"name": "p1", "months": 2}],
    )
    pd, _ = run(d)
    assert units(pd, 0) == {("o", "o"): (2, 0)}
    assert_only(pd, 0, energy=438.0)
    assert pd["npv"] == close(438.0)


# --------------------------------------------------------------------------- egress


def test_egress_single_replica():
    # demand 2, load_factor 0.5, response 10 KB (request 5 KB is not egress):
    # volume = 2 x 0.5 x 10 x 2.628 = 26.28 GB/month; x 0.1 $/GB x 3 months = 7.884
    # rented: 2 units x 0.01 x 730 x 3 = 43.8
    # npv = 43.8 + 7.884 = 51.684
    d = make(
        sites=[site("a", egress_per_gb=0.1)],
        offers=[rented_offer("a", 0.01)],
        workloads=[workload(demand=2, load_factor=0.5, request_kb=5, response_kb=10)],
        periods=[{"name": "p1", "months": 3}],
    )
    pd, _ = run(d)
    assert_only(pd, 0, rented=43.8, egress=7.884)
    assert pd["npv"] == close(51.684)


def test_egress_per_replica_uses_demand_over_replicas():
    # replicas 2 at sites a (0.1 $/GB) and b (0.2 $/GB), demand 2, lf 0.5, resp 10 KB.
    # carried per replica = 2 / (2 - 1) = 2 -> 2 units at each site.
    # rented = 4 units x 0.01 x 730 x 3 = 87.6
    # each replica's volume = (2/2) x 0.5 x 10 x 2.628 = 13.14 GB/month
    # egress = 13.14 x 0.1 x 3 + 13.14 x 0.2 x 3 = 3.942 + 7.884 = 11.826
    # npv = 87.6 + 11.826 = 99.426
    d = make(
        sites=[site("a", egress_per_gb=0.1), site("b", egress_per_gb=0.2)],
        offers=[rented_offer("a", 0.01), rented_offer("b", 0.01)],
        workloads=[workload(demand=2, load_factor=0.5, request_kb=5, response_kb=10, replicas=2)],
        periods=[{"name": "p1", "months": 3}],
    )
    pd, _ = run(d)
    assert placed(pd, 0) == [("a", "r", "v"), ("b", "r", "v")]
    assert units(pd, 0) == {("a", "r"): (2, 0), ("b", "r"): (2, 0)}
    for a in pd["periods"][0]["assignments"]:
        assert a["carried_rps"] == close(2.0)
    assert_only(pd, 0, rented=87.6, egress=11.826)
    assert pd["npv"] == close(99.426)


# --------------------------------------------------------------------------- transfer


def test_transfer_over_multi_link_min_latency_path():
    # Links: u-x (1 ms, 0.01 $/GB), x-na (1 ms, 0.02 $/GB), u-na (5 ms, free).
    # The min-latency path u-x-na (2 ms) is used even though the direct link is free.
    # volume = 2 x 0.5 x (5 + 10) x 2.628 = 39.42 GB/month
    # transfer = 39.42 x (0.01 + 0.02) x 3 months = 1.1826 x 3 = 3.5478
    # rented = 2 x 0.01 x 730 x 3 = 43.8 ; egress 0 (site default)
    # npv = 43.8 + 3.5478 = 47.3478
    # latency_ms = 2 x 2 + profile 10 = 14
    # link load (peak, per replica) = 2 x (5 + 10) x 8 / 1000 = 0.24 Mbit/s on u|x and na|x
    d = make(
        sites=[site("a", node="na")],
        offers=[rented_offer("a", 0.01)],
        workloads=[workload(demand=2, load_factor=0.5, request_kb=5, response_kb=10)],
        periods=[{"name": "p1", "months": 3}],
        links=[
            {"a": "u", "b": "x", "latency_ms": 1, "cost_per_gb": 0.01},
            {"a": "x", "b": "na", "latency_ms": 1, "cost_per_gb": 0.02},
            {"a": "u", "b": "na", "latency_ms": 5},
        ],
        profiles=[{"model": "m", "variant": "v", "hardware": "r", "rps": 1.0, "latency_ms": 10}],
    )
    pd, _ = run(d)
    assert_only(pd, 0, rented=43.8, transfer=3.5478)
    assert pd["npv"] == close(47.3478)
    (a,) = pd["periods"][0]["assignments"]
    assert a["latency_ms"] == close(14.0)
    loads = pd["periods"][0]["link_load_mbps"]
    assert set(loads) == {"u|x", "na|x", "na|u"}
    assert loads["u|x"] == close(0.24)
    assert loads["na|x"] == close(0.24)
    assert loads["na|u"] == close(0.0)


# --------------------------------------------------------------------------- site fixed


def test_site_fixed_per_active_period():
    # fixed_per_month 100: p1 (3 months) 300, p2 (2 months) 200.
    # rented 1 unit x 1.0 x 730: p1 2190, p2 1460.  npv = 2490 + 1660 = 4150.
    d = make(
        sites=[site("a", fixed_per_month=100)],
        offers=[rented_offer("a", 1.0)],
        workloads=[workload(demand=1)],
        periods=[{"name": "p1", "months": 3}, {"name": "p2", "months": 2}],
    )
    pd, _ = run(d)
    assert_only(pd, 0, rented=2190.0, site_fixed=300.0)
    assert_only(pd, 1, rented=1460.0, site_fixed=200.0)
    assert pd["npv"] == close(4150.0)


# --------------------------------------------------------------------------- activation


def test_activation_once_and_never_when_active_at_start():
    # Three 1-month periods. Workload currently at a (2.0/h, active_at_start, its
    # activation_cost 500 must never be charged). Site b costs 1.0/h and 100 to
    # activate. p1 allows no migration.
    #   stay at a:        1460 x 3                      = 4380
    #   move in p2:       1460 + (730 + 100) + 730      = 3020   <- optimum
    #   move in p3:       1460 + 1460 + (730 + 100)     = 3750
    # Activation: p1 0, p2 100 (first period b is active), p3 0 (only once).
    d = make(
        sites=[
            site("a", active_at_start=True, activation_cost=500),
            site("b", activation_cost=100),
        ],
        offers=[rented_offer("a", 2.0), rented_offer("b", 1.0)],
        workloads=[workload(demand=1, current={"site": "a", "hardware": "r", "variant": "v"})],
        periods=[
            {"name": "p1", "months": 1, "max_migrations": 0},
            {"name": "p2", "months": 1},
            {"name": "p3", "months": 1},
        ],
    )
    pd, _ = run(d)
    assert [placed(pd, i) for i in range(3)] == [
        [("a", "r", "v")],
        [("b", "r", "v")],
        [("b", "r", "v")],
    ]
    assert_only(pd, 0, rented=1460.0)
    assert_only(pd, 1, rented=730.0, activation=100.0)
    assert_only(pd, 2, rented=730.0)
    assert pd["npv"] == close(3020.0)


def test_activation_charged_in_first_period_only_for_new_site():
    # One site, not active at start, activation 250; two 1-month periods.
    # p1: 730 + 250 ; p2: 730.  npv = 1710.
    d = make(
        sites=[site("a", activation_cost=250)],
        offers=[rented_offer("a", 1.0)],
        workloads=[workload(demand=1)],
        periods=[{"name": "p1", "months": 1}, {"name": "p2", "months": 1}],
    )
    pd, _ = run(d)
    assert_only(pd, 0, rented=730.0, activation=250.0)
    assert_only(pd, 1, rented=730.0)
    assert pd["npv"] == close(1710.0)


# --------------------------------------------------------------------------- migration


def test_migration_cost_once_per_move():
    # current at a (1.0/h); b costs 0.5/h; migration_cost 100; two 1-month periods.
    #   stay:       730 + 730               = 1460
    #   move p1:    (100 + 365) + 365       = 830   <- optimum
    #   move p2:    730 + (100 + 365)       = 1195
    d = make(
        sites=[site("a"), site("b")],
        offers=[rented_offer("a", 1.0), rented_offer("b", 0.5)],
        workloads=[
            workload(
                demand=1,
                migration_cost=100,
                current={"site": "a", "hardware": "r", "variant": "v"},
            )
        ],
        periods=[{"name": "p1", "months": 1}, {"name": "p2", "months": 1}],
    )
    pd, _ = run(d)
    assert placed(pd, 0) == [("b", "r", "v")]
    assert pd["periods"][0]["moves"] == ["w"]
    assert pd["periods"][1]["moves"] == []
    assert_only(pd, 0, rented=365.0, migration=100.0)
    assert_only(pd, 1, rented=365.0)
    assert pd["npv"] == close(830.0)


def test_hardware_change_at_same_site_is_not_a_move():
    # current a/h1 (1.0/h); the same site offers h2 at 0.5/h; migration_cost 1000.
    # Changing hardware at the same site is not a move -> switch for free:
    #   h2: 365 (no migration)  vs  stay on h1: 730.
    # (Were it counted as a move, h2 would cost 1365 and the plan would stay on h1.)
    hw = [
        {"id": "h1", "kind": "rented", "memory_gb": 80},
        {"id": "h2", "kind": "rented", "memory_gb": 80},
    ]
    d = make(
        sites=[site("a")],
        hardware=hw,
        offers=[rented_offer("a", 1.0, hw="h1"), rented_offer("a", 0.5, hw="h2")],
        workloads=[
            workload(
                demand=1,
                migration_cost=1000,
                current={"site": "a", "hardware": "h1", "variant": "v"},
            )
        ],
    )
    pd, _ = run(d)
    assert placed(pd, 0) == [("a", "h2", "v")]
    assert pd["periods"][0]["moves"] == []
    assert_only(pd, 0, rented=365.0)
    assert pd["npv"] == close(365.0)


def test_migration_charged_once_per_workload_even_if_both_replicas_move():
    # replicas 2, current [a, b] at 2.0/h; c and d at 1.0/h; migration_cost 100.
    # carried = 1 / (2 - 1) = 1 -> 1 unit per replica.
    #   stay:          1460 + 1460              = 2920
    #   move one:      100 + 1460 + 730         = 2290
    #   move both:     100 + 730 + 730          = 1560   <- optimum (one move of w)
    d = make(
        sites=[site("a"), site("b"), site("c"), site("d")],
        offers=[
            rented_offer("a", 2.0),
            rented_offer("b", 2.0),
            rented_offer("c", 1.0),
            rented_offer("d", 1.0),
        ],
        workloads=[
            workload(
                demand=1,
                replicas=2,
                migration_cost=100,
                current=[
                    {"site": "a", "hardware": "r", "variant": "v"},
                    {"site": "b", "hardware": "r", "variant": "v"},
                ],
            )
        ],
    )
    pd, _ = run(d)
    assert placed(pd, 0) == [("c", "r", "v"), ("d", "r", "v")]
    assert pd["periods"][0]["moves"] == ["w"]
    assert_only(pd, 0, rented=1460.0, migration=100.0)
    assert pd["npv"] == close(1560.0)


# --------------------------------------------------------------------------- residual


def test_residual_value_single_period():
    # capex 1200, rebate 0.5, lifetime 24; bought in p1 (t=0), horizon T = 6.
    # capex cost = 1200 x 0.5 = 600
    # residual  = 1200 x 0.5 x max(0, 1 - 6/24) = 600 x 0.75 = 450 (undiscounted)
    # npv = 600 - 450 = 150 (rate 0)
    d = make(
        sites=[site("o", kind="onprem", capex_rebate=0.5)],
        hardware=[owned_hw(capex=1200, lifetime_months=24)],
        offers=[{"site": "o", "hardware": "o"}],
        workloads=[workload(demand=1)],
        periods=[{"name": "p1", "months": 6}],
    )
    pd, _ = run(d)
    assert units(pd, 0) == {("o", "o"): (1, 1)}
    assert_only(pd, 0, capex=600.0)
    assert pd["residual_value"] == close(450.0)
    assert pd["npv"] == close(150.0)


def test_residual_and_capex_discounted_purchase_after_lead_time():
    # Two 6-month periods, rate 0.10. Owned: capex 1200, rebate 0.25, lifetime 24,
    # lead_time 6 -> can be bought only in p2 (t_2 = 6 >= 6). Rented at c: 1.0/h.
    # p1 must rent: 1 x 1.0 x 730 x 6 = 4380 (undiscounted, factor 1).
    # p2 options (discount d2 = 1.1^(-6/12) = 0.9534625892):
    #   rent: 4380 x d2 = 4176.17
    #   buy 1 at o: capex 1200 x 0.75 = 900 (x d2 = 858.1163),
    #       residual: age = 12 - 6 = 6 -> 900 x (1 - 6/24) = 675, credited
    #       at T = 12: 675 x 1.1^-1 = 613.6364  -> net 244.48   <- optimum
    # npv = 4380 + 900 x 1.1^-0.5 - 675 / 1.1 = 4380 + 858.11633 - 613.63636 = 4624.47997
    d = make(
        sites=[site("c"), site("o", kind="onprem", capex_rebate=0.25)],
        hardware=[RENTED, owned_hw(capex=1200, lifetime_months=24, lead_time_months=6)],
        offers=[rented_offer("c", 1.0), {"site": "o", "hardware": "o"}],
        workloads=[workload(demand=1)],
        periods=[{"name": "p1", "months": 6}, {"name": "p2", "months": 6}],
        rate=0.10,
    )
    pd, _ = run(d)
    assert placed(pd, 0) == [("c", "r", "v")]
    assert placed(pd, 1) == [("o", "o", "v")]
    assert pd["periods"][1]["start_month"] == 6
    assert units(pd, 1) == {("o", "o"): (1, 1)}
    assert_only(pd, 0, rented=4380.0)
    assert_only(pd, 1, capex=900.0)
    assert pd["residual_value"] == close(675.0)
    expected = 4380 + 900 * 1.1**-0.5 - 675 * 1.1**-1
    assert expected == pytest.approx(4624.47997, abs=1e-4)
    assert pd["npv"] == close(expected)


# --------------------------------------------------------------------------- discounting


def test_discounting_over_three_periods():
    # Periods 3, 9, 24 months -> start months 0, 3, 12; rate 0.08.
    # demand 1, 2, 3 rps on 1-rps units at 1.0/h -> 1, 2, 3 units.
    #   p1: 1 x 730 x 3  = 2190
    #   p2: 2 x 730 x 9  = 13140
    #   p3: 3 x 730 x 24 = 52560
    # npv = 2190 + 13140 x 1.08^(-3/12) + 52560 x 1.08^(-12/12)
    #     = 2190 + 13140 x 0.980943 + 52560 / 1.08
    #     = 2190 + 12889.60 + 48666.67 = 63746.27
    d = make(
        sites=[site("a")],
        offers=[rented_offer("a", 1.0)],
        workloads=[workload(demand=[1, 2, 3])],
        periods=[
            {"name": "p1", "months": 3},
            {"name": "p2", "months": 9},
            {"name": "p3", "months": 24},
        ],
        rate=0.08,
    )
    pd, _ = run(d)
    assert [p["start_month"] for p in pd["periods"]] == [0, 3, 12]
    assert_only(pd, 0, rented=2190.0)
    assert_only(pd, 1, rented=13140.0)
    assert_only(pd, 2, rented=52560.0)
    expected = 2190 + 13140 * 1.08 ** (-3 / 12) + 52560 * 1.08 ** (-12 / 12)
    assert expected == pytest.approx(63746.27, abs=0.01)
    assert pd["npv"] == close(expected)
    assert pd["objective"] == pytest.approx(expected, rel=1e-6)


# --------------------------------------------------------------------------- baseline


def test_baseline_savings_break_even_and_cumulative():
    # current at a (1.0/h -> 730/month); b at 0.5/h (365/month); migration 1000.
    # Periods: p1 2 months (t=0), p2 4 months (t=2); rate 0.12; d2 = 1.12^(-2/12).
    # Plan (move in p1):   p1 = 1000 + 2 x 365 = 1730 ; p2 = 4 x 365 = 1460
    #                      npv = 1730 + 1460 d2  (= 3162.68)
    #   (move in p2 would be 1460 + 2460 d2 = 3873.97; staying 4325.36)
    # Baseline (stay at a): p1 = 1460 ; p2 = 2920 ; npv = 1460 + 2920 d2 (= 4325.36)
    # savings = baseline - plan = -270 + 1460 d2 (= 1162.68)
    # Cumulative (undiscounted; one-time costs in the first month of the period):
    #   plan:     1000+365=1365, 1730, 2095, 2460, 2825, 3190
    #   baseline: 730, 1460, 2190, 2920, 3650, 4380
    # break-even: month 2 has 1730 > 1460; months 3..6 are all at or below -> 3
    d = make(
        sites=[site("a", active_at_start=True), site("b")],
        offers=[rented_offer("a", 1.0), rented_offer("b", 0.5)],
        workloads=[
            workload(
                demand=1,
                migration_cost=1000,
                current={"site": "a", "hardware": "r", "variant": "v"},
            )
        ],
        periods=[{"name": "p1", "months": 2}, {"name": "p2", "months": 4}],
        rate=0.12,
    )
    pd, _ = run(d)
    d2 = 1.12 ** (-2 / 12)
    plan_npv = 1730 + 1460 * d2
    base_npv = 1460 + 2920 * d2
    assert plan_npv == pytest.approx(3162.68, abs=0.01)
    assert base_npv == pytest.approx(4325.36, abs=0.01)
    assert placed(pd, 0) == [("b", "r", "v")]
    assert pd["periods"][0]["moves"] == ["w"]
    assert pd["npv"] == close(plan_npv)
    b = pd["baseline"]
    assert b["status"] == "optimal"
    assert b["npv"] == close(base_npv)
    assert b["savings"] == close(base_npv - plan_npv)
    assert b["break_even_month"] == 3
    cum = pd["cumulative_cost"]
    assert len(cum["plan"]) == 6
    assert len(cum["baseline"]) == 6
    assert cum["plan"] == [close(x) for x in [1365, 1730, 2095, 2460, 2825, 3190]]
    assert cum["baseline"] == [close(x) for x in [730, 1460, 2190, 2920, 3650, 4380]]


def test_baseline_break_even_is_from_k_to_end_and_residual_left_out():
    # current at a (730/month). Owned at o: capex 1000, lifetime 12, lead time 2
    # -> buyable from p2 (t=2). Periods 2 + 4 months, rate 0, migration cost 0.
    # Plan: p1 at a = 1460; p2 at o: capex 1000, residual 1000 x (1 - 4/12) = 666.67
    #       npv = 1460 + 1000 - 666.6667 = 1793.3333
    # Baseline: 730 x 6 = 4380 ; savings = 4380 - 1793.3333 = 2586.6667
    # Cumulative (residual left out, capex in month 3 = first month of p2):
    #   plan:     730, 1460, 2460, 2460, 2460, 2460
    #   baseline: 730, 1460, 2190, 2920, 3650, 4380
    # Months 1 and 2 are equal (at or below) but month 3 is above, so the
    # break-even month is 4 (the smallest k with every month k..6 at or below).
    d = make(
        sites=[site("a", active_at_start=True), site("o", kind="onprem")],
        hardware=[RENTED, owned_hw(capex=1000, lifetime_months=12, lead_time_months=2)],
        offers=[rented_offer("a", 1.0), {"site": "o", "hardware": "o"}],
        workloads=[workload(demand=1, current={"site": "a", "hardware": "r", "variant": "v"})],
        periods=[{"name": "p1", "months": 2}, {"name": "p2", "months": 4}],
    )
    pd, _ = run(d)
    assert placed(pd, 0) == [("a", "r", "v")]
    assert placed(pd, 1) == [("o", "o", "v")]
    assert_only(pd, 1, capex=1000.0)
    assert pd["residual_value"] == close(1000 * (1 - 4 / 12))
    assert pd["npv"] == close(2460 - 1000 * (1 - 4 / 12))
    b = pd["baseline"]
    assert b["npv"] == close(4380.0)
    assert b["savings"] == close(4380 - (2460 - 1000 * (1 - 4 / 12)))
    assert b["break_even_month"] == 4
    cum = pd["cumulative_cost"]
    assert cum["plan"] == [close(x) for x in [730, 1460, 2460, 2460, 2460, 2460]]
    assert cum["baseline"] == [close(x) for x in [730, 1460, 2190, 2920, 3650, 4380]]


def test_baseline_infeasible_reports_no_savings():
    # current a has max_units 1; demand grows to 2 rps in p2 -> the baseline
    # (stay at a, r, v) cannot carry it. The plan moves to b.
    d = make(
        sites=[site("a", active_at_start=True), site("b")],
        offers=[rented_offer("a", 1.0, max_units=1), rented_offer("b", 1.0)],
        workloads=[workload(demand=[1, 2], current={"site": "a", "hardware": "r", "variant": "v"})],
        periods=[{"name": "p1", "months": 1}, {"name": "p2", "months": 1}],
    )
    pd, _ = run(d)
    assert placed(pd, 1) == [("b", "r", "v")]
    # plan: p1 730 (either site), p2 2 units at b = 1460 -> npv 2190
    assert pd["npv"] == close(2190.0)
    b = pd["baseline"]
    assert b["status"] == "infeasible"
    assert b["savings"] is None
    assert b["break_even_month"] is None


# --------------------------------------------------------------------------- both solvers


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_both_backends_reach_the_hand_optimum(solver):
    # Same instance and figures as test_residual_and_capex_discounted_purchase_after_lead_time:
    # npv = 4380 + 900 x 1.1^-0.5 - 675 / 1.1 = 4624.47997
    d = make(
        sites=[site("c"), site("o", kind="onprem", capex_rebate=0.25)],
        hardware=[RENTED, owned_hw(capex=1200, lifetime_months=24, lead_time_months=6)],
        offers=[rented_offer("c", 1.0), {"site": "o", "hardware": "o"}],
        workloads=[workload(demand=1)],
        periods=[{"name": "p1", "months": 6}, {"name": "p2", "months": 6}],
        rate=0.10,
    )
    inst = load_instance(copy.deepcopy(d))
    plan = solve(inst, SolveOptions(gap=1e-9, solver=solver))
    assert plan.status == "optimal"
    pd = plan.to_dict()
    assert pd["npv"] == close(4380 + 900 * 1.1**-0.5 - 675 * 1.1**-1)
    assert placed(pd, 1) == [("o", "o", "v")]
    assert list(evaluate(inst, pd).violations) == []
