"""What ``repair`` reports: the relaxations in words and as overrides, the workloads no
relaxation can place, and the result (``explain --repair --json``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Family = Literal["capacity", "bandwidth", "power", "max_migrations", "capex_budget", "latency"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Relaxation(_Out):
    family: Family
    target: str = Field(description="offer SITE/HW, link A|B, site, period or workload id.")
    field: str = Field(description="The instance field to change.")
    current: float
    suggested: float = Field(description="The new value (rounded up).")
    increase: float = Field(description="suggested - current.")
    penalty: float = Field(description="The slack normalised by its scale, as minimised.")
    periods: list[str] = Field(description="Periods in which the limit binds.")
    override: str = Field(description="The change as a --set PATH=VALUE override.")
    message: str


class Unrepairable(_Out):
    workload: str
    period: str | None
    message: str
    rules: list[str]


class RepairResult(_Out):
    kind: Literal["repair"] = "repair"
    instance: str
    status: Literal["feasible", "repaired", "unrepairable", "error"] = Field(
        description="feasible: nothing to relax; repaired: relaxations found (and checked); "
        "unrepairable: rules that cannot be relaxed exclude a workload, or no relaxation "
        "helps; error: the elastic solve failed.")
    message: str
    relaxations: list[Relaxation] = Field(default_factory=list)
    unrepairable: list[Unrepairable] = Field(default_factory=list)
    penalty: float | None = Field(None, description="Total normalised relaxation.")
    elastic_status: str | None = None
    verified: bool | None = Field(
        None, description="The instance with the relaxations applied solves (None: not run).")
    repaired_status: str | None = None
    repaired_npv: float | None = None
