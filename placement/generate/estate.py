"""The estate being generated: sites, offers and network links, and where each site is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from placement.generate.catalog import METRO
from placement.generate.draws import r


@dataclass
class Estate:
    """The instance's sites, offers and links in generation order, and lookups on them."""

    links: list[dict[str, Any]] = field(default_factory=list)
    sites: list[dict[str, Any]] = field(default_factory=list)
    offers: list[dict[str, Any]] = field(default_factory=list)
    site_metro: dict[str, str] = field(default_factory=dict)
    site_node: dict[str, str] = field(default_factory=dict)
    regions: list[str] = field(default_factory=list)  # cloud sites, in order
    user_metros: list[str] = field(default_factory=list)  # metros with a region, in order
    price: dict[tuple[str, str], float] = field(default_factory=dict)  # (site, hw) -> $/h

    def add_link(self, a: str, b: str, latency: float, bandwidth: float | None = None,
                 cost: float = 0.0) -> None:
        link: dict[str, Any] = {"a": a, "b": b, "latency_ms": r(latency)}
        if bandwidth is not None:
            link["bandwidth_mbps"] = float(bandwidth)
        if cost:
            link["cost_per_gb"] = r(cost, 3)
        self.links.append(link)

    def add_site(self, site: dict[str, Any], metro: str, node: str) -> None:
        self.sites.append(site)
        self.site_metro[site["id"]] = metro
        self.site_node[site["id"]] = node

    def add_offer(self, offer: dict[str, Any]) -> None:
        self.offers.append(offer)
        if "price_per_hour" in offer:
            self.price.setdefault((offer["site"], offer["hardware"]), offer["price_per_hour"])

    def continent(self, site: str) -> str:
        return METRO[self.site_metro[site]][1]

    def jurisdiction_of_metro(self, metro: str) -> str:
        return METRO[metro][2]
