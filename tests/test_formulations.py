"""The tight formulation (default) and the plain transcription of the spec agree on the
optimum: the tightening (presolve, bounds, valid inequalities) never cuts a plan."""

from __future__ import annotations

import pytest

from placement import SolveOptions, evaluate, load_instance, solve
from placement.data import prepare
from placement.milp.build import build


@pytest.mark.parametrize("name", ["example", "hybrid-genai"])
def test_plain_and_tight_give_the_same_optimum(name: str) -> None:
    inst = load_instance(f"example:{name}")
    plans = {
        f: solve(inst, SolveOptions(formulation=f, gap=1e-7, baseline=f == "tight"))
        for f in ("tight", "plain")
    }
    assert {p.status for p in plans.values()} == {"optimal"}
    assert plans["plain"].npv == pytest.approx(plans["tight"].npv, rel=1e-6)
    for plan in plans.values():
        assert evaluate(inst, plan.to_dict()).violations == []


def test_tight_formulation_is_tighter() -> None:
    # the tight model adds valid inequalities and bounds: more rows, smaller boxes
    inst = load_instance("example:example")
    tight, plain = build(prepare(inst, "tight")), build(prepare(inst, "plain"))
    assert tight.rows.get("capk", 0) > 0 and "capk" not in plain.rows
    assert all(v.upBound is not None for v in tight.rent.values())
    bound = {k: v.upBound for k, v in tight.rent.items()}
    assert all(bound[k] <= (v.upBound if v.upBound is not None else float("inf"))
               for k, v in plain.rent.items() if k in bound)
    assert any(bound[k] < v.upBound for k, v in plain.rent.items() if k in bound)
