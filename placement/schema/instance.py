"""The instance: horizon, policy, network, sites, offers, models, profiles, workloads.

Field defaults are the spec's; descriptions carry the units (they feed
``placement schema`` and ``docs/instance-format.md``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from placement.schema.base import (
    Fraction,
    Id,
    NonNeg,
    NonNegInt,
    OneOrMany,
    PerPeriod,
    Positive,
    StrictModel,
)
from placement.schema.hardware import Hardware

SiteKind = Literal["cloud", "edge", "onprem"]


class Period(StrictModel):
    name: Id
    months: Positive = Field(
        le=600, description="Length of the period, months (a month is 730 h; at most 600)."
    )
    pilot: bool = Field(False, description="Pilot wave: only criticality-low workloads may move.")
    max_migrations: NonNegInt | None = Field(None, description="Most workloads that may move.")
    capex_budget: NonNeg | None = Field(None, description="Most capex spent in the period.")


class Horizon(StrictModel):
    discount_rate: NonNeg = Field(0.0, description="Annual discount rate for the NPV (0.08 = 8%).")
    periods: list[Period] = Field(min_length=1, description="The planning periods, in order.")


class Policy(StrictModel):
    max_utilization: Annotated[float, Field(gt=0, le=1)] = Field(
        1.0, description="Fraction of a unit's rated rps that may be used, in (0, 1]."
    )


class Link(StrictModel):
    a: Id
    b: Id
    latency_ms: NonNeg = Field(description="One-way latency, ms.")
    bandwidth_mbps: Positive | None = Field(None, description="Capacity, Mbit/s; none = no cap.")
    cost_per_gb: NonNeg = Field(0.0, description="Transfer price per GB crossing the link.")


class Network(StrictModel):
    links: list[Link] = Field(description="Undirected links between network nodes.")


class Site(StrictModel):
    id: Id
    kind: SiteKind
    node: Id | None = Field(None, description="Network node of the site (default: its id).")
    jurisdiction: str | None = Field(None, description="None fails every residency list.")
    egress_per_gb: NonNeg = Field(0.0, description="Billed on response bytes leaving the site.")
    fixed_per_month: NonNeg = Field(0.0, description="Ops labour etc. while the site is active.")
    activation_cost: NonNeg = Field(0.0, description="One-time, first period the site is active.")
    active_at_start: bool = Field(False, description="Running before period 1: no activation.")
    energy_per_kwh: NonNeg = Field(0.0, description="Energy price (owned hardware only).")
    pue: Annotated[float, Field(ge=1)] = Field(1.0, description="Power usage effectiveness >= 1.")
    power_kw: NonNeg | None = Field(
        None, description="Cap on owned units' draw, kW; none = no cap."
    )
    capex_rebate: Fraction = Field(0.0, description="Fraction of capex refunded at this site.")
    failure_domain: Id | None = Field(None, description="Default: the site's id.")

    @property
    def node_id(self) -> str:
        return self.node if self.node is not None else self.id

    @property
    def domain(self) -> str:
        return self.failure_domain if self.failure_domain is not None else self.id


class Offer(StrictModel):
    site: Id
    hardware: Id
    price_per_hour: NonNeg | None = Field(None, description="Rented hardware: price per unit-hour.")
    max_units: NonNegInt | None = Field(None, description="Most units; none = no cap.")
    existing_units: NonNegInt = Field(0, description="Owned units already in service.")


class Variant(StrictModel):
    id: Id
    memory_gb: NonNeg
    quality: Fraction = 1.0


class Model(StrictModel):
    id: Id
    variants: list[Variant] = Field(min_length=1)


class Profile(StrictModel):
    model: Id
    variant: Id
    hardware: Id
    rps: Positive = Field(description="Rated requests per second of one unit.")
    latency_ms: NonNeg = Field(0.0, description="Serving latency, ms.")


class Placement(StrictModel):
    site: Id
    hardware: Id
    variant: Id


class Workload(StrictModel):
    id: Id
    model: Id
    origin: Id = Field(description="Network node the requests come from.")
    demand_rps: PerPeriod = Field(description="Peak demand, rps: a scalar or one per period.")
    load_factor: Fraction = Field(1.0, description="Average / peak, for traffic volumes.")
    latency_slo_ms: NonNeg = Field(description="2 x path latency + serving latency must fit.")
    request_kb: NonNeg = 0.0
    response_kb: NonNeg = 0.0
    min_quality: Fraction = 0.0
    residency: list[str] | None = Field(None, description="Allowed jurisdictions; empty = any.")
    allowed_kinds: list[SiteKind] | None = Field(None, description="Default: all kinds.")
    replicas: Annotated[int, Field(ge=1)] = 1
    criticality: Literal["low", "high"] = "low"
    current: Annotated[list[Placement] | None, OneOrMany] = Field(
        None, description="Where it runs today: one placement, or a list (one per replica)."
    )
    migration_cost: NonNeg = Field(0.0, description="One-time cost of each move.")

    def demand(self, n_periods: int) -> list[float]:
        """Demand per period (a scalar means every period)."""
        d = self.demand_rps
        return list(d) if isinstance(d, list) else [float(d)] * n_periods


class Instance(StrictModel):
    """A problem instance of the spec, v1."""

    name: Id
    currency: str = "USD"
    horizon: Horizon
    policy: Policy = Policy()
    network: Network
    sites: list[Site]
    hardware: list[Hardware]
    offers: list[Offer]
    models: list[Model]
    profiles: list[Profile]
    workloads: list[Workload]
