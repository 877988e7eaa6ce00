"""Egress groups with volume tiers and model transfers from registries: the index sets
and prices that the MILP, the accounting and the presolve share (PROBLEM-v2.md sections
4 and 6; readings in docs/v2-readings.md).

- An **egress group** is the sites of one ``billing_group`` (``egress_group``, default the
  site's id); a group is *tiered* when its sites give ``egress_tiers`` (validation makes
  every site of a group give the same tiers, or none). Its bill in period p is
  m_p x tiered(V(g,p)), V(g,p) the monthly response GB of the replicas at its sites.
- A **copy** of (model, variant) to a site costs ``copy_price_per_gb`` per GB: the sum of
  ``cost_per_gb`` over the route from the model's registry to the site's node, plus
  ``registry_egress_per_gb``; 0 without a registry or when the site cannot be reached.
"""

from __future__ import annotations

from placement import costs
from placement.lookup import Lookup
from placement.network import Routes


def site_tiers(lk: Lookup, site: str) -> costs.Tiers | None:
    """The site's tier schedule as (up_to_gb, per_gb) pairs (None: flat egress_per_gb)."""
    tiers = lk.sites[site].egress_tiers
    return None if tiers is None else tuple((t.up_to_gb, t.per_gb) for t in tiers)


def tiered_groups(lk: Lookup) -> dict[str, tuple[costs.Tiers, list[str]]]:
    """Every tiered egress group: its tiers and its sites (sorted), by group name."""
    out: dict[str, tuple[costs.Tiers, list[str]]] = {}
    for s in sorted(lk.sites):
        tiers = site_tiers(lk, s)
        if tiers is not None:
            group = lk.sites[s].billing_group
            out.setdefault(group, (tiers, []))[1].append(s)
    return out


def copy_price_per_gb(lk: Lookup, routes: Routes, model: str, site: str) -> float:
    """Price per GB of sending ``model``'s weights to ``site``: the path's cost_per_gb from
    the registry (v1's route, walked from the registry) + registry_egress_per_gb; 0 when
    the model has no registry or the site cannot be reached (no update, no first copy)."""
    m = lk.models[model]
    if m.registry is None:
        return 0.0
    route = routes.get(m.registry, lk.sites[site].node_id)
    if route is None:
        return 0.0
    return routes.path_cost_per_gb(route) + m.registry_egress_per_gb


def copy_charged(lk: Lookup, routes: Routes, model: str, variant: str, site: str) -> bool:
    """Whether hosting (model, variant) at ``site`` costs anything (updates or a first
    copy): a positive price per GB and a positive size."""
    size = lk.variants[(model, variant)].size
    return size > 0 and copy_price_per_gb(lk, routes, model, site) > 0


def hosted_at_start(lk: Lookup) -> set[tuple[str, str, str]]:
    """(site, model, variant) of every ``current`` placement: hosted before period 1, so
    no first copy there in period 1."""
    out: set[tuple[str, str, str]] = set()
    for wl in lk.workloads.values():
        for c in wl.current or []:
            out.add((c.site, wl.model, c.variant))
    return out
