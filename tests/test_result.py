"""The solver-neutral results layer (placement.result): statuses as StrEnums whose values
are the plan JSON's strings, the named constructors of SolveResult, and a plan built
from members written exactly as one built from strings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import placement
from placement.milp import solve as milp_solve
from placement.plan import BaselineResult, Plan
from placement.result import (
    INFEASIBLE_MESSAGE,
    OUT_OF_TIME_MESSAGE,
    SolveResult,
    Status,
    Termination,
    has_solution,
)


def test_values_are_the_plan_json_strings() -> None:
    assert [s.value for s in Status] == ["optimal", "feasible", "infeasible", "error"]
    assert [t.value for t in Termination] == ["optimal", "time_limit", "infeasible", "error"]
    assert Status.OPTIMAL == "optimal" and f"{Status.ERROR}" == "error"
    assert {Status.FEASIBLE: 1}.get("feasible") == 1  # hashed as the string


@pytest.mark.parametrize(
    ("status", "expected"),
    [("optimal", True), ("feasible", True), ("infeasible", False), ("error", False),
     ("excellent", False), ("", False), (None, False), (Status.OPTIMAL, True),
     (Status.ERROR, False)],
)
def test_has_solution(status: str | None, expected: bool) -> None:
    assert has_solution(status) is expected
    if isinstance(status, Status):
        assert status.has_plan is expected


def test_named_constructors() -> None:
    r = SolveResult.optimal("HiGHS", 10.0, 9.0, 0.1)
    assert (r.status, r.termination, r.solver, r.seconds, r.objective, r.bound, r.gap,
            r.message) == ("optimal", "optimal", "HiGHS", 0.0, 10.0, 9.0, 0.1, "")
    assert r.has_solution
    r = SolveResult.feasible("CBC", 10.0, 8.0, 0.2)
    assert (r.status, r.termination, r.objective, r.bound, r.gap) == (
        "feasible", "time_limit", 10.0, 8.0, 0.2)
    assert r.has_solution
    r = SolveResult.infeasible("CBC")
    assert (r.status, r.termination, r.message) == ("infeasible", "infeasible",
                                                    INFEASIBLE_MESSAGE)
    assert not r.has_solution
    r = SolveResult.out_of_time("HiGHS", bound=5.0, seconds=1.0)
    assert (r.status, r.termination, r.bound, r.seconds, r.message) == (
        "error", "time_limit", 5.0, 1.0, OUT_OF_TIME_MESSAGE)
    r = SolveResult.error("HiGHS", "boom")
    assert (r.status, r.termination, r.objective, r.message) == ("error", "error", None, "boom")
    assert not r.has_solution
    assert (r.chosen, r.rent, r.buy, r.searched) == ([], {}, {}, False)
    with pytest.raises(TypeError):
        SolveResult("error", "error", "HiGHS", 0.0)  # type: ignore[misc]


def test_a_plan_from_members_is_written_as_one_from_strings() -> None:
    def plan(status: str, termination: str) -> Plan:
        return Plan(instance="x", status=status, termination=termination, solver="HiGHS",
                    baseline=BaselineResult(status=status, npv=None, savings=None,
                                            break_even_month=None))

    for s, t in [(Status.OPTIMAL, Termination.OPTIMAL), (Status.ERROR, Termination.TIME_LIMIT)]:
        members, strings = plan(s, t), plan(s.value, t.value)
        assert type(members.status) is str and type(members.termination) is str
        assert members.to_json() == strings.to_json()
        assert members.baseline is not None and type(members.baseline.status) is str


def test_the_results_layer_does_not_import_the_solver_for_its_result() -> None:
    assert milp_solve.SolveResult is SolveResult  # re-exported
    root = Path(placement.__file__).parent
    for path in root.rglob("*.py"):
        if "milp" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "placement.milp"
            ):
                names = {a.name for a in node.names}
                assert "SolveResult" not in names, path
