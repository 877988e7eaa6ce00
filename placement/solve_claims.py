"""The claims a plan makes about its solve — status, termination, objective, bound, gap —
checked against each other and against the gap the plan was solved with (the evaluator's
status checks, ``placement.evaluate``); and the verdict on an ``infeasible`` claim.
"""

from __future__ import annotations

from placement.plan import Plan, PlanPeriod
from placement.result import Status, Termination
from placement.schema import Instance
from placement.schema.options import SolveOptions

CENT = 0.01  #: money tolerance (placement.evaluate uses it too)
STATUSES = tuple(Status)
#: The terminations each status may come with ("" = not stated).
TERMINATIONS: dict[str, tuple[str, ...]] = {
    Status.OPTIMAL: ("", Termination.OPTIMAL),
    Status.FEASIBLE: ("", Termination.TIME_LIMIT),
    Status.INFEASIBLE: ("", Termination.INFEASIBLE),
    Status.ERROR: ("", *Termination),
}
#: A plan's gap is written with 4 significant digits: this much relative rounding is allowed.
GAP_ROUNDING = 1e-3


def solved_gap(plan: Plan, out: list[str]) -> float:
    """The relative gap the plan was solved with: ``options.gap``, else the default."""
    gap = plan.options.get("gap", SolveOptions().gap)
    if isinstance(gap, bool) or not isinstance(gap, int | float) or not 0 <= gap < 1:
        out.append(f"options.gap: {gap!r} is not a relative gap in [0, 1)")
        return SolveOptions().gap
    return float(gap)


def check_claims(
    where: str,
    status: str,
    termination: str,
    objective: float | None,
    bound: float | None,
    gap: float | None,
    tol: float,
    out: list[str],
) -> None:
    """The status, termination, objective, bound and gap of a solve agree with each other."""
    if status not in STATUSES:
        out.append(f"{where}status: '{status}' is not one of {', '.join(STATUSES)}")
        return
    if termination not in TERMINATIONS[status]:
        out.append(f"{where}termination: '{termination}' contradicts status '{status}'")
    if gap is not None and gap < 0:
        out.append(f"{where}gap: {gap} is negative")
    if bound is not None and objective is not None and bound > objective + CENT:
        out.append(f"{where}bound: {bound} above the objective {objective}")
    if gap is not None and bound is not None and objective is not None:
        scale = max(abs(objective), 1e-9)
        implied = abs(objective - bound) / scale
        if abs(gap - implied) > GAP_ROUNDING * max(gap, implied) + CENT / scale:
            out.append(f"{where}gap: {gap:g} != |objective - bound| / |objective| = "
                       f"{implied:.4g}")
    if status != Status.OPTIMAL:
        return
    # HiGHS also stops at an absolute gap of 1e-6: a gap worth less than a cent is optimal
    tiny = gap is not None and objective is not None and gap * max(abs(objective), 1e-9) <= CENT
    if gap is not None and gap > tol * (1 + GAP_ROUNDING) + 1e-12 and not tiny:
        out.append(f"{where}gap: an 'optimal' plan with gap {gap:g} above the tolerance "
                   f"{tol:g} it was solved with (options.gap)")
    if bound is not None and objective is not None:
        allowed = tol * (1 + GAP_ROUNDING) * max(abs(objective), abs(bound)) + CENT
        if objective - bound > allowed:
            out.append(f"{where}bound: {bound} is further below the objective {objective} than "
                       f"the gap tolerance {tol:g} allows an 'optimal' plan")


def check_no_solution(where: str, status: str, periods: list[PlanPeriod], npv: float | None,
                       out: list[str]) -> None:
    if periods:
        out.append(f"{where}periods: a '{status}' plan (status without a solution) must not "
                   "list periods")
    if npv is not None:
        out.append(f"{where}npv: a plan without a solution has no NPV (got {npv})")


def judge_infeasible(inst: Instance, violations: list[str], notes: list[str]) -> None:
    """An ``infeasible`` claim: confirmed (a workload short of candidates, or frozen in a
    pilot period: a proof), contradicted (the greedy heuristic's plan meets every rule: a
    violation), or not verified (a note)."""
    from placement.data import prepare
    from placement.diagnose import frozen_in_pilot, short_of_candidates
    from placement.heuristic import greedy

    data = prepare(inst)
    proof = short_of_candidates(data) + frozen_in_pilot(data)
    if proof:
        notes.append(f"infeasibility confirmed: {proof[0].message}")
        return
    found = greedy(inst)
    if not found.violations:
        violations.append(
            "status: 'infeasible', but a plan meets every rule: the greedy heuristic's "
            f"(NPV {found.npv:,.2f}; `placement solve` finds the best one)"
        )
        return
    notes.append(
        "infeasibility not verified: every workload has candidates in every period and the "
        "greedy heuristic found no plan, but only a solve (`placement solve`) can prove that "
        "none exists"
    )
