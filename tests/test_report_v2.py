"""The v2 figures in the terminal summary and the report (issue 16 item 5): spot use,
emissions per period against the cap, the baseline over cap, energy and CO2e per 1,000
requests, commitments to buy, the annualised cost; and nothing of it for a v1 plan.

The instance (the builders of test_spot_carbon): two cloud sites, hardware r (rented,
1000 W, 1 rps per unit, max_utilization 1 by default), periods p1 (1 month, cap 1 t) and p2
(2 months, cap 0.5 t), carbon price 100 per t.
- dirty: 1.0 $/h on demand, spot 0.4 $/h (overhead 0.2), pue 1.5, 400 g/kWh;
- clean: 1.2 $/h, pue 1, 0 g/kWh.
Workload w (1 rps, runs at dirty today), workload batch (1 rps, interruptible, new).
The optimum (hand-checked, see test_spot_carbon for each price): p1 batch on 2 spot
units at dirty (1 x (1 - 0.2) = 0.8 rps a unit), w on 1 unit at clean; p2 both at clean
(the 0.5 t cap leaves no room for dirty's 0.876 t per month of 2 units).
"""

from __future__ import annotations

import copy
import io
import re
from typing import Any

import pytest
from rich.console import Console
from test_spot_carbon import instance, wl

from placement import SolveOptions, load_instance, solve
from placement.cli.render import plan_summary
from placement.plan import Plan
from placement.report import build_model, build_report

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# p1: dirty's 2 spot units, 1 kW each, 730 h, pue 1.5 = 2190 kWh at 400 g = 876,000 g;
# clean's unit 730 kWh at 0 g. p2: clean's 2 units x 730 x 2 months = 2920 kWh, 0 g.
KWH = 2190 + 730 + 2920
GRAMS = 2190 * 400
# requests: p1 2 rps x 2,628,000 s; p2 2 rps x 2 x 2,628,000 s.
REQUESTS = 2 * 2_628_000 + 2 * 2 * 2_628_000
G_PER_1000 = GRAMS / REQUESTS * 1000  # 55.555... g CO2e per 1,000 requests


def v2_instance() -> dict[str, Any]:
    return instance(
        sites=[{"id": "dirty", "kind": "cloud", "pue": 1.5, "carbon_g_per_kwh": 400},
               {"id": "clean", "kind": "cloud", "carbon_g_per_kwh": 0}],
        hardware=[{"id": "r", "kind": "rented", "memory_gb": 80, "power_w": 1000}],
        offers=[{"site": "dirty", "hardware": "r", "price_per_hour": 1.0,
                 "spot": {"price_per_hour": 0.4, "interruption_overhead": 0.2}},
                {"site": "clean", "hardware": "r", "price_per_hour": 1.2}],
        workloads=[wl(1.0, current={"site": "dirty", "hardware": "r", "variant": "v"}),
                   {**wl(1.0), "id": "batch", "interruptible": True}],
        periods=[{"name": "p1", "months": 1, "carbon_cap_t": 1.0},
                 {"name": "p2", "months": 2, "carbon_cap_t": 0.5}],
        policy={"carbon_price_per_t": 100},
    )


@pytest.fixture(scope="module")
def solved() -> tuple[Plan, Any]:
    inst = load_instance(copy.deepcopy(v2_instance()))
    plan = solve(inst, SolveOptions(gap=1e-9))
    assert plan.status == "optimal", plan.message
    return plan, inst


def summary(plan: Plan, inst: Any) -> str:
    buf = io.StringIO()
    plan_summary(Console(file=buf, width=80, force_terminal=False, color_system=None), plan,
                 inst)
    return ANSI.sub("", buf.getvalue())


def test_the_plan_is_the_hand_checked_one(solved: tuple[Plan, Any]) -> None:
    plan, _ = solved
    p1, p2 = plan.periods
    assert {(a.workload, a.site, a.market) for a in p1.assignments} == {
        ("batch", "dirty", "spot"), ("w", "clean", "on_demand")}
    assert {(u.site, u.units, u.market) for u in p1.units} == {
        ("dirty", 2, "spot"), ("clean", 1, "on_demand")}
    assert {a.site for a in p2.assignments} == {"clean"}
    assert p1.emissions_t == pytest.approx(GRAMS / 1e6) and p2.emissions_t == 0


def test_summary_shows_spot_emissions_against_the_cap_and_co2e_per_1000(
        solved: tuple[Plan, Any]) -> None:
    plan, inst = solved
    text = summary(plan, inst)
    assert all(len(line) <= 80 for line in text.splitlines()), text
    assert re.search(r"batch +dirty +r v spot", text)  # the workload on spot
    assert "dirty/r spot: 2" in text  # the spot units
    # p1: 0.876 t against 1 t. Staying put (solved without caps) keeps w at dirty and puts
    # batch there too: 3 on-demand units, 3 x 0.438 t a month, over both caps.
    assert "emissions: 0.876 t, cap 1 t; staying put 1.314 t (over cap)" in text
    assert "emissions: 0 t, cap 0.5 t; staying put 2.628 t (over cap)" in text
    assert "Staying put is over the carbon cap in: p1, p2" in text
    assert f"Per 1,000 requests, cloud: {KWH / REQUESTS * 1000:,.4g} kWh, " \
        f"{G_PER_1000:,.4g} g CO2e" in text
    assert "55.56 g CO2e" in text
    assert "Spot units" in text and "Carbon price" in text  # non-zero v2 categories
    assert "Committed use" not in text  # zero: hidden


def test_report_model_co2e_per_1000_by_hand(solved: tuple[Plan, Any]) -> None:
    plan, inst = solved
    m = build_model(plan, inst)
    (cloud,) = m.energy or ()
    assert cloud.kwh == pytest.approx(KWH)
    assert cloud.requests == pytest.approx(REQUESTS)
    assert cloud.co2e_g_per_1000 == pytest.approx(G_PER_1000)
    assert cloud.co2e_t == pytest.approx(plan.emissions_t)  # one definition with the plan
    assert m.emits
    assert [(c.period, c.cap_t, c.over) for c in m.carbon] == [("p1", 1.0, False),
                                                                ("p2", 0.5, False)]
    assert [s.workloads for s in m.spot] == [(("batch", "dirty", "r"),), ()]
    # units per pool: the spot row is its own unit change, at its derated limit
    w1 = m.waves[0]
    assert {(u.hardware, u.market, u.after) for u in w1.units if u.site == "dirty"} == {
        ("r", "spot", 2)}
    spot_check = next(c for c in w1.utilisation if c.market == "spot")
    assert spot_check.limit == pytest.approx(1.0 * (1 - 0.2))
    assert spot_check.load_units == pytest.approx(1.0)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_shows_spot_emissions_and_co2e(solved: tuple[Plan, Any], fmt: Any) -> None:
    plan, inst = solved
    doc = build_report(plan, inst, fmt=fmt)
    for s in ("Spot use per period", "dirty / r: 2", "batch at dirty (r)",
              "Emissions per period against the period", "0.876 t", "0.5 t",
              "g CO2e per 1,000 requests", "55.56", "Staying put over the carbon cap",
              "dirty (r, v, spot)", "r (spot)"):
        assert s in doc, s
    if fmt == "html":
        assert 'id="emissions-table"' in doc and 'id="spot-table"' in doc


# --- commitments and the annualised cost ----------------------------------------------------
# A plan dict with the committed-use fields (the solver fills them for an instance with
# commitments; here they are set by hand, to check what is shown).


def with_commitments(plan: Plan, commitment_id: str = "1y") -> Plan:
    d = plan.to_dict()
    d["periods"][0]["commitments"] = [{"site": "clean", "hardware": "r",
                                       "commitment": commitment_id, "units": 2}]
    d["annualized_npv"] = 1234.5
    d["committed_after_horizon"] = 876.0
    d["baseline"]["annualized_npv"] = 999.0
    return Plan.model_validate(d)


def commit_instance(commitment_id: str = "1y") -> Any:
    d = v2_instance()
    d["offers"][1]["commitments"] = [{"id": commitment_id, "term_months": 12,
                                      "price_per_hour": 0.8}]
    return load_instance(d)


def test_summary_shows_commitments_after_horizon_and_annualised(
        solved: tuple[Plan, Any]) -> None:
    plan = with_commitments(solved[0])
    text = summary(plan, commit_instance())
    assert all(len(line) <= 80 for line in text.splitlines()), text
    assert "commit: clean/r 1y: 2 (12 months, to month 12)" in text
    assert "Annualised cost: 1,234.50 USD a year" in text
    assert "Baseline annualised cost: 999.00 USD a year" in text
    assert "Commitments owed after the horizon: 876.00 USD (undiscounted)" in text
    # without the instance: the commitment, without its term
    assert "commit: clean/r 1y: 2\n" in summary(plan, None)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_shows_commitments_and_annualised(solved: tuple[Plan, Any], fmt: Any) -> None:
    plan = with_commitments(solved[0])
    doc = build_report(plan, commit_instance(), fmt=fmt)
    for s in ("Commitments to buy", "owed after the horizon: 876 USD", "p1: commitments to buy",
              "Annualised cost", "1,234 USD", "Annualised cost of staying put", "999 USD"):
        assert s in doc, s
    md = build_report(plan, commit_instance(), fmt="md")
    assert "| p1 | clean | r | 1y | 12 | 12 | 2 |" in md


def test_markdown_escapes_a_hostile_commitment_id(solved: tuple[Plan, Any]) -> None:
    bad = "<b>x|*y*"
    md = build_report(with_commitments(solved[0], bad), commit_instance(bad), fmt="md")
    assert "<b>" not in md and r"&lt;b&gt;x\|\*y\*" in md


# --- v1: nothing new ---------------------------------------------------------------------


def test_a_v1_plan_shows_none_of_it() -> None:
    inst = load_instance("example:example")
    plan = solve(inst)
    text = summary(plan, inst)
    for s in ("spot", "emissions", "commit:", "Annualised", "Per 1,000", "CO2e", "carbon cap"):
        assert s not in text, s
    m = build_model(plan, inst)
    assert not (m.carbon or m.spot or m.commitments or m.emits)
    md = build_report(plan, inst, fmt="md")
    for s in ("Emissions per period", "Spot use", "Commitments to buy", "CO2e", "Annualised"):
        assert s not in md, s
