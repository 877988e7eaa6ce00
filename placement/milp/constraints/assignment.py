"""Assignment: replicas on distinct sites in distinct failure domains."""

from __future__ import annotations

from collections import defaultdict
from itertools import chain

import numpy as np

from placement.milp.variables import Milp


def add_assignment(m: Milp) -> None:
    """Each workload runs on exactly ``replicas`` placements in every period.

    For all w, p:  sum_{k in K(w,p)} x_k = R_w.
    A workload with no candidate in p makes the model infeasible (reported by
    ``diagnose``); the empty row is still added so that the solver says so.
    """
    data, lk = m.data, m.data.lk
    keys = [(w, p) for w in sorted(lk.workloads) for p in range(data.n_periods)]
    groups = [data.by_wp.get(key, []) for key in keys]
    lengths = np.fromiter((len(g) for g in groups), np.int64, len(groups))
    cands = np.fromiter(chain.from_iterable(groups), np.int64, int(lengths.sum()))
    replicas = np.array([float(lk.workloads[w].replicas) for w, _ in keys])
    start = np.concatenate(([0], np.cumsum(lengths)))
    cols = m.x_columns()[cands]
    m.add_rows("assign", keys, start, cols, np.ones(len(cols)), replicas, replicas)


def add_failure_domains(m: Milp) -> None:
    """Replicas sit on distinct sites, each in a distinct failure domain, one (h, v) per site.

    For all w with R_w > 1, p, failure domains f:  sum_{s in f} Y(w,s,p) <= 1,
    where Y(w,s,p) = sum_{h,v} x. This also gives one (hardware, variant) per site.
    With R_w = 1 the assignment row already implies it, so nothing is added.
    """
    data = m.data
    lk = data.lk
    for w in sorted(lk.workloads):
        if lk.workloads[w].replicas == 1:
            continue
        for p in range(data.n_periods):
            domains: defaultdict[str, list[int]] = defaultdict(list)
            for k in data.by_wp.get((w, p), []):
                domains[lk.sites[data.cands[k].site].domain].append(k)
            for domain, ks in sorted(domains.items()):
                if len(ks) > 1:
                    m.add_row([(m.x[k], 1.0) for k in ks], "<=", 1.0, "domain", (w, p, domain))
