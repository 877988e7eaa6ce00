"""Committed use (PROBLEM-v2 section 2), licences (section 5) and the annualised NPV
(section 9): hand-computed plans, tiny instances where each rule binds and changes the
optimum, and the evaluator catching corrupted figures.

Every instance here has one origin ``u`` and rented hardware ``g`` (1 unit carries
1 rps, max_utilization 1), no egress and no link costs, so that a period's costs are the
units' alone: on demand = units x price x 730 x months.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from placement import SolveOptions, evaluate, load_instance, solve
from placement.costs import capital_recovery_factor

OPTS = SolveOptions(gap=1e-9)


def instance(
    months: list[float],
    demand: list[float],
    commitments: list[dict[str, Any]],
    rate: float = 0.0,
    **offer: Any,
) -> dict[str, Any]:
    """One site ``c``, rented ``g`` at 1.0/h on demand with ``commitments``, one workload."""
    return {
        "name": "commit",
        "horizon": {
            "discount_rate": rate,
            "periods": [{"name": f"p{i}", "months": m} for i, m in enumerate(months)],
        },
        "network": {"links": [{"a": "u", "b": "c", "latency_ms": 5}]},
        "sites": [{"id": "c", "kind": "cloud"}],
        "hardware": [{"id": "g", "kind": "rented", "memory_gb": 24}],
        "offers": [
            {"site": "c", "hardware": "g", "price_per_hour": 1.0, "commitments": commitments,
             **offer}
        ],
        "models": [{"id": "m", "variants": [{"id": "v", "memory_gb": 10}]}],
        "profiles": [{"model": "m", "variant": "v", "hardware": "g", "rps": 1}],
        "workloads": [
            {"id": "w", "model": "m", "origin": "u", "latency_slo_ms": 100,
             "demand_rps": demand}
        ],
    }


def solved(inst: dict[str, Any]) -> dict[str, Any]:
    plan = solve(load_instance(inst), OPTS)
    assert plan.status == "optimal", plan.message
    doc = plan.to_dict()
    assert evaluate(inst, doc).violations == []
    return doc


def units(doc: dict[str, Any]) -> list[int]:
    return [sum(u["units"] for u in p["units"]) for p in doc["periods"]]


def made(doc: dict[str, Any]) -> list[list[tuple[str, int]]]:
    return [[(c["commitment"], c["units"]) for c in p["commitments"]] for p in doc["periods"]]


# ----------------------------------------------------------------- hand-computed plans

ACROSS = instance([6, 6], [1, 2], [{"id": "2y", "term_months": 24, "price_per_hour": 0.4}],
                  rate=0.10)


def test_a_commitment_across_periods_and_past_the_horizon() -> None:
    """Periods 6 + 6 months (T = 12), r = 10 %; need 1 unit in p0, 2 in p1; on demand
    1.0/h, a 24-month commitment at 0.4/h.

    d(p0) = 1, d(p1) = 1.1^-0.5 = 0.953462589, d_T = 1.1^-1 = 0.909090909.
    One unit committed in p0 serves p0 and p1 (6 + 6 <= 0 + 24) and pays
    0.4 x 730 x 6 = 1,752 in each period and 0.4 x 730 x 12 = 3,504 past the horizon:
    NPV 1,752 + 1,752 x 0.953463 + 3,504 x 0.909091 = 6,607.90, against on demand
    4,380 + 4,380 x 0.953463 = 8,556.17. The second unit of p1: committed in p1 it
    serves p1 (6 + 6 <= 6 + 24) and pays 1,752 then 18 months (5,256) past the horizon,
    1,752 x 0.953463 + 5,256 x 0.909091 = 6,448.65, against 4,380 x 0.953463 = 4,176.17
    on demand: on demand.
    Plan: p0 committed 1,752, rented 0; p1 committed 1,752, rented 4,380 (units 2 =
    1 committed + 1 on demand); committed_after_horizon 3,504;
    NPV = 1,752 + 6,132 x 0.953462589 + 3,504 x 0.909090909
        = 1,752 + 5,846.632596 + 3,185.454545 = 10,784.087141;
    annualized: CRF = 0.1 / (1 - 1.1^-1) = 1.1, so 11,862.495855.
    Cumulative by month leaves the 3,504 out: 292 a month in p0 (1,752 / 6), then
    1,022 a month (6,132 / 6): 7,884 at month 12.
    """
    doc = solved(ACROSS)
    assert made(doc) == [[("2y", 1)], []]
    assert units(doc) == [1, 2]
    p0, p1 = (p["costs"] for p in doc["periods"])
    assert (p0["committed"], p0["rented"]) == (1752.0, 0.0)
    assert (p1["committed"], p1["rented"]) == (1752.0, 4380.0)
    assert doc["committed_after_horizon"] == pytest.approx(3504.0)
    assert doc["npv"] == pytest.approx(10784.087141, abs=1e-5)
    assert doc["annualized_npv"] == pytest.approx(11862.495855, abs=1e-5)
    assert doc["baseline"]["annualized_npv"] == pytest.approx(11862.495855, abs=1e-5)
    assert doc["totals"]["committed"] == 3504.0
    cumulative = doc["cumulative_cost"]["plan"]
    assert cumulative[0] == pytest.approx(292.0) and cumulative[5] == pytest.approx(1752.0)
    assert cumulative[-1] == pytest.approx(7884.0)


def test_a_commitment_paid_but_not_serving_is_not_in_service() -> None:
    """Periods 9 + 9 months (T = 18), r = 0, need 1 unit in each; a 12-month term at 0.5/h.

    Committed in p0 (months 0-12): serves p0 (9 <= 12), not p1 (18 > 12); pays
    0.5 x 730 x 9 = 3,285 in p0 and 0.5 x 730 x 3 = 1,095 in p1: 4,380 < 6,570 on demand
    for p0. Committed in p1 (months 9-21): serves p1 (18 <= 21); pays 3,285 in p1 and
    1,095 past the horizon: 4,380 < 6,570. Plan: one unit committed in each period, one
    unit in service in each (the p0 unit paid in p1 does not serve); costs p0 committed
    3,285; p1 committed 3,285 + 1,095 = 4,380, rented 0; after the horizon 1,095;
    NPV 3,285 + 4,380 + 1,095 = 8,760.
    """
    doc = solved(instance([9, 9], [1, 1], [{"id": "1y", "term_months": 12,
                                             "price_per_hour": 0.5}]))
    assert made(doc) == [[("1y", 1)], [("1y", 1)]]
    assert units(doc) == [1, 1]
    assert [p["costs"]["committed"] for p in doc["periods"]] == [3285.0, 4380.0]
    assert [p["costs"]["rented"] for p in doc["periods"]] == [0.0, 0.0]
    assert doc["committed_after_horizon"] == pytest.approx(1095.0)
    assert doc["npv"] == pytest.approx(8760.0)


# ------------------------------------------------ committing beats on demand, or not

THREE_YEARS = [{"id": "3y", "term_months": 36, "price_per_hour": 0.4}]


def test_committing_beats_on_demand_over_a_long_horizon() -> None:
    """36 months, one period, 1 unit: committed 0.4 x 730 x 36 = 10,512 < on demand
    1.0 x 730 x 36 = 26,280."""
    doc = solved(instance([36], [1], THREE_YEARS))
    assert made(doc) == [[("3y", 1)]]
    assert doc["npv"] == pytest.approx(10512.0)
    assert doc["committed_after_horizon"] == 0.0


def test_a_term_longer_than_the_need_does_not_pay() -> None:
    """6 months, 1 unit: the 36-month term costs 0.4 x 730 x 6 = 1,752 in the period and
    0.4 x 730 x 30 = 8,760 past the horizon, 10,512 in all, against 1.0 x 730 x 6 = 4,380
    on demand: on demand, although its hourly price is 2.5 times the commitment's."""
    doc = solved(instance([6], [1], THREE_YEARS))
    assert made(doc) == [[]]
    assert doc["npv"] == pytest.approx(4380.0)
    assert doc["periods"][0]["costs"]["rented"] == 4380.0
    assert doc["committed_after_horizon"] == 0.0


def test_a_commitment_serving_no_whole_period_is_not_made() -> None:
    """A 4-month term on 6-month periods serves nothing: it would only pay."""
    doc = solved(instance([6, 6], [1, 1], [{"id": "4m", "term_months": 4,
                                             "price_per_hour": 0.01}]))
    assert made(doc) == [[], []]
    assert doc["npv"] == pytest.approx(8760.0)


# ------------------------------------------------------------- max_units on the total


def _capped(cap: int | None) -> dict[str, Any]:
    """Site c (cap ``cap``, on demand 1.0/h, an 18-month commitment at 0.5/h) and site d
    (1.5/h, no cap); periods 12 + 6; w1 and w2 need 1 unit each in both periods, w3 only
    in p1 (0 rps in p0)."""
    inst = instance([12, 6], [1, 1], [{"id": "18m", "term_months": 18,
                                        "price_per_hour": 0.5}], max_units=cap)
    inst["network"]["links"].append({"a": "u", "b": "d", "latency_ms": 5})
    inst["sites"].append({"id": "d", "kind": "cloud"})
    inst["offers"].append({"site": "d", "hardware": "g", "price_per_hour": 1.5})
    w = inst["workloads"][0]
    inst["workloads"] = [
        {**w, "id": "w1"}, {**w, "id": "w2"}, {**w, "id": "w3", "demand_rps": [0, 1]}
    ]
    return inst


def test_max_units_caps_on_demand_and_committed_units_together() -> None:
    """Without a cap: 2 units committed at c in p0 (0.5 x 730 x 18 = 6,570 each, against
    1.0 x 730 x 18 = 13,140 on demand) serve w1, w2 in both periods; w3 rents a third
    unit at c in p1 (1.0 x 730 x 6 = 4,380: less than committing it, 6,570, and than d,
    1.5 x 730 x 6 = 6,570): NPV 2 x 6,570 + 4,380 = 17,520.
    With max_units 2 at c, 2 committed + 1 on demand is 3 units in service > 2: w3 (or
    w1 or w2) goes to d in p1: NPV 2 x 6,570 + 6,570 = 19,710."""
    free = solved(_capped(None))
    assert units(free) == [2, 3] and free["npv"] == pytest.approx(17520.0)
    capped = solved(_capped(2))
    assert capped["npv"] == pytest.approx(19710.0)
    at_c = [sum(u["units"] for u in p["units"] if u["site"] == "c") for p in capped["periods"]]
    assert at_c == [2, 2]
    assert made(capped) == [[("18m", 2)], []]


# ----------------------------------------------------------------------- licences


def test_a_licence_bill() -> None:
    """Licence 25/month per unit in service, every kind: owned ``o`` at site e (2
    existing units, maintenance 0, power 0, capex 1,000; carries w_e's 2 rps) and rented
    ``g`` at c (w needs 1 unit in p0, 2 in p1; on demand; or committed at 0.4/h over
    24 months, as in ACROSS but at r = 0).

    r = 0, periods 6 + 6. At c: one unit committed in p0 serves both periods
    (0.4 x 730 x 12 = 3,504 in the horizon + 3,504 after = 7,008 < 8,760 on demand);
    the second unit of p1 on demand (4,380 < 1,752 + 5,256 = 7,008 committed).
    Licences: p0: (1 at c + 2 at e) x 25 x 6 = 450; p1: (2 at c + 2 at e) x 25 x 6 = 600.
    NPV = 1,752 + 450 + (1,752 + 4,380 + 600) + 3,504 = 12,438.
    """
    inst = instance([6, 6], [1, 2], [{"id": "2y", "term_months": 24, "price_per_hour": 0.4}])
    inst["hardware"][0]["license_per_month"] = 25
    inst["hardware"].append({"id": "o", "kind": "owned", "memory_gb": 24, "capex": 1000,
                             "lifetime_months": 36, "license_per_month": 25})
    inst["sites"].append({"id": "e", "kind": "edge"})
    inst["network"]["links"].append({"a": "u", "b": "e", "latency_ms": 5})
    inst["offers"].append({"site": "e", "hardware": "o", "existing_units": 2, "max_units": 2})
    inst["profiles"].append({"model": "m", "variant": "v", "hardware": "o", "rps": 1})
    inst["workloads"].append({**inst["workloads"][0], "id": "we", "demand_rps": 2,
                              "allowed_kinds": ["edge"]})
    doc = solved(inst)
    assert [p["costs"]["license"] for p in doc["periods"]] == [450.0, 600.0]
    assert made(doc) == [[("2y", 1)], []]
    assert doc["npv"] == pytest.approx(12438.0)
    bad = copy.deepcopy(doc)
    bad["periods"][1]["costs"]["license"] = 450.0
    found = evaluate(inst, bad).violations
    assert any("periods[1].costs.license: 450.0 != recomputed 600.00" in v for v in found)


def test_annualized_npv_without_discounting_is_npv_times_12_over_t() -> None:
    """r = 0, T = 12 + 6 = 18 months: CRF = 12 / 18; 1 unit on demand (a 1-month term at
    0.9/h serves nothing): NPV 730 x 18 = 13,140; annualized 13,140 x 12 / 18 = 8,760."""
    doc = solved(instance([12, 6], [1, 1], [{"id": "1m", "term_months": 1,
                                              "price_per_hour": 0.9}]))
    assert doc["npv"] == pytest.approx(13140.0)
    assert doc["annualized_npv"] == pytest.approx(8760.0)
    assert capital_recovery_factor(0.0, 18) == pytest.approx(12 / 18)
    assert capital_recovery_factor(0.1, 12) == pytest.approx(1.1)


# ------------------------------------------------------ the evaluator catches corruption


def _violations(change: Any) -> list[str]:
    doc = copy.deepcopy(solved(ACROSS))
    change(doc)
    return evaluate(ACROSS, doc).violations


def test_the_evaluator_catches_a_corrupted_commitment_payment() -> None:
    def pay_less(doc: dict[str, Any]) -> None:
        doc["periods"][1]["costs"]["committed"] = 1000.0

    found = _violations(pay_less)
    assert any("periods[1].costs.committed: 1000.0 != recomputed 1752.00" in v for v in found)


def test_the_evaluator_catches_a_wrong_committed_after_horizon() -> None:
    def forget(doc: dict[str, Any]) -> None:
        doc["committed_after_horizon"] = 0.0

    found = _violations(forget)
    assert any("committed_after_horizon: 0.0 != recomputed 3504.00" in v for v in found)

    def drop(doc: dict[str, Any]) -> None:
        del doc["committed_after_horizon"]

    assert any("committed_after_horizon: None != recomputed 3504.00" in v
               for v in _violations(drop))


def test_the_evaluator_catches_a_wrong_annualized_npv_and_a_hidden_commitment() -> None:
    def annual(doc: dict[str, Any]) -> None:
        doc["annualized_npv"] = doc["npv"]

    assert any(v.startswith("annualized_npv:") for v in _violations(annual))

    def hide(doc: dict[str, Any]) -> None:
        doc["periods"][0]["commitments"] = []  # the unit is then on demand: rented differs

    found = _violations(hide)
    assert any("periods[0].costs.rented: 0.0 != recomputed 4380.00" in v for v in found)

    def short(doc: dict[str, Any]) -> None:  # more committed than in service
        doc["periods"][0]["commitments"][0]["units"] = 2

    found = _violations(short)
    assert any("lists 1 units in service, fewer than the 2 committed" in v for v in found)

    def unknown(doc: dict[str, Any]) -> None:
        doc["periods"][0]["commitments"][0]["commitment"] = "5y"

    found = _violations(unknown)
    assert any("no commitment '5y' on offer of 'g' at 'c'" in v for v in found)


def test_a_v1_plan_has_no_commitments_and_nothing_after_the_horizon() -> None:
    doc = solve("example:example").to_dict()
    assert all(p["commitments"] == [] for p in doc["periods"])
    assert doc["committed_after_horizon"] == 0.0
    assert doc["annualized_npv"] is not None


@pytest.mark.parametrize(
    "inst", [ACROSS, _capped(2), _capped(None)], ids=["across", "cap2", "nocap"]
)
def test_the_plain_formulation_and_cbc_agree(inst: dict[str, Any]) -> None:
    """The plain formulation (offer caps only as bounds, no presolve) and CBC reach the
    same optimum as the tight one with HiGHS."""
    want = solved(inst)["npv"]
    plain = SolveOptions(gap=1e-9, formulation="plain")
    for opts in (plain, SolveOptions(gap=1e-9, solver="cbc")):
        plan = solve(load_instance(inst), opts)
        assert plan.status == "optimal" and plan.npv == pytest.approx(want)
        assert evaluate(inst, plan.to_dict()).violations == []


# ----------------------------------------------------------------------- activity


def _active() -> dict[str, Any]:
    """Periods 9 + 9, demand 1. Site c: fixed 100/month, on demand [1.0, 3.0]/h, an
    18-month commitment at 0.3/h; site d: on demand [5.0, 0.1]/h, no fixed cost."""
    inst = instance([9, 9], [1, 1], [{"id": "18m", "term_months": 18, "price_per_hour": 0.3}])
    inst["offers"][0]["price_per_hour"] = [1.0, 3.0]
    inst["sites"][0]["fixed_per_month"] = 100
    inst["network"]["links"].append({"a": "u", "b": "d", "latency_ms": 5})
    inst["sites"].append({"id": "d", "kind": "cloud"})
    inst["offers"].append({"site": "d", "hardware": "g", "price_per_hour": [5.0, 0.1]})
    return inst


def test_committed_units_serving_keep_their_site_active() -> None:
    """One unit committed at c in p0 (0.3 x 730 x 18 = 3,942) serves both periods. Staying
    at c: 3,942 + fixed 100 x 18 = 5,742. Moving to d in p1 (0.1 x 730 x 9 = 657) leaves
    the committed unit in service at c, so c stays active and pays its fixed cost:
    3,942 + 1,800 + 657 = 6,399 (a model that let an idle committed unit's site go
    inactive would take it at 5,499). Optimum: stay at c, NPV 5,742."""
    inst = _active()
    doc = solved(inst)
    assert doc["npv"] == pytest.approx(5742.0)
    assert [p["costs"]["site_fixed"] for p in doc["periods"]] == [900.0, 900.0]
    moved = copy.deepcopy(doc)
    p1 = moved["periods"][1]
    p1["assignments"][0]["site"] = "d"
    p1["units"].append({"site": "d", "hardware": "g", "units": 1, "bought": 0})
    p1["moves"] = ["w"]
    ev = evaluate(inst, moved)
    assert ev.costs[1]["site_fixed"] == 900.0 and ev.costs[1]["rented"] == pytest.approx(657)
    assert ev.npv == pytest.approx(6399.0)


def test_a_committed_unit_paid_but_not_serving_leaves_its_site_inactive() -> None:
    """With a 12-month term instead (0.3 x 730 x 12 = 2,628: 1,971 in p0 and 657 in p1,
    where it no longer serves: 9 + 9 > 12), moving to d in p1 leaves c inactive:
    p0 1,971 + 900 fixed; p1 657 paid + 657 at d; NPV 4,185 (staying at c would cost a
    second commitment or on-demand units plus the fixed 900)."""
    inst = _active()
    inst["offers"][0]["commitments"] = [{"id": "1y", "term_months": 12, "price_per_hour": 0.3}]
    doc = solved(inst)
    assert doc["npv"] == pytest.approx(4185.0)
    assert [p["costs"]["site_fixed"] for p in doc["periods"]] == [900.0, 0.0]
    assert [p["costs"]["committed"] for p in doc["periods"]] == [1971.0, 657.0]
    assert units(doc) == [1, 1] and doc["periods"][1]["units"][0]["site"] == "d"
