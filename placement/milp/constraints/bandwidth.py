"""Bandwidth: the replicas' traffic routed over each link fits its capacity."""

from __future__ import annotations

from placement.milp.variables import Milp


def add_bandwidth(m: Milp) -> None:
    """For every capped link e and period p:

    sum_{k whose path uses e} (d_w / R_w) x (request_kb + response_kb) x 8 / 1000 x x_k
        <= bandwidth_mbps(e).
    Rows that cannot bind (all candidates together fit) are not emitted.
    """
    data = m.data
    for (key, p), ks in sorted(data.by_link_p.items()):
        cap = data.routes.bandwidth_mbps[key]
        if cap is None:
            continue
        if sum(data.cands[k].traffic_mbps for k in ks) <= cap:
            continue
        m.add_row([(m.x[k], data.cands[k].traffic_mbps) for k in ks], "<=", cap, "bw", (key, p))
