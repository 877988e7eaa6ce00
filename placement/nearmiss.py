"""Warnings about a valid instance: names that differ only in case or spaces.

The rules compare names exactly (a site of jurisdiction ``eu`` does not satisfy a
residency list ``[EU]``), so such a near-miss validates and then quietly removes
candidates, often leaving the instance infeasible. These are warnings, not errors: the
instance means what it says; :func:`warnings` only points at the likely slip.
"""

from __future__ import annotations

from collections import defaultdict

from placement.errors import Problem
from placement.labels import labelled_path
from placement.schema import Instance


def _norm(name: str) -> str:
    return "".join(name.split()).casefold()


def warnings(inst: Instance) -> list[Problem]:
    """Every near-miss of ``inst`` as a problem (path, message), in instance order."""
    found = _residency(inst) + _domains(inst) + _nodes(inst)
    if not found:
        return []
    data = inst.model_dump()
    return [Problem(p.path, p.message, labelled_path(p.path, data)) for p in found]


def _residency(inst: Instance) -> list[Problem]:
    """Residency entries that match some site's jurisdiction only ignoring case and
    spaces (and no other entry of the list matches it exactly)."""
    by_norm: dict[str, set[str]] = defaultdict(set)
    for s in inst.sites:
        if s.jurisdiction is not None:
            by_norm[_norm(s.jurisdiction)].add(s.jurisdiction)
    out = []
    for i, w in enumerate(inst.workloads):
        listed = set(w.residency or [])
        for j, r in enumerate(w.residency or []):
            near = sorted(by_norm.get(_norm(r), set()) - listed)
            if not near:
                continue
            sites = sorted(s.id for s in inst.sites if s.jurisdiction in near)
            shown = " or ".join(f"'{x}'" for x in near[:3])
            out.append(Problem(
                f"workloads[{i}].residency[{j}]",
                f"'{r}' matches jurisdiction {shown} (site{'s' if len(sites) > 1 else ''} "
                f"{_few(sites)}) only when case and spaces are ignored; residency compares "
                f"exactly, so {'those sites are' if len(sites) > 1 else 'that site is'} not "
                "allowed for this workload",
            ))
    return out


def _domains(inst: Instance) -> list[Problem]:
    """Failure domains that are distinct only by case or spaces (replicas there would
    count as spread across domains)."""
    first: dict[str, tuple[str, str]] = {}
    out = []
    for i, s in enumerate(inst.sites):
        if s.failure_domain is None:
            continue
        key = _norm(s.failure_domain)
        seen = first.setdefault(key, (s.failure_domain, s.id))
        if seen[0] != s.failure_domain:
            out.append(Problem(
                f"sites[{i}].failure_domain",
                f"'{s.failure_domain}' and '{seen[0]}' (site '{seen[1]}') differ only in case "
                "or spaces; they count as two failure domains",
            ))
    return out


def _nodes(inst: Instance) -> list[Problem]:
    """Site nodes that are on no link but match a link's node ignoring case and spaces."""
    nodes = {lk.a for lk in inst.network.links} | {lk.b for lk in inst.network.links}
    by_norm = {_norm(n): n for n in sorted(nodes)}
    out = []
    for i, s in enumerate(inst.sites):
        near = by_norm.get(_norm(s.node_id))
        if s.node_id in nodes or near is None:
            continue
        field = "node" if s.node is not None else "id"
        out.append(Problem(
            f"sites[{i}].{field}",
            f"node '{s.node_id}' is on no link, but link node '{near}' differs only in case "
            "or spaces; the site is unreachable as written",
        ))
    return out


def _few(names: list[str], most: int = 3) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")
