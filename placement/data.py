"""ProblemData: the sorted index sets, loads and bounds the MILP is built from."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from placement.candidates import SPOT, Candidate, feasible_candidates
from placement.lookup import Lookup
from placement.network import Routes, compute_routes
from placement.schema import Instance


@dataclass
class ProblemData:
    """Everything the MILP needs, indexed and sorted (deterministic build order)."""

    lk: Lookup
    routes: Routes
    cands: list[Candidate]
    tight: bool = True
    by_wp: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    by_shp: dict[tuple[str, str, int], list[int]] = field(default_factory=dict)
    by_wsp: dict[tuple[str, str, int], list[int]] = field(default_factory=dict)
    by_link_p: dict[tuple[str, int], list[int]] = field(default_factory=dict)
    sites_by_wp: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    #: spot candidates by (s, h, p): their load counts against the spot pool (``by_shp``
    #: holds the others)
    by_spot: dict[tuple[str, str, int], list[int]] = field(default_factory=dict)
    #: whether the periods' carbon caps bind (not in the baseline: v2 "Carbon")
    carbon_caps: bool = True

    def __post_init__(self) -> None:
        by_wp: defaultdict[tuple[str, int], list[int]] = defaultdict(list)
        by_shp: defaultdict[tuple[str, str, int], list[int]] = defaultdict(list)
        by_wsp: defaultdict[tuple[str, str, int], list[int]] = defaultdict(list)
        by_link_p: defaultdict[tuple[str, int], list[int]] = defaultdict(list)
        by_spot: defaultdict[tuple[str, str, int], list[int]] = defaultdict(list)
        for i, c in enumerate(self.cands):
            by_wp[(c.workload, c.period)].append(i)
            pool = by_spot if c.market == SPOT else by_shp
            pool[(c.site, c.hardware, c.period)].append(i)
            by_wsp[(c.workload, c.site, c.period)].append(i)
            for key in c.links:
                by_link_p[(key, c.period)].append(i)
        self.by_wp, self.by_shp = dict(by_wp), dict(by_shp)
        self.by_wsp, self.by_link_p = dict(by_wsp), dict(by_link_p)
        self.by_spot = dict(by_spot)
        sites: defaultdict[tuple[str, int], set[str]] = defaultdict(set)
        for w, s, p in self.by_wsp:
            sites[(w, p)].add(s)
        self.sites_by_wp = {k: sorted(v) for k, v in sites.items()}

    @property
    def n_periods(self) -> int:
        return len(self.lk.periods)

    @property
    def owned_offers(self) -> list[tuple[str, str]]:
        """Every owned (site, hardware) offer: existing units cost even when unused."""
        return [k for k in sorted(self.lk.offers) if self.lk.is_owned(k[1])]

    def rented_keys(self) -> list[tuple[str, str, int]]:
        """Rented (site, hardware, period) with at least one candidate."""
        return sorted(k for k in self.by_shp if not self.lk.is_owned(k[1]))

    def spot_keys(self) -> list[tuple[str, str, int]]:
        """(site, hardware, period) with at least one spot candidate."""
        return sorted(self.by_spot)

    def spot_upper(self, s: str, h: str, p: int) -> int:
        """Upper bound on spot(s, h, p): spot.max_units, and (tight) the units that carry
        every spot candidate there at once, at mu x (1 - interruption_overhead) each."""
        cap = self.lk.spot_max_units(s, h)
        if not self.tight and not math.isinf(cap):
            return int(cap)
        room = self.lk.inst.policy.max_utilization * self.lk.spot_derate(s, h)
        total = sum(self.cands[i].load for i in self.by_spot.get((s, h, p), []))
        return int(min(cap, math.ceil(total / room - 1e-9)))

    def units_needed_bound(self, s: str, h: str, p: int) -> int:
        """Units that carry every candidate there at once: no optimum rents or buys more."""
        mu = self.lk.inst.policy.max_utilization
        total = sum(self.cands[i].load for i in self.by_shp.get((s, h, p), []))
        return math.ceil(total / mu - 1e-9)

    def units_upper(self, s: str, h: str, p: int) -> int:
        """Upper bound on units(s, h, p) (owned: over the whole horizon, p unused).

        Tight: the offer's caps (with lead time and power) and what demand could ever
        need. Plain: the offer's max_units, else the demand bound (a big-M only).
        """
        periods = range(self.n_periods) if self.lk.is_owned(h) else (p,)
        need = max(self.units_needed_bound(s, h, q) for q in periods)
        need = max(need, self.lk.offers[(s, h)].existing_units)
        if not self.tight:
            cap = self.lk.offers[(s, h)].max_units
            return need if cap is None else cap
        most = max(self.lk.max_units(s, h, q) for q in periods)
        return int(min(most, need))

    def units_var_upper(self, s: str, h: str, p: int) -> int | None:
        """Bound of a units variable: tight as ``units_upper``; plain, the offer's cap."""
        return self.units_upper(s, h, p) if self.tight else self.lk.offers[(s, h)].max_units

    # --- committed use ------------------------------------------------------------------

    @cached_property
    def commit_keys(self) -> list[tuple[str, str, str, int]]:
        """(site, hardware, commitment, period made) of every commitment worth a column:
        it serves some period q with a candidate at (site, hardware) and ``commit_upper``
        > 0. A commitment serving no such period only costs (prices >= 0), so no optimum
        makes it."""
        out = []
        for (s, h), terms in self.lk.commitments.items():
            for j, c in sorted(terms.items()):
                for p in range(self.n_periods):
                    if self.commit_upper(s, h, c.term_months, p) > 0:
                        out.append((s, h, j, p))
        return out

    def commit_upper(self, s: str, h: str, term_months: float, p: int) -> int:
        """Upper bound on the units of a commitment of ``term_months`` made in p: the most
        any period q it serves could use, max_q units_upper(s,h,q) (0 without candidates in
        those periods). Valid: a commitment larger than the need of every period it serves
        can shrink by one unit and every served period still has its need in service, at
        no more cost, with fewer units against max_units and activity."""
        served = self.lk.served_periods(term_months, p)
        return max(
            (self.units_upper(s, h, q) for q in served if (s, h, q) in self.by_shp), default=0
        )

    def commit_var_upper(self, s: str, h: str, j: str, p: int) -> int | None:
        """Bound of a ``commit`` column: tight, ``commit_upper``; plain, the offer's cap."""
        if not self.tight:
            return self.lk.offers[(s, h)].max_units
        return self.commit_upper(s, h, self.lk.commitment(s, h, j).term_months, p)

    @cached_property
    def _serving(self) -> dict[tuple[str, str, int], list[tuple[str, str, str, int]]]:
        out: defaultdict[tuple[str, str, int], list[tuple[str, str, str, int]]]
        out = defaultdict(list)
        for s, h, j, p in self.commit_keys:
            for q in self.lk.served_periods(self.lk.commitment(s, h, j).term_months, p):
                out[(s, h, q)].append((s, h, j, p))
        return dict(out)

    def commits_serving(self, s: str, h: str, q: int) -> list[tuple[str, str, str, int]]:
        """The commitment keys at (s, h) whose units serve period q."""
        return self._serving.get((s, h, q), [])

    def in_service_upper(self, s: str, h: str, p: int) -> int:
        """Upper bound on units in service at (s,h,p): ``units_upper`` plus, with
        commitments, the bounds of the commitments serving p (capped by max_units)."""
        ub = self.units_upper(s, h, p)
        serving = self.commits_serving(s, h, p)
        if not serving:
            return ub
        term = self.lk.commitment
        ub += sum(self.commit_upper(s, h, term(s, h, j).term_months, q) for _, _, j, q in serving)
        cap = self.lk.offers[(s, h)].max_units
        return ub if cap is None else min(ub, cap)

    def pinned(self) -> ProblemData:
        """The baseline's data: workloads with `current` keep exactly those placements."""
        keep = []
        for c in self.cands:
            cur = self.lk.workloads[c.workload].current
            if cur is None or any(
                (c.site, c.hardware, c.variant, c.market)
                == (q.site, q.hardware, q.variant, q.market)
                for q in cur
            ):
                keep.append(c)
        return ProblemData(self.lk, self.routes, keep, self.tight, carbon_caps=False)


def prepare(
    inst: Instance,
    formulation: str = "tight",
    presolve: bool = True,
    interrupt: Callable[[], None] | None = None,
) -> ProblemData:
    """Instance → routes → candidates → ProblemData.

    ``formulation="plain"`` is a plain transcription of the spec, kept to measure what the
    default ``"tight"`` one gains: no per-period candidate presolve (capacity, bandwidth),
    unit bounds from the offers only, no valid inequalities, no dominated variants dropped.
    ``presolve=False`` keeps every feasible candidate of the tight formulation (``explain``
    counts feasible placements, not the ones the optimiser needs). ``interrupt``: see
    ``feasible_candidates``.
    """
    lk = Lookup(inst)
    routes = compute_routes(inst)
    tight = formulation == "tight"
    cands = feasible_candidates(
        lk, routes, period_rules=tight, presolve=tight and presolve, interrupt=interrupt
    )
    return ProblemData(lk, routes, cands, tight)
