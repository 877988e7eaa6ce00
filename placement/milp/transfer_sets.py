"""The index sets of the tiered-egress and model-transfer columns (built from
``ProblemData`` alone, so that the columns, the rows and the objective share them).

Tiered egress, per tiered egress group g and period p (``tier_segments``):

- vol_k = (d_w / R_w) x load_factor x response_kb x 2.628, the monthly response GB of
  candidate k (a replica) at a site of g in p;
- Vmax(g,p) = sum_w vol(w,p) x min(R_w, number of g's sites where w has a candidate in p),
  the most V(g,p) can be;
- the tiers cut [0, inf) at b_1 < b_2 < ...; segment i is [b_{i-1}, b_i) (b_0 = 0), priced
  c_i; only the segments that start below Vmax(g,p) are kept, the last kept one capped at
  Vmax(g,p) (its column's upper bound);
- ``linear``: one segment kept, so the bill is c_1 x V exactly, linear in x: no column;
- ``ordered``: some kept price is below the one before (concave or mixed): the fills
  need binaries (``constraints/egress_tiers.py``); else the LP fills cheap segments first.

Model transfers (``host_sets``): the (site, model, variant, period) where some candidate
runs and hosting costs money (``transfers.copy_charged``), with the candidates of each
workload there.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from placement import costs, transfers
from placement.data import ProblemData

#: Volumes below this (GB per month) are none.
VOLUME_EPS = 1e-9


@dataclass(frozen=True)
class GroupPeriod:
    """One tiered egress group in one period (module docstring)."""

    group: str
    period: int
    volume: dict[int, float]  # candidate -> monthly response GB
    widths: list[float]  # upper bound of each kept segment's column
    prices: list[float]  # c_i of each kept segment
    ordered: bool

    @property
    def linear(self) -> bool:
        return len(self.prices) == 1


def tier_segments(data: ProblemData) -> list[GroupPeriod]:
    """Every (tiered group, period) with some volume possible, sorted (module docstring)."""
    lk = data.lk
    out = []
    for group, (tiers, sites) in sorted(transfers.tiered_groups(lk).items()):
        members = set(sites)
        for p in range(data.n_periods):
            volume: dict[int, float] = {}
            reach: dict[str, set[str]] = {}
            for k, c in enumerate(data.cands):
                if c.period != p or c.site not in members:
                    continue
                wl = lk.workloads[c.workload]
                vol = costs.egress_volume_gb(
                    lk.demand[c.workload][p], wl.replicas, wl.load_factor, wl.response_kb
                )
                if vol > VOLUME_EPS:
                    volume[k] = vol
                    reach.setdefault(c.workload, set()).add(c.site)
            if not volume:
                continue
            vmax = sum(
                costs.egress_volume_gb(
                    lk.demand[w][p],
                    lk.workloads[w].replicas,
                    lk.workloads[w].load_factor,
                    lk.workloads[w].response_kb,
                )
                * min(lk.workloads[w].replicas, len(at))
                for w, at in sorted(reach.items())
            )
            widths: list[float] = []
            prices: list[float] = []
            low = 0.0
            for up_to, price in tiers:
                if low >= vmax - VOLUME_EPS and prices:
                    break
                high = vmax if up_to is None else min(up_to, vmax)
                widths.append(max(high - low, 0.0))
                prices.append(price)
                if up_to is None:
                    break
                low = up_to
            ordered = any(b < a for a, b in itertools.pairwise(prices))
            out.append(GroupPeriod(group, p, volume, widths, prices, ordered))
    return out


HostKey = tuple[str, str, str, int]  # (site, model, variant, period)


def host_sets(data: ProblemData) -> dict[HostKey, dict[str, list[int]]]:
    """For every (site, model, variant, period) whose hosting costs money and where some
    candidate runs: the candidates there by workload (sorted keys)."""
    lk, routes = data.lk, data.routes
    charged: dict[tuple[str, str, str], bool] = {}
    out: dict[HostKey, dict[str, list[int]]] = {}
    for k, c in enumerate(data.cands):
        model = lk.workloads[c.workload].model
        key = (c.site, model, c.variant)
        if key not in charged:
            charged[key] = transfers.copy_charged(lk, routes, model, c.variant, c.site)
        if charged[key]:
            out.setdefault((*key, c.period), {}).setdefault(c.workload, []).append(k)
    return dict(sorted(out.items()))
