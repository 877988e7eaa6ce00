"""ProblemData: the sorted index sets, loads and bounds the MILP is built from."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from placement.candidates import SPOT, Candidate, feasible_candidates
from placement.lookup import Lookup
from placement.network import Routes, compute_routes
from placement.schema import Instance
from placement.v2_support import refuse_unsupported


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
    ``feasible_candidates``. Raises :class:`InstanceError` when the instance uses a v2
    feature the solver does not model yet (``v2_support.unsupported``).
    """
    refuse_unsupported(inst)
    lk = Lookup(inst)
    routes = compute_routes(inst)
    tight = formulation == "tight"
    cands = feasible_candidates(
        lk, routes, period_rules=tight, presolve=tight and presolve, interrupt=interrupt
    )
    return ProblemData(lk, routes, cands, tight)
