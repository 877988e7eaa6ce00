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
    every_period,
)
from placement.schema.hardware import Hardware
from placement.schema.offers import Offer

SiteKind = Literal["cloud", "edge", "onprem"]


class Period(StrictModel):
    name: Id
    months: Positive = Field(
        le=600, description="Length of the period, months (a month is 730 h; at most 600)."
    )
    pilot: bool = Field(False, description="Pilot wave: only criticality-low workloads may move.")
    max_migrations: NonNegInt | None = Field(None, description="Most workloads that may move.")
    capex_budget: NonNeg | None = Field(None, description="Most capex spent in the period.")
    carbon_cap_t: NonNeg | None = Field(
        None, description="Most emissions of the plan in the period, tCO2e; none = no cap."
    )


class Horizon(StrictModel):
    discount_rate: NonNeg = Field(0.0, description="Annual discount rate for the NPV (0.08 = 8%).")
    periods: list[Period] = Field(min_length=1, description="The planning periods, in order.")


class Policy(StrictModel):
    max_utilization: Annotated[float, Field(gt=0, le=1)] = Field(
        1.0, description="Fraction of a unit's rated rps that may be used, in (0, 1]."
    )
    carbon_price_per_t: NonNeg = Field(0.0, description="Price of emissions, per tCO2e.")


class Link(StrictModel):
    a: Id
    b: Id
    latency_ms: NonNeg = Field(description="One-way latency, ms.")
    bandwidth_mbps: Positive | None = Field(None, description="Capacity, Mbit/s; none = no cap.")
    cost_per_gb: NonNeg = Field(0.0, description="Transfer price per GB crossing the link.")


class Location(StrictModel):
    lat: Annotated[float, Field(ge=-90, le=90)] = Field(description="Latitude, degrees.")
    lon: Annotated[float, Field(ge=-180, le=180)] = Field(description="Longitude, degrees.")


class Network(StrictModel):
    links: list[Link] = Field(description="Undirected links between network nodes.")
    locations: dict[str, Location] | None = Field(
        None,
        description="Map coordinates of network nodes (node -> lat, lon), for maps only; "
        "no effect on cost or feasibility.",
    )


class EgressTier(StrictModel):
    up_to_gb: Positive | None = Field(
        None, description="Upper end of the tier, GB per month; none on the last tier only."
    )
    per_gb: NonNeg = Field(description="Price per GB within the tier.")


class Site(StrictModel):
    id: Id
    kind: SiteKind
    node: Id | None = Field(None, description="Network node of the site (default: its id).")
    jurisdiction: str | None = Field(None, description="None fails every residency list.")
    egress_per_gb: NonNeg = Field(0.0, description="Billed on response bytes leaving the site.")
    fixed_per_month: NonNeg = Field(0.0, description="Ops labour etc. while the site is active.")
    activation_cost: NonNeg = Field(0.0, description="One-time, first period the site is active.")
    active_at_start: bool = Field(False, description="Running before period 1: no activation.")
    energy_per_kwh: PerPeriod = Field(
        0.0, description="Energy price (owned hardware only): a scalar or one per period."
    )
    pue: Annotated[float, Field(ge=1)] = Field(1.0, description="Power usage effectiveness >= 1.")
    power_kw: NonNeg | None = Field(
        None, description="Cap on owned units' draw, kW; none = no cap."
    )
    capex_rebate: Fraction = Field(0.0, description="Fraction of capex refunded at this site.")
    failure_domain: Id | None = Field(None, description="Default: the site's id.")
    carbon_g_per_kwh: PerPeriod = Field(
        0.0, description="Grid carbon intensity, gCO2e/kWh: a scalar or one per period."
    )
    egress_tiers: list[EgressTier] | None = Field(
        None,
        min_length=1,
        description="Volume-tiered egress prices of the site's egress group (replace "
        "egress_per_gb); in order, only the last without up_to_gb.",
    )
    egress_group: Id | None = Field(
        None, description="Sites billed together share one tier schedule (default: its id)."
    )

    @property
    def node_id(self) -> str:
        return self.node if self.node is not None else self.id

    @property
    def domain(self) -> str:
        return self.failure_domain if self.failure_domain is not None else self.id

    @property
    def billing_group(self) -> str:
        """The site's egress group (``egress_group``, default its id)."""
        return self.egress_group if self.egress_group is not None else self.id


class Variant(StrictModel):
    id: Id
    memory_gb: NonNeg
    quality: Fraction = 1.0
    size_gb: NonNeg | None = Field(
        None, description="Size of the weights sent to sites, GB (default: memory_gb)."
    )

    @property
    def size(self) -> float:
        """GB transferred per copy: ``size_gb``, default ``memory_gb``."""
        return self.size_gb if self.size_gb is not None else self.memory_gb


class Model(StrictModel):
    id: Id
    variants: list[Variant] = Field(min_length=1)
    registry: Id | None = Field(
        None, description="Network node the weights are published from; none = no updates."
    )
    updates_per_month: NonNeg = Field(
        0.0, description="Updates of every hosted variant sent to each site per month."
    )
    registry_egress_per_gb: NonNeg = Field(
        0.0, description="Price per GB leaving the registry (plus the path's cost_per_gb)."
    )


class Profile(StrictModel):
    """Serving capacity of one unit: ``rps`` and ``latency_ms``, or, token-based,
    ``tokens_per_s``, ``ttft_ms`` and ``tpot_ms`` (checked in
    ``placement.validate_v2.check_profile_kinds``)."""

    model: Id
    variant: Id
    hardware: Id
    rps: Positive | None = Field(
        None, description="Rated requests per second of one unit (or give tokens_per_s)."
    )
    latency_ms: NonNeg = Field(0.0, description="Serving latency, ms (rps profiles).")
    tokens_per_s: Positive | None = Field(
        None, description="Output tokens per second one unit sustains (instead of rps)."
    )
    ttft_ms: NonNeg = Field(0.0, description="Time to first token, ms (token-based only).")
    tpot_ms: NonNeg = Field(0.0, description="Time per output token, ms (token-based only).")


class Placement(StrictModel):
    site: Id
    hardware: Id
    variant: Id
    market: Literal["on_demand", "spot"] = Field(
        "on_demand", description="The pool it runs in today (spot: interruptible only)."
    )


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
    interruptible: bool = Field(False, description="May run on spot units.")
    output_tokens: Positive | None = Field(
        None, description="Mean output tokens per request (needed by token-based profiles)."
    )
    input_tokens: NonNeg | None = Field(
        None, description="Mean input tokens per request (for information)."
    )

    def demand(self, n_periods: int) -> list[float]:
        """Demand per period (a scalar means every period)."""
        return every_period(self.demand_rps, n_periods)


class Instance(StrictModel):
    """A problem instance of the spec, v1 with the v2 additions."""

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

    @property
    def nodes(self) -> set[str]:
        """The network nodes: every link end and every site's node."""
        ends = {lk.a for lk in self.network.links} | {lk.b for lk in self.network.links}
        return ends | {s.node_id for s in self.sites}
