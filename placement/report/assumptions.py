"""The report's assumptions appendix: the instance's periods, offers and prices, sites,
hardware and priced links, as the plan was solved with them."""

from __future__ import annotations

from dataclasses import dataclass

from placement.lookup import Lookup
from placement.schema import Instance


def per_period_text(value: float | list[float], fmt: str) -> str:
    """A per-period figure as text: one value, or each period's joined by ' / '."""
    values = value if isinstance(value, list) else [value]
    return " / ".join(format(v, fmt) for v in values)


@dataclass(frozen=True)
class OfferRow:
    site: str
    hardware: str
    kind: str
    price: str
    max_units: int | None
    existing_units: int


@dataclass(frozen=True)
class SiteRow:
    id: str
    kind: str
    node: str
    jurisdiction: str | None
    energy_per_kwh: float | list[float]
    pue: float
    power_kw: float | None
    fixed_per_month: float
    activation_cost: float
    egress_per_gb: float
    capex_rebate: float


@dataclass(frozen=True)
class Assumptions:
    instance_name: str
    currency: str
    discount_rate: float
    horizon_months: float
    periods: tuple[tuple[str, float, float, bool, int | None, float | None], ...]
    max_utilization: float
    offers: tuple[OfferRow, ...]
    sites: tuple[SiteRow, ...]
    hardware: tuple[
        tuple[str, str, float, float | list[float] | None, float | None, float, float], ...
    ]
    priced_links: tuple[tuple[str, float], ...]
    bundled: bool


def _offers(inst: Instance, lk: Lookup) -> list[OfferRow]:
    offers = []
    for o in sorted(inst.offers, key=lambda o: (o.site, o.hardware)):
        hw = lk.hardware[o.hardware]
        if hw.kind == "rented":
            price = f"{per_period_text(o.price_per_hour or 0.0, ',.4g')} /unit-hour"
        else:
            price = f"{per_period_text(hw.capex or 0.0, ',.0f')} capex/unit"
        offers.append(OfferRow(o.site, o.hardware, hw.kind, price, o.max_units, o.existing_units))
    return offers


def assumptions_of(inst: Instance, lk: Lookup, bundled: bool) -> Assumptions:
    """The appendix's figures (``bundled``: the instance is a bundled example)."""
    sites = tuple(
        SiteRow(s.id, s.kind, s.node_id, s.jurisdiction, s.energy_per_kwh, s.pue, s.power_kw,
                s.fixed_per_month, s.activation_cost, s.egress_per_gb, s.capex_rebate)
        for s in inst.sites
    )
    hardware = tuple(
        (h.id, h.kind, h.memory_gb, h.capex, h.lifetime_months, h.power_w,
         h.maintenance_per_month)
        for h in inst.hardware
    )
    priced = tuple(sorted(("|".join(sorted((x.a, x.b))), x.cost_per_gb)
                          for x in inst.network.links if x.cost_per_gb))
    periods = tuple(
        (p.name, pi.start, p.months, p.pilot, p.max_migrations, p.capex_budget)
        for p, pi in zip(inst.horizon.periods, lk.periods, strict=True)
    )
    return Assumptions(inst.name, inst.currency, inst.horizon.discount_rate, lk.horizon_months,
                       periods, inst.policy.max_utilization, tuple(_offers(inst, lk)), sites,
                       hardware, priced, bundled)
