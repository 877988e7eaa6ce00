"""The MILP's variables and the expressions the constraint families share.

Column blocks (keyed by the domain's ids; created only where they can be nonzero), in
this column order:

- ``x[k]`` binary: candidate k (workload, site, hardware, variant, period) is used;
- ``rent[s,h,p]`` integer: rented units;
- ``buy[s,h,p]`` integer: owned units bought in p (only where t_p >= lead time);
  owned(s,h,p) = existing_units + sum_{q<=p} buy[s,h,q] is an expression;
- ``active[s,p]`` binary: site active (only where it has a fixed or activation cost);
- ``first[s,p]`` binary: site activated in p (only with an activation cost);
- ``move[w,p]`` in [0,1]: workload moves in p (only where moves cost or are limited);
- ``drop[w,s,p]`` in [0,1] (tight formulation, p > 0, where ``move[w,p]`` exists, up to
  DROPS_MAX_CANDIDATES candidates): site s served w in p-1 and does not in p
  (``constraints/migration.py``);
- ``commit[s,h,j,p]`` integer: units of commitment j of the rented offer (s, h) made at
  the start of p (only where it serves a period q with an on-demand candidate at (s, h):
  t_q + m_q <= t_p + term_j; bounded by the most units those periods could use);
- ``spot[s,h,p]`` integer in [0, spot.max_units]: spot units (v2), only where a spot
  candidate exists (an interruptible workload at an offer with spot);
- ``tier[g,p,i]`` in [0, width_i]: GB per month of tiered egress group g's volume in its
  segment i, and ``tier_on[g,p,i]`` binary: segment i is full (only where the tier prices
  fall somewhere: ``transfer_sets.tier_segments``, ``constraints/egress_tiers.py``);
- ``host[s,m,v,p]`` in [0,1]: site s hosts (model m, variant v) in p (only where hosting
  costs money and more than one workload can run there: ``transfer_sets.host_sets``;
  with one, hosting is its x), and ``first_copy[s,m,v,p]`` in [0,1]: it receives its
  first copy in p (``constraints/updates.py``; both are 0 or 1 at every integer x).

units(s,h,p) (``units_terms``): rent[s,h,p] + sum_{(j,p') serving p} commit[s,h,j,p']
(rented: on demand plus committed units serving p; what the on-demand capacity and
max_units count), or owned(s,h,p) (owned). Units in service at (s,h,p), every pool
(``service_terms``): units(s,h,p) + spot[s,h,p] (what emits and pays licences).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from placement import costs
from placement.data import ProblemData
from placement.milp.model import Model, Terms
from placement.milp.transfer_sets import HostKey, host_sets, tier_segments
from placement.transfers import hosted_at_start

#: ``drop`` columns only up to this many candidates: at XL (523k candidates, no MIP after
#: the search) their 212k columns slowed the column generation and the search (bound 330.4M
#: and plan 388.1M in 600 s, against 339.6M and 380.3M without them).
DROPS_MAX_CANDIDATES = 200_000

#: The blocks of tiered egress and model transfers (module docstring).
TRANSFER_BLOCKS = ("tier", "tier_on", "host", "first_copy")
#: The domain's blocks, in column order.
BLOCKS = ("x", "rent", "buy", "active", "first", "move", "drop", "commit", "spot",
          *TRANSFER_BLOCKS)


class Milp(Model):
    """The placement MILP: a ``Model`` with the domain's blocks (module docstring) and the
    data it was built from."""

    def __init__(self, data: ProblemData, name: str = "placement") -> None:
        super().__init__(name)
        self.data = data
        for block in BLOCKS:
            self.block(block)

    @property
    def x(self) -> dict[int, int]:
        return self.blocks["x"]

    @property
    def rent(self) -> dict[tuple[str, str, int], int]:
        return self.blocks["rent"]

    @property
    def buy(self) -> dict[tuple[str, str, int], int]:
        return self.blocks["buy"]

    @property
    def active(self) -> dict[tuple[str, int], int]:
        return self.blocks["active"]

    @property
    def first(self) -> dict[tuple[str, int], int]:
        return self.blocks["first"]

    @property
    def move(self) -> dict[tuple[str, int], int]:
        return self.blocks["move"]

    @property
    def drop(self) -> dict[tuple[str, str, int], int]:
        return self.blocks["drop"]

    @cached_property
    def hosting(self) -> dict[HostKey, dict[str, list[int]]]:
        """``transfer_sets.host_sets`` of the model's data (worked out once)."""
        return host_sets(self.data)

    def host_terms(self, key: HostKey) -> Terms:
        """host(s,mo,v,p) as terms: its ``host`` column, or, where one workload alone can
        host it there, that workload's x at (s, any hardware, v, p); none where no
        candidate runs there or hosting is free (``transfer_sets.host_sets``)."""
        col = self.blocks["host"].get(key)
        if col is not None:
            return [(col, 1.0)]
        by_w = self.hosting.get(key, {})
        assert len(by_w) <= 1
        return [(self.x[k], 1.0) for ks in by_w.values() for k in ks]

    @property
    def commit(self) -> dict[tuple[str, str, str, int], int]:
        return self.blocks["commit"]

    @property
    def spot(self) -> dict[tuple[str, str, int], int]:
        return self.blocks["spot"]

    @property
    def n_variables(self) -> int:
        """The columns of the domain's blocks (an analysis's extra columns not counted)."""
        return sum(len(self.blocks[b]) for b in BLOCKS)

    def x_columns(self) -> np.ndarray:
        """The x column of each candidate, by candidate number."""
        x = self.x
        return np.fromiter((x[k] for k in range(len(x))), np.int64, len(x))

    def served_terms(self, w: str, s: str, p: int) -> Terms:
        """Y(w,s,p) = sum over (h, v) of x, as terms."""
        x = self.x
        return [(x[k], 1.0) for k in self.data.by_wsp.get((w, s, p), [])]

    def units_terms(self, s: str, h: str, p: int) -> tuple[Terms, float]:
        """units(s,h,p) of the on-demand pool as (terms, constant): rent[s,h,p] plus the
        commitments serving p (rented; what the on-demand candidates' capacity and
        max_units count), or existing_units + sum_{q<=p} buy[s,h,q] (owned)."""
        if self.data.lk.is_owned(h):
            existing = float(self.data.lk.offers[(s, h)].existing_units)
            buys = [(self.buy[(s, h, q)], 1.0) for q in range(p + 1) if (s, h, q) in self.buy]
            return buys, existing
        col = self.rent.get((s, h, p))
        committed = [(self.commit[key], 1.0) for key in self.data.commits_serving(s, h, p)]
        return ([] if col is None else [(col, 1.0)]) + committed, 0.0

    def service_terms(self, s: str, h: str, p: int) -> tuple[Terms, float]:
        """Units in service at (s,h,p) in every pool, as (terms, constant): rented on
        demand, committed units serving p and owned units (``units_terms``) plus spot
        units. What emits and pays licences, and what a new pool adds itself to."""
        terms, constant = self.units_terms(s, h, p)
        col = self.spot.get((s, h, p))
        return (terms if col is None else [*terms, (col, 1.0)]), constant

    def emissions_terms(self, p: int) -> tuple[Terms, float]:
        """E(p), the period's emissions in tCO2e, as (terms, constant):
        sum_{(s,h) offered} e(s,h,p) x in_service(s,h,p) + sum_{(s,h) owned} embodied_t(h)
        x buy[s,h,p], with e(s,h,p) = power_w(h) / 1000 x 730 x m_p x pue(s) x
        carbon_g_per_kwh(s,p) / 10^6 (``Lookup.unit_emissions_t``)."""
        lk = self.data.lk
        terms: Terms = []
        constant = 0.0
        for s, h in sorted(lk.offers):
            e = lk.unit_emissions_t(s, h, p)
            if e > 0:
                units, existing = self.service_terms(s, h, p)
                terms += [(col, coef * e) for col, coef in units]
                constant += existing * e
            made = lk.hardware[h].embodied_t
            if made > 0 and (s, h, p) in self.buy:
                terms.append((self.buy[(s, h, p)], costs.embodied_t(1, made)))
        return terms, constant


def create_variables(data: ProblemData, name: str = "placement") -> Milp:
    """The model and its columns, with bounds from the offers' caps and the demand."""
    m = Milp(data, name)
    lk = data.lk
    for k in range(len(data.cands)):
        m.add_col("x", k, 0, 1, integer=True)
    for s, h, p in data.rented_keys():
        m.add_col("rent", (s, h, p), 0, data.units_var_upper(s, h, p), integer=True)
    for s, h in data.owned_offers:
        cap = data.units_var_upper(s, h, 0)
        room = None if cap is None else cap - lk.offers[(s, h)].existing_units
        for p in range(data.n_periods):
            if (room is None or room > 0) and lk.can_buy(h, p):
                m.add_col("buy", (s, h, p), 0, room, integer=True)
    _add_site_columns(m)
    _add_move_columns(m)
    for s, h, j, p in data.commit_keys:
        m.add_col("commit", (s, h, j, p), 0, data.commit_var_upper(s, h, j, p), integer=True)
    for s, h, p in data.spot_keys():
        m.add_col("spot", (s, h, p), 0, data.spot_upper(s, h, p), integer=True)
    add_tier_columns(m)
    add_host_columns(m)
    return m


def _add_site_columns(m: Milp) -> None:
    """``active`` where a site has a fixed or activation cost, then ``first`` where it has
    an activation cost (and is not active at the start)."""
    sites = m.data.lk.sites
    periods = range(m.data.n_periods)
    for s in sorted(sites):
        site = sites[s]
        if site.fixed_per_month > 0 or (site.activation_cost > 0 and not site.active_at_start):
            for p in periods:
                m.add_col("active", (s, p), 0, 1, integer=True)
    for s in sorted(sites):
        if sites[s].activation_cost > 0 and not sites[s].active_at_start:
            for p in periods:
                m.add_col("first", (s, p), 0, 1, integer=True)


def _add_move_columns(m: Milp) -> None:
    """``move`` where a move costs or is limited or frozen (a pilot period and a
    criticality-high workload: fixed at 0), then ``drop`` (module docstring)."""
    data, lk = m.data, m.data.lk
    drops: list[tuple[Any, int]] = []
    for w in sorted(lk.workloads):
        wl = lk.workloads[w]
        for info in lk.periods:
            p = info.index
            limited = info.spec.max_migrations is not None
            frozen = info.spec.pilot and wl.criticality == "high"
            if wl.migration_cost > 0 or limited or frozen:
                ub = 0 if frozen else 1
                m.add_col("move", (w, p), 0, ub)
                if p > 0 and data.tight and len(data.cands) <= DROPS_MAX_CANDIDATES:
                    drops += [((w, s, p), ub) for s in data.sites_by_wp.get((w, p - 1), [])]
    for key, ub in drops:
        m.add_col("drop", key, 0, ub)


def add_tier_columns(m: Milp) -> None:
    """``tier[g,p,i]`` for every kept segment of every tiered group and period with more
    than one (``transfer_sets.tier_segments``), then ``tier_on[g,p,i]`` for every segment
    but the last where the prices are not non-decreasing."""
    segments = [gp for gp in tier_segments(m.data) if not gp.linear]
    for gp in segments:
        for i, width in enumerate(gp.widths):
            m.add_col("tier", (gp.group, gp.period, i), 0, width)
    for gp in segments:
        if gp.ordered:
            for i in range(len(gp.widths) - 1):
                m.add_col("tier_on", (gp.group, gp.period, i), 0, 1, integer=True)


def add_host_columns(m: Milp) -> None:
    """``host[s,m,v,p]`` for every key of ``transfer_sets.host_sets`` with more than one
    workload (with one, hosting is that workload's sum of x: ``host_terms``), then
    ``first_copy`` for every key but those of period 1 hosted by a ``current``
    placement."""
    sets = m.hosting
    keys = list(sets)
    for key in keys:
        if len(sets[key]) > 1:
            m.add_col("host", key, 0, 1)
    before = hosted_at_start(m.data.lk)
    for s, model, v, p in keys:
        if not (p == 0 and (s, model, v) in before):
            m.add_col("first_copy", (s, model, v, p), 0, 1)
