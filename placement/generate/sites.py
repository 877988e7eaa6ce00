"""Sites and their offers: cloud regions (rented hardware), edge sites and on-prem rooms."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from placement.generate.catalog import (
    CONTINENT_PRICE,
    CONTINENT_WEIGHT,
    HARDWARE,
    HW,
    METRO,
    METROS,
    PROVIDERS,
    RENTED,
)
from placement.generate.draws import Draws, r
from placement.generate.estate import Estate
from placement.generate.network import corporate_wan


def split_sites(n_sites: int) -> tuple[int, int, int]:
    """(cloud, edge, on-prem): ~40% cloud regions, ~35% of the rest on-prem rooms."""
    n_cloud = min(n_sites, max(1, round(0.4 * n_sites)))
    rest = n_sites - n_cloud
    n_onprem = 0 if rest == 0 else max(1, round(0.35 * rest)) if rest >= 2 else 0
    return n_cloud, rest - n_onprem, n_onprem


def region_id(prov: str, metro: str, count: dict[str, int]) -> str:
    """``aws-paris``, then ``aws-paris-b``, ``aws-paris-3``, ... (a name per region)."""
    base = f"{prov}-{metro}"
    n = count.get(base, 0)
    count[base] = n + 1
    return base if n == 0 else f"{base}-b" if n == 1 else f"{base}-{n + 1}"


def cloud_regions(d: Draws, est: Estate, n: int) -> None:
    """n regions at (provider, metro) pairs: about two providers per metro, metros drawn
    by continent and population weight (an estate clusters where its users are)."""
    names = [m[0] for m in METROS]
    weights = [CONTINENT_WEIGHT[m[1]] * m[5] for m in METROS]
    order: list[str] = []
    pool, w = list(names), list(weights)
    while pool and len(order) < max(1, math.ceil(n / 2)):  # weighted, no replacement
        i = int(d.rng.choice(len(pool), p=np.asarray(w) / sum(w)))
        order.append(pool.pop(i))
        w.pop(i)
    providers = list(PROVIDERS)
    taken: set[tuple[str, str]] = set()
    count: dict[str, int] = {}
    for k in range(n):
        metro = order[k % len(order)]
        start = int(d.rng.integers(3))
        prov = next((providers[(start + j) % 3] for j in range(3)
                     if (providers[(start + j) % 3], metro) not in taken),
                    providers[start])
        taken.add((prov, metro))
        add_cloud_site(d, est, region_id(prov, metro, count), prov, metro)
    est.user_metros = list(dict.fromkeys(est.site_metro[x] for x in est.regions))


def add_cloud_site(d: Draws, est: Estate, rid: str, prov: str, metro: str) -> None:
    cont, juris = METRO[metro][1], METRO[metro][2]
    mult, egress, _ = PROVIDERS[prov]
    site: dict[str, Any] = {"id": rid, "kind": "cloud", "jurisdiction": juris,
                            "egress_per_gb": r(egress * d.u(0.95, 1.05), 3)}
    est.add_site(site, metro, rid)
    est.regions.append(rid)
    for h in RENTED:
        price = HW[h].price * CONTINENT_PRICE[cont] * mult * d.u(0.97, 1.03)
        est.add_offer({"site": rid, "hardware": h, "price_per_hour": r(price, 3)})


def near_metro(d: Draws, est: Estate) -> str:
    w = [METRO[m][5] for m in est.user_metros]
    return str(d.pick(est.user_metros, w))


def edge_sites(d: Draws, est: Estate, n: int) -> None:
    """Stores, plants and telco local zones next to user populations."""
    for k in range(n):
        metro = near_metro(d, est)
        sid = f"edge-{metro}-{k + 1}"
        site: dict[str, Any] = {"id": sid, "kind": "edge"}
        if k % 7 != 3:  # one in seven: a partner site of unknown jurisdiction
            site["jurisdiction"] = METRO[metro][2]
        est.add_link(f"users-{metro}", sid, d.u(1.0, 3.0),
                     bandwidth=float(d.pick([100, 200, 500, 1000])))
        local_zone = d.chance(0.3)
        jetsons = 0 if local_zone and d.chance(0.5) else d.integer(2, 9)
        existing = d.integer(1, 3) if jetsons and d.chance(0.3) else 0
        existing = min(existing, jetsons)
        server = d.chance(0.2)
        site.update({
            "egress_per_gb": 0.0 if not local_zone else r(d.u(0.02, 0.05), 3),
            "fixed_per_month": float(10 * round(d.u(15, 60))),
            "activation_cost": float(500 * round(d.u(3, 16))),
            "active_at_start": existing > 0,
            "energy_per_kwh": r(d.u(0.15, 0.35), 3),
            "pue": r(d.u(1.1, 1.5)),
        })
        draw = existing * HW["jetson-orin-64"].power_w / 1000
        power = d.u(0.5, 3.0) + (1.8 if server else 0.0)
        site["power_kw"] = r(max(power, draw * 1.3 + 0.1), 1)
        if d.chance(0.5):
            site["failure_domain"] = f"grid-{metro}"
        est.add_site(site, metro, sid)
        if jetsons:
            offer: dict[str, Any] = {"site": sid, "hardware": "jetson-orin-64",
                                     "max_units": jetsons}
            if existing:
                offer["existing_units"] = existing
            est.add_offer(offer)
        if server:
            est.add_offer({"site": sid, "hardware": "l40s-server-4x", "max_units": 1})
        if local_zone or not (jetsons or server):
            price = HW["l4-24g"].price * CONTINENT_PRICE[METRO[metro][1]] * 1.3
            est.add_offer({"site": sid, "hardware": "l4-24g",
                           "price_per_hour": r(price * d.u(0.95, 1.05), 3),
                           "max_units": d.integer(2, 9)})


def onprem_sites(d: Draws, est: Estate, n: int) -> None:
    """Server rooms on metro fibre; rooms of one data centre share its node and domain."""
    dcs: dict[str, str] = {}
    last_dc_in: dict[str, str] = {}
    for k in range(n):
        metro = near_metro(d, est)
        sid = f"onprem-{metro}-{k + 1}"
        if metro in last_dc_in and d.chance(0.5):
            node = last_dc_in[metro]
        else:
            node = f"dc-{metro}-{k + 1}"
            dcs[node] = metro
            last_dc_in[metro] = node
            est.add_link(f"users-{metro}", node, d.u(0.5, 2.0),
                         bandwidth=float(d.pick([2000, 5000, 10000, 20000])))
        onprem_room(d, est, sid, metro, node)
    corporate_wan(d, est, dcs)


def onprem_room(d: Draws, est: Estate, sid: str, metro: str, node: str) -> None:
    """One room: power, costs, its owned-server offers (some units already in service)."""
    existing_l40s = d.integer(1, 4) if d.chance(0.5) else 0
    existing_h100 = 1 if d.chance(0.2) else 0
    site: dict[str, Any] = {
        "id": sid, "kind": "onprem", "node": node,
        "jurisdiction": METRO[metro][2],
        "egress_per_gb": 0.0,
        "fixed_per_month": float(100 * round(d.u(15, 60))),
        "activation_cost": float(1000 * round(d.u(10, 40))),
        "active_at_start": existing_l40s + existing_h100 > 0,
        "energy_per_kwh": r(d.u(0.08, 0.22), 3),
        "pue": r(d.u(1.2, 1.7)),
        "failure_domain": node,
    }
    if d.chance(0.3):
        site["capex_rebate"] = r(d.pick([0.05, 0.1, 0.15]))
    draw = (existing_l40s * HW["l40s-server-4x"].power_w
            + existing_h100 * HW["h100-server-8x"].power_w) / 1000
    site["power_kw"] = float(max(5 * round(d.u(4, 24)), math.ceil(draw * 1.3)))
    est.add_site(site, metro, node)
    offer: dict[str, Any] = {"site": sid, "hardware": "l40s-server-4x",
                             "max_units": max(existing_l40s, d.integer(4, 17))}
    if existing_l40s:
        offer["existing_units"] = existing_l40s
    est.add_offer(offer)
    if existing_h100 or d.chance(0.5):
        offer = {"site": sid, "hardware": "h100-server-8x",
                 "max_units": max(existing_h100, d.integer(1, 5))}
        if existing_h100:
            offer["existing_units"] = existing_h100
        est.add_offer(offer)


def hardware() -> list[dict[str, Any]]:
    """The hardware list of the instance (no draws)."""
    out: list[dict[str, Any]] = []
    for h in HARDWARE:
        item: dict[str, Any] = {"id": h.id, "kind": h.kind, "memory_gb": float(h.memory_gb)}
        if h.kind == "rented":
            item["power_w"] = float(h.power_w)
        else:
            item.update({"capex": float(h.capex), "lifetime_months": float(h.lifetime),
                         "power_w": float(h.power_w),
                         "maintenance_per_month": float(h.maintenance),
                         "lead_time_months": float(h.lead_time)})
        out.append(item)
    return out
