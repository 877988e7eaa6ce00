"""Cross-reference checks of the v2 fields (docs/problem.md, docs/v2-readings.md), each a
``check_*`` returning problems, run by :func:`placement.validate.validate` with the others.

The schema checks each value alone (types, ranges); these check what involves several:
per-period lists against the horizon, commitments and spot on rented offers only, a
current placement's market, egress tiers and egress groups, profiles (``rps`` or
``tokens_per_s``), a model's registry, map locations.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from placement.errors import Problem
from placement.schema import Instance, Profile, Site


def unknown_node(path: str, name: str, nodes: set[str]) -> list[Problem]:
    """A problem at ``path`` when ``name`` is not a network node, with a 'did you mean'."""
    if name in nodes:
        return []
    close = difflib.get_close_matches(name, sorted(nodes), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return [Problem(path, f"unknown node '{name}'{hint}")]


def _per_period_values(inst: Instance) -> Iterator[tuple[str, float | list[float] | None]]:
    """Every per-period field of the instance, with its path."""
    for i, o in enumerate(inst.offers):
        yield f"offers[{i}].price_per_hour", o.price_per_hour
        if o.spot is not None:
            yield f"offers[{i}].spot.price_per_hour", o.spot.price_per_hour
    for i, h in enumerate(inst.hardware):
        yield f"hardware[{i}].capex", h.capex
    for i, s in enumerate(inst.sites):
        yield f"sites[{i}].energy_per_kwh", s.energy_per_kwh
        yield f"sites[{i}].carbon_g_per_kwh", s.carbon_g_per_kwh
    for i, w in enumerate(inst.workloads):
        yield f"workloads[{i}].demand_rps", w.demand_rps


def check_period_values(inst: Instance) -> list[Problem]:
    """A per-period list has exactly one value per period."""
    n = len(inst.horizon.periods)
    return [
        Problem(path, f"has {len(value)} values but the horizon has {n} periods")
        for path, value in _per_period_values(inst)
        if isinstance(value, list) and len(value) != n
    ]


def check_rented_only(inst: Instance) -> list[Problem]:
    """Commitments and spot capacity are for rented offers; embodied emissions for owned
    hardware (rented units' making is the provider's, and nothing would count it)."""
    kinds = {h.id: h.kind for h in inst.hardware}
    problems = []
    for i, o in enumerate(inst.offers):
        if kinds.get(o.hardware) != "owned":
            continue
        if o.commitments:
            problems.append(
                Problem(f"offers[{i}].commitments", "only rented hardware has commitments")
            )
        if o.spot is not None:
            problems.append(Problem(f"offers[{i}].spot", "only rented hardware has spot units"))
    problems += [
        Problem(f"hardware[{i}].embodied_t", "embodied emissions count for owned hardware only")
        for i, h in enumerate(inst.hardware)
        if h.kind == "rented" and h.embodied_t > 0
    ]
    return problems


def check_markets(inst: Instance) -> list[Problem]:
    """A current placement on spot: the workload is interruptible and the offer has spot.

    (A current placement without an offer is ``check_workloads``' problem.)
    """
    spot = {(o.site, o.hardware): o.spot is not None for o in inst.offers}
    problems = []
    for i, w in enumerate(inst.workloads):
        for j, c in enumerate(w.current or []):
            if c.market != "spot" or (c.site, c.hardware) not in spot:
                continue
            path = f"workloads[{i}].current[{j}].market"
            if not w.interruptible:
                problems.append(Problem(path, "spot, but the workload is not interruptible"))
            if not spot[(c.site, c.hardware)]:
                problems.append(
                    Problem(path, f"spot, but the offer '{c.site}/{c.hardware}' has no spot")
                )
    return problems


def _tier_problems(path: str, site: Site) -> list[Problem]:
    tiers = site.egress_tiers or []
    problems = []
    if tiers and site.egress_per_gb > 0:
        problems.append(
            Problem(f"{path}.egress_per_gb", "egress_tiers replace egress_per_gb: give one of them")
        )
    previous = 0.0
    for k, tier in enumerate(tiers):
        where = f"{path}.egress_tiers[{k}].up_to_gb"
        last = k == len(tiers) - 1
        if tier.up_to_gb is None:
            if not last:
                problems.append(Problem(where, "missing: only the last tier has no upper end"))
            continue
        if last:
            problems.append(
                Problem(where, "the last tier has no upper end (no price above it otherwise)")
            )
        if tier.up_to_gb <= previous:
            problems.append(
                Problem(where, f"must be above the previous tier's {previous:g} GB (increasing)")
            )
        previous = tier.up_to_gb
    return problems


def check_egress(inst: Instance) -> list[Problem]:
    """Tiers are ordered and open-ended; the sites of an egress group give the same tiers
    (or none of them gives tiers)."""
    problems = []
    first: dict[str, tuple[int, Site]] = {}
    for i, site in enumerate(inst.sites):
        problems += _tier_problems(f"sites[{i}]", site)
        j, ref = first.setdefault(site.billing_group, (i, site))
        if j == i or site.egress_tiers == ref.egress_tiers:
            continue
        group = f"egress group '{site.billing_group}'"
        if site.egress_tiers is None or ref.egress_tiers is None:
            has = "gives" if ref.egress_tiers is not None else "gives no"
            message = f"{group} mixes sites with and without tiers: '{ref.id}' {has} egress_tiers"
        else:
            message = f"{group}: the tiers differ from those of site '{ref.id}'"
        problems.append(Problem(f"sites[{i}].egress_tiers", message))
    return problems


def _profile_problems(path: str, p: Profile) -> list[Problem]:
    if p.rps is None and p.tokens_per_s is None:
        return [Problem(f"{path}.rps", "missing: give rps, or tokens_per_s (token-based)")]
    if p.rps is not None and p.tokens_per_s is not None:
        return [Problem(f"{path}.tokens_per_s", "give either rps or tokens_per_s, not both")]
    if p.tokens_per_s is not None and p.latency_ms > 0:
        return [
            Problem(
                f"{path}.latency_ms",
                "a token-based profile's latency is ttft_ms + tpot_ms x output_tokens: "
                "give those instead",
            )
        ]
    return [
        Problem(f"{path}.{name}", "only a token-based profile (tokens_per_s) uses it")
        for name in ("ttft_ms", "tpot_ms")
        if p.rps is not None and getattr(p, name) > 0
    ]


def check_profile_kinds(inst: Instance) -> list[Problem]:
    """A profile gives rps (and latency_ms) or tokens_per_s (and ttft_ms, tpot_ms)."""
    return [
        p for i, prof in enumerate(inst.profiles) for p in _profile_problems(f"profiles[{i}]", prof)
    ]


def check_registries(inst: Instance) -> list[Problem]:
    """A registry is a network node; update figures need a registry to be sent from."""
    nodes = inst.nodes
    problems = []
    for i, m in enumerate(inst.models):
        if m.registry is not None:
            problems += unknown_node(f"models[{i}].registry", m.registry, nodes)
            continue
        problems += [
            Problem(f"models[{i}].{name}", "needs a registry (the node updates are sent from)")
            for name in ("updates_per_month", "registry_egress_per_gb")
            if getattr(m, name) > 0
        ]
    return problems


def check_locations(inst: Instance) -> list[Problem]:
    """Every located node is a network node."""
    nodes = inst.nodes
    return [
        p
        for node in (inst.network.locations or {})
        for p in unknown_node(f"network.locations.{node}", node, nodes)
    ]


CHECKS_V2 = (
    check_period_values,
    check_rented_only,
    check_markets,
    check_egress,
    check_profile_kinds,
    check_registries,
    check_locations,
)
