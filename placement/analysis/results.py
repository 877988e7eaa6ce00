"""Analysis results: the JSON that analyses write and the report reads.

Every result has ``kind`` (its type) and ``instance`` (the instance's name). Money is in
the instance's currency, NPVs discounted; multipliers are relative to today's figures
(1.0 = as in the instance). Categories are the spec's cost categories plus ``demand``
and ``labour`` (= site fixed costs), the v2 prices (``committed``, ``spot``,
``carbon_price``) and a yearly ``price_trend``, see ``MULTIPLIER_KEYS``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: What a scenario or a sensitivity may scale. New keys go at the END: risk draws key i
#: from child i of one SeedSequence, so appending keeps every older key's draws.
MULTIPLIER_KEYS = (
    "rented", "capex", "energy", "egress", "transfer", "demand", "labour",
    "maintenance", "activation", "migration",
    # v2 (issue 16): committed-use and spot prices, the carbon price, a yearly price trend
    "committed", "spot", "carbon_price", "price_trend",
)


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScenarioRow(_Result):
    name: str
    multipliers: dict[str, float] = Field(default_factory=dict)
    overrides: list[str] = Field(default_factory=list, description="PATH=VALUE strings.")
    status: str
    npv: float | None
    baseline_npv: float | None
    savings: float | None
    break_even_month: int | None
    differs_from_reference: list[str] = Field(
        default_factory=list, description="Workloads placed differently from the reference."
    )
    message: str = ""


class ScenariosResult(_Result):
    kind: Literal["scenarios"] = "scenarios"
    instance: str
    reference: str = Field(description="Scenario the others are compared with (typical).")
    rows: list[ScenarioRow]


class TornadoRow(_Result):
    parameter: str = Field(description="A MULTIPLIER_KEYS entry.")
    low: float = Field(description="Multiplier at the low end, e.g. 0.8.")
    high: float
    npv_low: float | None
    npv_high: float | None
    changes_low: bool = Field(description="The recommended placement differs at the low end.")
    changes_high: bool
    message: str = Field("", description="Why an end has no plan (its status, and the "
                         "solver's or the independent check's message).")


class SensitivityResult(_Result):
    kind: Literal["sensitivity"] = "sensitivity"
    instance: str
    base_npv: float
    delta: float = Field(description="The one-at-a-time swing, e.g. 0.2 for ±20%.")
    rows: list[TornadoRow]
    skipped: dict[str, str] = Field(
        default_factory=dict, description="Multiplier keys the default set left out, and "
        "why (e.g. 'committed': 'no offer has commitments'; price_trend: only when named).")


class ThresholdRow(_Result):
    parameter: str
    direction: Literal["down", "up"]
    threshold: float | None = Field(
        description="Multiplier at which the recommendation changes; None: not in range."
    )
    searched: tuple[float, float]
    tolerance: float
    solves: int
    change: str = Field("", description="What changes at the threshold, in words.")


class ThresholdsResult(_Result):
    kind: Literal["thresholds"] = "thresholds"
    instance: str
    rows: list[ThresholdRow]


class RiskStats(_Result):
    mean: float
    p5: float
    p50: float
    p95: float
    var: float = Field(description="Value at risk: the NPV quantile at the level.")
    cvar: float = Field(description="Mean NPV of the worst (1 - level) share of samples.")


class RiskResult(_Result):
    kind: Literal["risk"] = "risk"
    instance: str
    samples: int
    seed: int
    level: float = Field(description="e.g. 0.95")
    distributions: dict[str, dict[str, Any]] = Field(
        description="Per multiplier key: {'type': 'triangular'|'lognormal', params...}."
    )
    plan: RiskStats
    baseline: RiskStats | None
    prob_plan_beats_baseline: float | None
    prob_capacity_shortfall: float | None = Field(
        None, description="Share of samples whose demand exceeds what the plan's units carry "
        "at max_utilization in some period (its NPV there is a lower bound).")
    baseline_prob_capacity_shortfall: float | None = Field(
        None, description="The same for the baseline.")
    plan_npvs: list[float] = Field(description="Every sampled NPV of the plan (for histograms).")
    baseline_npvs: list[float] = Field(default_factory=list)


class ParetoPoint(_Result):
    npv: float
    mean_latency_ms: float | None = None
    energy_kwh: float | None = None
    status: str
    plan: dict[str, Any] | None = Field(None, description="The plan JSON at this point.")


class ParetoResult(_Result):
    kind: Literal["pareto"] = "pareto"
    instance: str
    versus: Literal["latency", "energy"]
    points: list[ParetoPoint]


AnalysisResult = Annotated[
    ScenariosResult | SensitivityResult | ThresholdsResult | RiskResult | ParetoResult,
    Field(discriminator="kind"),
]
