"""Hardware options: rented cloud units or owned units bought and kept."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from placement.schema.base import Id, NonNeg, Positive, StrictModel


class Hardware(StrictModel):
    """A hardware option. Owned hardware needs ``capex`` and ``lifetime_months``
    (checked in ``placement.validate.check_hardware``)."""

    id: Id
    kind: Literal["rented", "owned"] = Field(description="rented (cloud) or owned (bought).")
    memory_gb: NonNeg = Field(description="Accelerator memory per unit, GB.")
    capex: NonNeg | None = Field(None, description="Purchase price per unit (owned only).")
    lifetime_months: Positive | None = Field(
        None, description="Straight-line depreciation life, months (owned only)."
    )
    power_w: NonNeg = Field(0.0, description="Power draw per unit, W (energy billed for owned).")
    maintenance_per_month: NonNeg = Field(0.0, description="Per owned unit per month.")
    lead_time_months: NonNeg = Field(
        0.0, description="No purchase in a period that starts before this month."
    )
