"""From outcomes to the plan JSON: the plan with its baseline, savings and break-even
month (``assemble``), accepted only if the independent evaluator finds no violation
(``checked``); ``plan_of`` for solves that minimised something other than the NPV."""

from __future__ import annotations

from typing import Any

from placement import accounting
from placement.pipeline import Outcome
from placement.plan import BaselineResult, CumulativeCost, Plan
from placement.result import Status
from placement.schema import Instance
from placement.schema.options import SolveOptions
from placement.solution import money

#: How many of a rejected plan's violations its message quotes.
QUOTED_VIOLATIONS = 3


def checked(inst: Instance, plan: Plan) -> Plan:
    """``plan`` if the independent evaluator accepts it; otherwise the same plan with status
    ``error`` and the first violations (and their count) in its message: a plan that breaks
    a rule is never reported as ``optimal`` or ``feasible``."""
    if not plan.has_solution:
        return plan
    from placement.evaluate import evaluate

    found = evaluate(inst, plan).violations
    if not found:
        return plan
    shown = "; ".join(v[:200] for v in found[:QUOTED_VIOLATIONS])
    message = (
        f"the solver's plan fails the independent check ({len(found)} violation(s)): {shown}"
    )
    return plan.model_copy(update={"status": str(Status.ERROR), "message": message})


def assemble(inst: Instance, options: SolveOptions, main: Outcome, base: Outcome | None) -> Plan:
    """The plan JSON of the outcome ``main``, with its baseline ``base`` (None: none asked
    for), before the independent check (``checked``)."""
    r = main.result
    baseline = cumulative = None
    if base is not None:
        b = base.result
        savings = be = None
        if main.npv is not None and base.npv is not None:
            savings = money(base.npv - main.npv)
            assert main.cumulative is not None and base.cumulative is not None
            be = accounting.break_even_month(main.cumulative, base.cumulative)
        baseline = BaselineResult(
            status=b.status,
            npv=_money(base.npv),
            savings=savings,
            break_even_month=be,
            objective=_money(b.objective),
            bound=_money(b.bound),
            gap=_gap3(b.gap),
            solver=b.solver,
            solve_seconds=round(b.seconds, 3),
            message=b.message,
            periods=list(base.periods),
            annualized_npv=_money(base.annualized),
            committed_after_horizon=_money(base.after_horizon),
            **_baseline_carbon(inst, base),
        )
    if main.cumulative is not None:
        cumulative = CumulativeCost(
            plan=[money(v) for v in main.cumulative],
            baseline=[money(v) for v in base.cumulative] if base and base.cumulative else None,
        )
    totals = {
        k: money(sum(c[k] for c in main.costs)) for k in (main.costs[0] if main.costs else {})
    }
    return Plan(
        instance=inst.name,
        currency=inst.currency,
        status=r.status,
        termination=r.termination,
        message=r.message,
        objective=_money(r.objective),
        bound=_money(r.bound),
        gap=_gap3(r.gap),
        solver=r.solver,
        solve_seconds=round(r.seconds, 3),
        options=recorded_options(options),
        periods=list(main.periods),
        residual_value=_money(main.residual),
        npv=_money(main.npv),
        annualized_npv=_money(main.annualized),
        committed_after_horizon=_money(main.after_horizon),
        totals=totals,
        baseline=baseline,
        cumulative_cost=cumulative,
        diagnosis=list(main.diagnosis),
        emissions_t=_money(sum(main.emissions)) if main.result.has_solution else None,
    )


def recorded_options(options: SolveOptions) -> dict[str, Any]:
    """The options a plan records: how it was solved, not where (workers, scheduler: the
    plan is the same on any runner) nor what the plan JSON says elsewhere (baseline)."""
    return options.model_dump(exclude={"baseline", "formulation", "workers", "scheduler"})


def _baseline_carbon(inst: Instance, base: Outcome) -> dict[str, Any]:
    """The baseline's ``emissions_t`` and ``over_carbon_cap`` (v2; the baseline is solved
    without carbon caps), when it has a plan."""
    if not base.result.has_solution:
        return {}
    return {
        "emissions_t": money(sum(base.emissions)),
        "over_carbon_cap": accounting.over_carbon_cap(inst.horizon.periods, base.emissions),
    }


def _money(x: float | None) -> float | None:
    return None if x is None else money(x)


def _gap3(g: float | None) -> float | None:
    return None if g is None else float(f"{g:.3e}") + 0.0


def plan_of(
    inst: Instance,
    options: SolveOptions,
    main: Outcome,
    base: Outcome | None,
    objective: str | None = None,
) -> Plan:
    """The checked plan JSON of ``main`` with its baseline (None: the baseline is the plan
    itself, as in ``placement.solve`` when no workload is pinned).

    ``objective``: what the solve minimised when it was not the NPV (then the plan's
    ``objective`` is its NPV, ``bound`` is null and ``message`` says what was minimised,
    so that the plan stays a valid plan of the spec: objective = npv)."""
    opts = options.model_copy(update={"baseline": True})
    plan = assemble(inst, opts, main, base if base is not None else main)
    if objective is not None and plan.npv is not None:
        value = main.result.objective
        note = f"minimised {objective}" + (f" = {value:.6g}" if value is not None else "")
        update: dict[str, Any] = {
            "objective": plan.npv,
            "bound": None,
            "message": "; ".join(x for x in (plan.message, note) if x),
        }
        if base is None and plan.baseline is not None:  # the baseline is this same solve
            update["baseline"] = plan.baseline.model_copy(
                update={"objective": plan.baseline.npv, "bound": None}
            )
        plan = plan.model_copy(update=update)
    return checked(inst, plan)
