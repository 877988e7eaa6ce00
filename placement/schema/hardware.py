"""Hardware options: rented cloud units or owned units bought and kept."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from placement.schema.base import Id, NonNeg, PerPeriod, Positive, StrictModel


class Hardware(StrictModel):
    """A hardware option. Owned hardware needs ``capex`` and ``lifetime_months``
    (checked in ``placement.validate.check_hardware``)."""

    id: Id
    kind: Literal["rented", "owned"] = Field(description="rented (cloud) or owned (bought).")
    memory_gb: NonNeg = Field(description="Accelerator memory per unit, GB.")
    capex: PerPeriod | None = Field(
        None,
        description="Purchase price per unit (owned only): a scalar, or one per period "
        "(the price of the period of purchase).",
    )
    lifetime_months: Positive | None = Field(
        None, description="Straight-line depreciation life, months (owned only)."
    )
    power_w: NonNeg = Field(
        0.0,
        description="Power draw per unit, W (energy billed for owned; emissions for every "
        "kind).",
    )
    maintenance_per_month: NonNeg = Field(0.0, description="Per owned unit per month.")
    lead_time_months: NonNeg = Field(
        0.0, description="No purchase in a period that starts before this month."
    )
    license_per_month: NonNeg = Field(
        0.0,
        description="Software licences per unit in service per month (every kind and pool).",
    )
    embodied_t: NonNeg = Field(
        0.0, description="Emissions of making one unit, tCO2e (owned only; in the period bought)."
    )
