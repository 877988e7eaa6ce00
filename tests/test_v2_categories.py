"""The six v2 cost categories in every plan: 0 for a v1 instance, optional in a plan file
(a plan written before v2 still checks), and recomputed like every other category."""

from __future__ import annotations

from typing import Any

from placement import evaluate, solve
from placement.costs import COST_CATEGORIES, ONE_TIME_CATEGORIES, V2_CATEGORIES


def _plan() -> dict[str, Any]:
    return solve("example:example").to_dict()


def test_a_v1_plan_has_every_v2_category_at_zero() -> None:
    plan = _plan()
    assert set(V2_CATEGORIES) <= set(COST_CATEGORIES) and "deploy" in ONE_TIME_CATEGORIES
    for period in plan["periods"]:
        assert {k: period["costs"][k] for k in V2_CATEGORIES} == dict.fromkeys(V2_CATEGORIES, 0.0)


def test_a_plan_without_the_v2_categories_still_checks() -> None:
    plan = _plan()
    for period in plan["periods"]:
        for k in V2_CATEGORIES:
            del period["costs"][k]
    for k in V2_CATEGORIES:
        plan["totals"].pop(k, None)
    assert evaluate("example:example", plan).violations == []


def test_a_wrong_v2_figure_is_caught() -> None:
    plan = _plan()
    plan["periods"][0]["costs"]["carbon"] = 12.5
    found = evaluate("example:example", plan).violations
    assert any("periods[0].costs.carbon: 12.5 != recomputed 0.00" in v for v in found), found
