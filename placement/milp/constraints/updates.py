"""Model updates and first copies: which sites host which (model, variant), and when a
site starts hosting one (PROBLEM-v2.md section 6)."""

from __future__ import annotations

from placement.milp.variables import Milp


def add_hosting(m: Milp) -> None:
    """A site hosts (model, variant) in p exactly when it serves a workload with them.

    Index sets: every (s, mo, v, p) of ``transfer_sets.host_sets`` (hosting costs money
    there and some candidate runs) with more than one workload, W(s,mo,v,p) its workloads,
    K(w) the candidates of w at (s, any hardware, v, p).

    host_w (w,s,v,p):   sum_{k in K(w)} x_k <= host(s,mo,v,p)     for w in W(s,mo,v,p)
    host_only (s,mo,v,p): host(s,mo,v,p) <= sum_{w in W} sum_{k in K(w)} x_k

    With one (hardware, variant) per workload and site, sum_{K(w)} x_k is 0 or 1, so at any
    integer x host = max_w sum_{K(w)} x_k, 0 or 1 (a site cannot pay for a copy it does not
    hold to save a first copy later). Where one workload alone can host (s, mo, v, p),
    host(s,mo,v,p) is sum_{K(w)} x_k itself (no column, no row: ``Milp.host_terms``).
    The objective pays host x updates_per_month x size_gb x m_p x price_per_gb(mo, s).
    """
    for key, by_w in m.hosting.items():
        col = m.blocks["host"].get(key)
        if col is None:
            continue
        s, _, v, p = key
        every = []
        for w, ks in sorted(by_w.items()):
            terms = [(m.x[k], 1.0) for k in ks]
            every += terms
            m.add_row([*terms, (col, -1.0)], "<=", 0.0, "host_w", (w, s, v, p))
        m.add_row([(col, 1.0), *[(j, -c) for j, c in every]], "<=", 0.0, "host_only", key)


def add_first_copies(m: Milp) -> None:
    """A site that starts hosting (model, variant) in p receives a first copy.

    Index sets: every (s, mo, v, p) of ``transfer_sets.host_sets``; host(s,mo,v,p-1) = 0
    where no candidate runs there in p-1, and for p = 1, host before = 1 when a
    ``current`` placement of (mo, v) is at s (then no ``first_copy`` column: no row).
    host is ``Milp.host_terms``: the ``host`` column, or the one workload's x.

    first_copy (s,mo,v,p):  host(s,mo,v,p) - host(s,mo,v,p-1) <= first_copy(s,mo,v,p)

    first_copy >= 0 is paid (size_gb x price_per_gb(mo, s)), so at the optimum it is
    max(0, host(p) - host(p-1)): 1 exactly when s starts hosting in p.
    """
    first = m.blocks["first_copy"]
    for (s, mo, v, p), col in first.items():
        terms = [*m.host_terms((s, mo, v, p)), (col, -1.0)]
        if p > 0:
            terms += [(j, -c) for j, c in m.host_terms((s, mo, v, p - 1))]
        m.add_row(terms, "<=", 0.0, "first_copy", (s, mo, v, p))
