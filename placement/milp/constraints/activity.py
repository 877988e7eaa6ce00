"""Site activity and one-time activation."""

from __future__ import annotations

from placement.milp.variables import Milp


def add_activity(m: Milp) -> None:
    """A site is active in p if any workload runs on it, or it rents or owns any unit.

    For every site with an ``active`` variable, p, workload w:  Y(w,s,p) <= active(s,p);
    for every (s, h) offered:  units(s,h,p) <= U(s,h,p) x active(s,p), units the units in
    service (committed units serving p included, paid-but-not-serving ones not) and U an
    upper bound on them (owned existing units therefore force the site active).
    """
    data = m.data
    lk = data.lk
    for (s, p), act in sorted(m.active.items()):
        for w in sorted(lk.workloads):
            if (w, s, p) in data.by_wsp:
                m.add_row([*m.served_terms(w, s, p), (act, -1.0)], "<=", 0.0, "act_w", (s, p, w))
        for h in lk.offers_at[s]:
            units, existing = m.units_terms(s, h, p)
            if not units and not lk.is_owned(h):
                continue
            ub = data.in_service_upper(s, h, p)
            if ub > 0:
                m.add_row([*units, (act, -float(ub))], "<=", -existing, "act_u", (s, p, h))


def add_activation(m: Milp) -> None:
    """Activation is paid once, in the first period the site is active.

    For every site with ``first`` variables:  sum_p first(s,p) <= 1 and
    active(s,p) <= sum_{q<=p} first(s,q).
    """
    data = m.data
    for s in sorted(data.lk.sites):
        if (s, 0) not in m.first:
            continue
        firsts = [(m.first[(s, p)], 1.0) for p in range(data.n_periods)]
        m.add_row(firsts, "<=", 1.0, "first_once", s)
        for p in range(data.n_periods):
            before = [(var, -1.0) for var, _ in firsts[: p + 1]]
            m.add_row([(m.active[(s, p)], 1.0), *before], "<=", 0.0, "first", (s, p))
