"""``repair``: the elastic solve of the relaxed copy (without the workloads that no
relaxation can place), its slacks read as relaxations, and the relaxed instance solved to
check them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from placement.analysis.overrides import apply_overrides
from placement.analysis.repair.elastic import ElasticExtra, Limits, relaxed
from placement.analysis.repair.models import Relaxation, RepairResult, Unrepairable
from placement.analysis.repair.words import binding, describe
from placement.api import load_instance
from placement.api import solve as solve_instance
from placement.data import ProblemData, prepare
from placement.diagnose import frozen_in_pilot, short_of_candidates
from placement.errors import InstanceError
from placement.pipeline import solve_data
from placement.result import SolveResult, Status
from placement.schema import Instance
from placement.schema.base import MAX_COUNT, MAX_NUMBER
from placement.schema.options import SolveOptions


def _unrepairable(data: ProblemData) -> list[Unrepairable]:
    out = []
    for d in short_of_candidates(data) + frozen_in_pilot(data):
        assert d.workload is not None
        rules = sorted({str(e["rule"]) for e in d.exclusions})
        out.append(Unrepairable(workload=d.workload, period=d.period, message=d.message,
                                rules=rules))
    return out


@dataclass
class _Elastic:
    """The elastic solve's inputs: the relaxed copy's data, the original limits, the
    workloads blocked by rules that cannot be relaxed (and dropped from the copy)."""

    data: ProblemData
    limits: Limits
    blocked: list[Unrepairable]
    drop: set[str]


def repair(
    instance: Instance | str | dict[str, Any], options: SolveOptions | None = None
) -> RepairResult:
    """The smallest (normalised) relaxations of the relaxable limits that make the instance
    feasible, checked by solving the instance with them applied. Raises InstanceError for
    a bad instance."""
    inst = load_instance(instance)
    options = (options or SolveOptions()).model_copy(update={"baseline": False})
    elastic = _elastic_inputs(inst, options)
    if isinstance(elastic, RepairResult):
        return elastic
    extra = ElasticExtra(elastic.limits)
    r = solve_data(elastic.data, options, extras=(extra,)).result
    if not r.has_solution:
        return _no_elastic_solution(inst, elastic.blocked, r)
    relaxations = _relaxations(extra, r, elastic.data)
    total = round(sum(x.penalty for x in relaxations), 9) + 0.0
    if elastic.drop:
        names = ", ".join(sorted(elastic.drop))
        msg = (f"{names} cannot be placed whatever the relaxable limits"
               + ("; besides, the other workloads need the relaxations listed"
                  if relaxations else ""))
        return RepairResult(instance=inst.name, status="unrepairable", message=msg,
                            relaxations=relaxations, unrepairable=elastic.blocked,
                            penalty=total, elastic_status=r.status)
    if not relaxations:  # checked like a repair: the instance itself solves
        return _check_feasible(inst, options, r)
    return _check_relaxations(inst, options, r, relaxations, total)


def _elastic_inputs(inst: Instance, options: SolveOptions) -> _Elastic | RepairResult:
    """The relaxed copy without the workloads that rules which cannot be relaxed block,
    its data keeping the original bandwidth limits (the solver's own rows relax them);
    or the result when every workload is blocked."""
    rinst, _ = relaxed(inst)
    rdata = prepare(rinst, options.formulation)
    blocked = _unrepairable(rdata)
    drop = {u.workload for u in blocked}
    if drop:
        if len(drop) == len(inst.workloads):
            return RepairResult(
                instance=inst.name, status="unrepairable", unrepairable=blocked,
                message="no workload can be placed, whatever the relaxable limits: "
                        "rules that cannot be relaxed exclude every candidate")
        rinst, _ = relaxed(inst, drop)
        rdata = prepare(rinst, options.formulation)
    _, limits = relaxed(inst, drop)
    # the candidates and bounds without the caps, the solver's bandwidth rows with them
    rdata.routes = replace(rdata.routes, bandwidth_mbps={**rdata.routes.bandwidth_mbps,
                                                         **limits.bandwidth})
    return _Elastic(rdata, limits, blocked, drop)


def _no_elastic_solution(inst: Instance, blocked: list[Unrepairable], r: SolveResult
                         ) -> RepairResult:
    """The elastic model has no solution: unrepairable when it is infeasible, else an
    error."""
    if r.status == Status.INFEASIBLE:
        return RepairResult(
            instance=inst.name, status="unrepairable", unrepairable=blocked,
            elastic_status=r.status,
            message="no relaxation of capacity caps, bandwidth, power, max_migrations, "
                    "capex budgets or latency SLOs makes the instance feasible (rules that "
                    "cannot be relaxed: pilot periods, lead times, failure domains; a "
                    f"relaxed amount stays at most {MAX_NUMBER:g} and a relaxed count at "
                    f"most {MAX_COUNT:,}, the instance format's bounds)")
    return RepairResult(instance=inst.name, status="error", unrepairable=blocked,
                        elastic_status=r.status,
                        message=f"the elastic solve ended {r.status}: {r.message}")


def _relaxations(extra: ElasticExtra, r: SolveResult, data: ProblemData) -> list[Relaxation]:
    """The non-zero slacks of the elastic solution, in words."""
    relaxations = []
    for sl in extra.slacks:
        assert r.values is not None
        value = float(r.values[sl.col]) * sl.scale
        rel = describe(sl, value, binding(extra.model, sl, r.values), data)
        if rel is not None:
            relaxations.append(rel)
    return relaxations


def _check_feasible(inst: Instance, options: SolveOptions, r: SolveResult) -> RepairResult:
    """Nothing to relax: feasible, once the instance itself solves."""
    plan = solve_instance(inst, options)
    if not plan.has_solution:
        return RepairResult(
            instance=inst.name, status="error", penalty=0.0, elastic_status=r.status,
            verified=False, repaired_status=plan.status,
            message="the elastic model needs no relaxation, but the instance itself is "
                    f"{plan.status}" + (f": {plan.message}" if plan.message else ""))
    return RepairResult(instance=inst.name, status="feasible", penalty=0.0,
                        elastic_status=r.status, verified=True, repaired_status=plan.status,
                        repaired_npv=plan.npv,
                        message="the instance is feasible as it is: nothing to relax "
                                "(checked: it solves)")


def _check_relaxations(inst: Instance, options: SolveOptions, r: SolveResult,
                       relaxations: list[Relaxation], total: float) -> RepairResult:
    """Repaired: the relaxations applied as overrides, and the relaxed instance solved."""
    try:
        fixed = apply_overrides(inst, [x.override for x in relaxations])
    except InstanceError as exc:  # the slacks are bounded so that this should not happen
        return RepairResult(instance=inst.name, status="error", relaxations=relaxations,
                            penalty=total, elastic_status=r.status,
                            verified=False,
                            message=f"the relaxations found cannot be applied to the instance, "
                                    f"so they are not checked: {exc}")
    plan = solve_instance(fixed, options)
    ok = plan.has_solution
    n = len(relaxations)
    msg = (f"{n} relaxation{'s' if n != 1 else ''} make{'s' if n == 1 else ''} the instance "
           + ("feasible (checked: the relaxed instance solves)" if ok
              else f"feasible in the elastic model, but the relaxed instance is {plan.status}"))
    return RepairResult(
        instance=inst.name, status="repaired", message=msg, relaxations=relaxations,
        penalty=total, elastic_status=r.status, verified=ok,
        repaired_status=plan.status, repaired_npv=plan.npv,
    )
