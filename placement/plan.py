"""The plan: frozen models matching the spec's plan JSON ("Plan (JSON)"), plus extras.

Extras beyond the spec (never changing a spec field's meaning): ``format``,
``currency``, ``termination``, ``message``, ``options``, ``totals``,
``baseline.{objective,bound,gap,solver,solve_seconds,message,periods,
committed_after_horizon}``, ``diagnosis``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from placement.errors import PlanFormatError, Problem
from placement.result import has_solution
from placement.validate import schema_problems

PLAN_FORMAT = "placement-plan/1"
Number = int | float
Market = Literal["on_demand", "spot"]
#: The largest magnitude a plan's number may have: sums and differences of a plan's figures
#: (``placement diff``, totals) then stay finite.
MAX_PLAN_NUMBER = 1e300


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class PlanAssignment(_Out):
    workload: str
    site: str
    hardware: str
    variant: str
    carried_rps: float = Field(description="Load this replica must be able to carry, rps.")
    latency_ms: float = Field(description="2 x path latency + the profile's latency.")
    market: Market = Field("on_demand", description="The pool it runs in (v2): spot or not.")


class PlanUnits(_Out):
    site: str
    hardware: str
    units: int = Field(
        description="Units in service: rented on demand plus committed units serving the "
        "period, or owned units."
    )
    bought: int = Field(0, description="Owned units bought this period (0 for rented).")
    market: Market = Field(
        "on_demand", description="spot: the offer's spot units (their own row); else the rest."
    )


class PlanCommitment(_Out):
    site: str
    hardware: str
    commitment: str = Field(description="The commitment's id on the offer.")
    units: int = Field(description="Units committed at the start of this period.")


class PlanPeriod(_Out):
    name: str
    start_month: Number
    months: Number
    assignments: list[PlanAssignment]
    units: list[PlanUnits]
    moves: list[str]
    costs: dict[str, float] = Field(description="Undiscounted costs of the period by category.")
    link_load_mbps: dict[str, float]
    commitments: list[PlanCommitment] = Field(
        default_factory=list, description="Commitments made at the start of this period."
    )
    emissions_t: float | None = Field(None, description="The period's emissions, tCO2e (v2).")


class Diagnosis(_Out):
    """Why an instance is infeasible: a workload, a period (None: every period), the rules."""

    workload: str | None
    period: str | None
    message: str
    exclusions: list[dict[str, Any]] = Field(default_factory=list)


class BaselineResult(_Out):
    status: str
    npv: float | None
    savings: float | None
    break_even_month: int | None
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    solver: str | None = None
    solve_seconds: float | None = None
    message: str = ""
    periods: list[PlanPeriod] = Field(default_factory=list)
    annualized_npv: float | None = Field(None, description="npv x CRF.")
    committed_after_horizon: float | None = Field(
        None, description="Payments of the baseline's commitments past the horizon's end."
    )
    emissions_t: float | None = Field(None, description="Total emissions, tCO2e (v2).")
    over_carbon_cap: list[str] | None = Field(
        None, description="Periods whose carbon_cap_t the baseline exceeds (v2)."
    )


class CumulativeCost(_Out):
    plan: list[float]
    baseline: list[float] | None


class Plan(_Out):
    """A solved (or unsolvable) instance, as the spec's plan JSON."""

    format: str = PLAN_FORMAT
    instance: str
    currency: str = "USD"
    status: str = Field(description="optimal | feasible | infeasible | error")
    termination: str = Field("", description="optimal | time_limit | infeasible | error")
    message: str = ""
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    solver: str = ""
    solve_seconds: float = 0.0
    options: dict[str, Any] = Field(default_factory=dict)
    periods: list[PlanPeriod] = Field(default_factory=list)
    residual_value: float | None = None
    npv: float | None = None
    annualized_npv: float | None = Field(
        None, description="npv x CRF, CRF = r / (1 - (1 + r)^(-T/12)) (12 / T when r = 0)."
    )
    committed_after_horizon: float | None = Field(
        None,
        description="Undiscounted payments of commitments for months past the horizon's end "
        "(counted in the NPV at the horizon's end's discount factor).",
    )
    totals: dict[str, float] = Field(
        default_factory=dict, description="Undiscounted, per category."
    )
    baseline: BaselineResult | None = None
    cumulative_cost: CumulativeCost | None = None
    diagnosis: list[Diagnosis] = Field(default_factory=list)
    emissions_t: float | None = Field(None, description="Total emissions, tCO2e (v2).")

    @property
    def has_solution(self) -> bool:
        return has_solution(self.status)

    @property
    def savings(self) -> float | None:
        return self.baseline.savings if self.baseline else None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        return cls.model_validate(data)


def number_problems(doc: Any, path: str = "") -> list[Problem]:
    """Every number of a plan JSON document (nested anywhere, ``options`` and
    ``diagnosis`` included) that is NaN, infinite or beyond ±MAX_PLAN_NUMBER, by path
    (``periods[0].costs.energy``)."""
    found: list[Problem] = []
    if isinstance(doc, bool):
        return found
    where = path or "(plan)"
    if isinstance(doc, float) and not math.isfinite(doc):
        found.append(Problem(where, f"{doc!r} is not a finite number"))
    elif isinstance(doc, float | int) and abs(doc) > MAX_PLAN_NUMBER:
        shown = f"{doc:.6g}" if isinstance(doc, float) else f"an integer of {len(str(doc))} digits"
        found.append(Problem(where, f"{shown} is beyond ±{MAX_PLAN_NUMBER:g}"))
    elif isinstance(doc, Mapping):
        for key, value in doc.items():
            found += number_problems(value, f"{path}.{key}" if path else str(key))
    elif isinstance(doc, list | tuple):
        for i, value in enumerate(doc):
            found += number_problems(value, f"{path}[{i}]")
    return found


def parse_plan(doc: Plan | Mapping[str, Any]) -> Plan:
    """A Plan from a plan JSON mapping (or a Plan, checked again): PlanFormatError listing
    every problem with its path if it is not one: a field of the wrong type, an unknown
    field, or a number that is NaN, infinite or out of range (even where the schema takes
    any value, as in ``options``)."""
    raw = doc.model_dump(mode="python") if isinstance(doc, Plan) else doc
    problems = number_problems(raw)
    if problems:
        raise PlanFormatError(problems)
    if isinstance(doc, Plan):
        return doc
    try:
        return Plan.model_validate(dict(doc))
    except ValidationError as exc:
        raise PlanFormatError(schema_problems(exc)) from None
