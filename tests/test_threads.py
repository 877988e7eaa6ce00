"""One process, several thread counts: every HiGHS run goes through ``use_threads``, so a
solve with one thread count after another never ends "Not Set" (placement.milp.threads)."""

from __future__ import annotations

import pytest

from placement import SolveOptions, load_instance, solve
from placement.data import prepare
from placement.milp import lns
from placement.milp.build import build
from placement.milp.solve import solve_milp


def test_mixed_thread_counts_in_one_process() -> None:
    inst = load_instance("example:example")
    npvs = []
    for threads in (1, None, 2, 1):
        plan = solve(inst, SolveOptions(threads=threads, baseline=False))
        assert plan.status == "optimal", plan.message
        npvs.append(plan.npv)
        m = build(prepare(inst))
        bound = lns.lp_bound(m.arrays(), 30.0, threads=None if threads else 1)
        assert bound is not None
        assert bound <= solve_milp(m, SolveOptions(threads=threads)).objective + 1e-6
    assert npvs == [pytest.approx(npvs[0], abs=0.01)] * 4
