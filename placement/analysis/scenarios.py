"""Scenarios: named sets of multipliers and overrides, each solved with its own baseline.

A scenarios file (YAML or JSON)::

    reference: typical            # optional: the scenario the others are compared with
    scenarios:                    # in order; names are free text
      best:
        description: cheaper cloud, flat demand
        multipliers: {rented: 0.85, demand: 0.9}
      typical: {}                 # today's figures
      worst:
        multipliers: {rented: 1.2, energy: 1.4, demand: 1.25}
        overrides: ["horizon.discount_rate=0.12"]

Multipliers (keys of ``MULTIPLIER_KEYS``, see ``multipliers.py``) are applied first, then
the overrides (``PATH=VALUE``, see ``overrides.py``), so an override sets an absolute
value. The reference defaults to ``typical`` when there is one, else the first scenario.

Each scenario is one task for :func:`placement.executor.run_all`: the scenario's
instance (as a dict) is solved with its own stay-put baseline, one solver thread per
worker. A scenario whose solve fails or is infeasible is reported in its row; the others
are kept. The solve-one-point helpers here are shared by sensitivity and thresholds.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from placement.analysis.multipliers import scale_instance
from placement.analysis.overrides import apply_overrides
from placement.analysis.results import MULTIPLIER_KEYS, ScenarioRow, ScenariosResult
from placement.errors import InstanceError, Problem
from placement.executor import Outcome, Progress, run_all
from placement.io import parse_text, read_mapping
from placement.result import Status, has_solution
from placement.schema import Instance
from placement.schema.options import SolveOptions
from placement.validate import schema_problems

__all__ = [
    "DEFAULT_SCENARIOS",
    "Point",
    "Scenario",
    "ScenarioSet",
    "load_scenarios",
    "run_scenarios",
    "scenario_instance",
    "solve_point",
]

DEFAULT_SCENARIOS = "default_scenarios.yaml"

# --------------------------------------------------------------------------- file format


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


MultiplierKey = Literal[
    "rented",
    "capex",
    "energy",
    "egress",
    "transfer",
    "demand",
    "labour",
    "maintenance",
    "activation",
    "migration",
    "committed",
    "spot",
    "carbon_price",
    "price_trend",
]
assert get_args(MultiplierKey) == MULTIPLIER_KEYS
Multiplier = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class Scenario(_Strict):
    """One scenario: multipliers on cost categories and/or PATH=VALUE overrides."""

    description: str = ""
    multipliers: dict[MultiplierKey, Multiplier] = Field(
        default_factory=dict, description=f"Keys: {', '.join(MULTIPLIER_KEYS)}; values >= 0."
    )
    overrides: list[str] = Field(default_factory=list, description="PATH=VALUE strings.")


class ScenarioSet(_Strict):
    """A scenarios file: named scenarios (in order) and the reference one."""

    reference: str | None = Field(None, description="Default: 'typical', else the first.")
    scenarios: dict[str, Scenario] = Field(min_length=1)

    @model_validator(mode="after")
    def _reference(self) -> ScenarioSet:
        if self.reference is not None and self.reference not in self.scenarios:
            have = ", ".join(self.scenarios)
            raise ValueError(f"reference '{self.reference}' is not a scenario (have: {have})")
        return self

    @property
    def reference_name(self) -> str:
        if self.reference is not None:
            return self.reference
        return "typical" if "typical" in self.scenarios else next(iter(self.scenarios))


def load_scenarios(source: str | os.PathLike[str] | Mapping[str, Any] | None = None) -> ScenarioSet:
    """A scenarios file (path or mapping); ``None``: the bundled best/typical/worst set.

    Raises InstanceError listing every problem with its path (``scenarios.worst.multipliers``).
    """
    if source is None:
        text = resources.files("placement.analysis").joinpath(DEFAULT_SCENARIOS).read_text()
        data: Any = parse_text(text, DEFAULT_SCENARIOS)
    elif isinstance(source, Mapping):
        data = dict(source)
    else:
        data = read_mapping(source)
    try:
        return ScenarioSet.model_validate(data)
    except ValidationError as exc:
        raise InstanceError([_friendly(p) for p in schema_problems(exc)]) from None


def _friendly(p: Problem) -> Problem:
    """``scenarios.x.multipliers.rentd.[key]: Input should be ...`` → unknown multiplier."""
    if p.path.endswith(".[key]"):
        path = p.path.removesuffix(".[key]")
        key = path.rsplit(".", 1)[-1]
        return Problem(path, f"unknown multiplier '{key}' (have: {', '.join(MULTIPLIER_KEYS)})")
    return p


def scenario_instance(
    inst: Instance, multipliers: Mapping[Any, float], overrides: Sequence[str]
) -> Instance:
    """The instance with the multipliers applied, then the overrides."""
    scaled = scale_instance(inst, {str(k): v for k, v in multipliers.items()})
    return apply_overrides(scaled, list(overrides))


# --------------------------------------------------------------------------- one solve


Placement5 = tuple[str, str, str, str, str]  # (workload, period, site, hardware, variant)


class Point(_Strict):
    """What a sweep needs from one solve (small, so cheap to send back from a worker)."""

    status: str
    npv: float | None = None
    baseline_status: str | None = None
    baseline_npv: float | None = None
    savings: float | None = None
    break_even_month: int | None = None
    message: str = ""
    #: the recommended placement: (workload, period, site, hardware, variant), sorted
    placements: tuple[Placement5, ...] = ()
    #: with a reference placement to keep: the NPV of keeping it here (units re-optimised;
    #: None if it is infeasible here), and whether the recommendation changed, i.e. keeping
    #: the reference costs more than this point's optimum (beyond the solver's gap)
    kept_npv: float | None = None
    changed: bool | None = None

    @property
    def has_plan(self) -> bool:
        return has_solution(self.status)


SolveTask = (
    tuple[dict[str, Any], dict[str, Any]]
    | tuple[dict[str, Any], dict[str, Any], tuple[Placement5, ...] | None]
)


def solve_point(task: SolveTask) -> Point:
    """Worker task: solve ``(instance dict, SolveOptions dict[, reference placements])``
    and summarise the plan.

    With reference placements (e.g. today's recommendation), a point whose recommended
    placements differ from them is checked: the reference placements are solved again
    here, fixed (units re-optimised), and the recommendation counts as changed only if
    keeping them costs more than this optimum by more than the relative gap (a cent at
    least). Alternative optima (ties) therefore do not count as changes.

    Top-level and picklable, for the process pool and Dask; the instance is re-validated.
    """
    from placement.api import solve
    from placement.validate import validate

    inst_doc, opts = task[0], task[1]
    keep = task[2] if len(task) > 2 else None
    inst = validate(inst_doc)
    options = SolveOptions(**opts)
    plan = solve(inst, options)
    b = plan.baseline
    placements = tuple(
        sorted(
            (a.workload, p.name, a.site, a.hardware, a.variant)
            for p in plan.periods
            for a in p.assignments
        )
    )
    kept_npv, changed = None, None
    if keep is not None:
        if not plan.has_solution or plan.npv is None:
            changed = True
        elif placements == tuple(keep):
            kept_npv, changed = plan.npv, False
        else:
            try:
                kept_npv = keep_npv(inst, keep, options)
            except KeptPlanError as exc:  # "unchanged" would rest on an unchecked plan
                return Point(status=Status.ERROR, message=str(exc), placements=placements)
            slack = options.gap * abs(plan.npv) + 0.01
            changed = kept_npv is None or kept_npv > plan.npv + slack
    if plan.status == Status.ERROR:  # failed: its figures (if any) failed the independent check
        return Point(status=plan.status, message=plan.message, changed=changed)
    return Point(
        status=plan.status,
        npv=plan.npv,
        baseline_status=b.status if b else None,
        baseline_npv=b.npv if b else None,
        savings=b.savings if b else None,
        break_even_month=b.break_even_month if b else None,
        message=plan.message,
        placements=placements,
        kept_npv=kept_npv,
        changed=changed,
    )


class KeptPlanError(Exception):
    """The plan that keeps the reference placements fails the independent check."""


def keep_npv(inst: Instance, keep: Sequence[Placement5], options: SolveOptions) -> float | None:
    """NPV of the best plan that keeps exactly these placements (None: infeasible).

    The plan goes through the independent evaluator (``placement.assemble.checked``)
    before its NPV is used; KeptPlanError (with the violations) if it fails."""
    from placement.assemble import assemble, checked
    from placement.data import prepare
    from placement.pipeline import solve_data

    data = prepare(inst, options.formulation)
    names = [p.name for p in inst.horizon.periods]
    wanted = set(keep)
    kept = [
        k
        for k, c in enumerate(data.cands)
        if (c.workload, names[c.period], c.site, c.hardware, c.variant) in wanted
    ]
    opts = options.model_copy(update={"baseline": False})
    outcome = solve_data(data, opts, fixed=kept)
    if not outcome.result.has_solution:
        return None
    plan = checked(inst, assemble(inst, opts, outcome, None))
    if not plan.has_solution:
        raise KeptPlanError(f"keeping the reference placements: {plan.message}")
    return plan.npv


def sweep_options(options: SolveOptions | None) -> dict[str, Any]:
    """Options for a sweep's solves: one solver thread each unless ``options.threads``
    says otherwise (the workers are parallel)."""
    opts = (options or SolveOptions()).model_dump()
    if opts["threads"] is None:
        opts["threads"] = 1
    return opts


def differing_workloads(a: Point, b: Point) -> list[str]:
    """Workloads whose placements (over all periods) differ between two points."""
    by_a: dict[str, set[tuple[str, ...]]] = {}
    by_b: dict[str, set[tuple[str, ...]]] = {}
    for w, *rest in a.placements:
        by_a.setdefault(w, set()).add(tuple(rest))
    for w, *rest in b.placements:
        by_b.setdefault(w, set()).add(tuple(rest))
    return sorted(w for w in set(by_a) | set(by_b) if by_a.get(w) != by_b.get(w))


def solve_with_reference(
    reference: tuple[dict[str, Any], dict[str, Any]],
    others: Sequence[tuple[dict[str, Any], dict[str, Any]]],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[Point]:
    """Solve the reference point, then the others in parallel, each checked against the
    reference's placements (``Point.changed``). Returns [reference, *others]."""
    total = 1 + len(others)

    def tick(offset: int) -> Progress:
        return lambda done, _n: progress(offset + done, total) if progress else None

    first = point_error(run_all(solve_point, [reference], workers=1, progress=tick(0))[0])
    keep = first.placements if first.has_plan else None
    tasks: list[SolveTask] = [(inst, opts, keep) for inst, opts in others]
    rest = run_all(solve_point, tasks, workers=workers, scheduler=scheduler, progress=tick(1))
    return [first, *(point_error(o) for o in rest)]


def point_error(outcome: Outcome[Point]) -> Point:
    """An Outcome as a Point (a failed task becomes status 'error' with its message)."""
    if outcome.value is not None:
        return outcome.value
    return Point(status=Status.ERROR, message=outcome.error or "failed")


# --------------------------------------------------------------------------- the sweep


def run_scenarios(
    inst: Instance,
    scenarios: ScenarioSet | Mapping[str, Any] | str | os.PathLike[str] | None = None,
    *,
    options: SolveOptions | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> ScenariosResult:
    """Solve every scenario (with its own baseline) in parallel; compare with the reference.

    Raises InstanceError, before solving anything, if the scenarios file is invalid or a
    scenario's multipliers or overrides do not apply (paths ``scenarios.NAME....``).
    """
    sset = scenarios if isinstance(scenarios, ScenarioSet) else load_scenarios(scenarios)
    tasks: list[tuple[dict[str, Any], dict[str, Any]]] = []
    problems: list[Problem] = []
    opts = sweep_options(options)
    for name, sc in sset.scenarios.items():
        try:
            tasks.append((scenario_instance(inst, sc.multipliers, sc.overrides).model_dump(), opts))
        except InstanceError as exc:
            problems += [Problem(f"scenarios.{name}", str(p)) for p in exc.problems]
    if problems:
        raise InstanceError(problems)
    names = list(sset.scenarios)
    ref_at = names.index(sset.reference_name)
    points = solve_with_reference(
        tasks[ref_at],
        [t for i, t in enumerate(tasks) if i != ref_at],
        workers=workers,
        scheduler=scheduler,
        progress=progress,
    )
    points.insert(ref_at, points.pop(0))
    ref = points[ref_at]
    rows = []
    for name, point in zip(names, points, strict=True):
        sc = sset.scenarios[name]
        differs = differing_workloads(ref, point) if point.changed and point.has_plan else []
        rows.append(
            ScenarioRow(
                name=name,
                multipliers=dict(sc.multipliers),
                overrides=list(sc.overrides),
                status=point.status,
                npv=point.npv,
                baseline_npv=point.baseline_npv,
                savings=point.savings,
                break_even_month=point.break_even_month,
                differs_from_reference=differs,
                message=_row_message(point),
            )
        )
    return ScenariosResult(instance=inst.name, reference=sset.reference_name, rows=rows)


def _row_message(p: Point) -> str:
    if p.status == Status.ERROR and p.message:
        return p.message
    if p.has_plan and p.baseline_status is not None and not has_solution(p.baseline_status):
        return f"baseline {p.baseline_status}: no savings figure"
    return p.message
