"""Offers: which hardware a site runs, at what price, committed-use and spot capacity."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from placement.schema.base import Id, NonNeg, NonNegInt, PerPeriod, Positive, StrictModel


class Commitment(StrictModel):
    """Committed use (a reserved instance, a committed-use discount) of a rented offer:
    whole units bought for ``term_months`` from the start of a period, paid for the whole
    term whether used or not."""

    id: Id = Field(description="Id of the commitment, unique within its offer (e.g. `1y`).")
    term_months: Positive = Field(description="Length of the term, months.")
    price_per_hour: NonNeg = Field(description="Price per committed unit-hour, in `currency`.")


class Spot(StrictModel):
    """Spot capacity of a rented offer: a separate pool of units that only interruptible
    workloads may use."""

    price_per_hour: PerPeriod = Field(
        description="Price per spot unit-hour: a scalar, or one per period."
    )
    max_units: NonNegInt | None = Field(None, description="Most spot units; none = no cap.")
    interruption_overhead: Annotated[float, Field(ge=0, lt=1)] = Field(
        0.0,
        description="Capacity lost to evictions: a spot unit carries at most "
        "max_utilization x (1 - this) of its rated load, in [0, 1).",
    )


class Offer(StrictModel):
    site: Id
    hardware: Id
    price_per_hour: PerPeriod | None = Field(
        None, description="Rented hardware: price per unit-hour, a scalar or one per period."
    )
    max_units: NonNegInt | None = Field(
        None, description="Most units (on demand, committed and owned); none = no cap."
    )
    existing_units: NonNegInt = Field(0, description="Owned units already in service.")
    commitments: list[Commitment] = Field(
        [], description="Committed-use terms on offer (rented only)."
    )
    spot: Spot | None = Field(None, description="Spot capacity (rented only); none = no spot.")
