"""Indexes over a validated instance: entities by id, period timing and discounting, and
the value in a period of every per-period field (a scalar, or one value per period)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from placement import costs
from placement.schema import (
    Commitment,
    Hardware,
    Instance,
    Model,
    Offer,
    Period,
    Profile,
    Site,
    Variant,
    Workload,
)
from placement.schema.base import value_at


@dataclass(frozen=True)
class PeriodInfo:
    """A period with its start month t_p and discount factor (1 + r)^(-t_p / 12)."""

    index: int
    spec: Period
    start: float
    discount: float

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def months(self) -> float:
        return self.spec.months


class Lookup:
    """Read-only views of an instance keyed by id (built once per instance)."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.sites: dict[str, Site] = {s.id: s for s in inst.sites}
        self.hardware: dict[str, Hardware] = {h.id: h for h in inst.hardware}
        self.offers: dict[tuple[str, str], Offer] = {(o.site, o.hardware): o for o in inst.offers}
        self.profiles: dict[tuple[str, str, str], Profile] = {
            (p.model, p.variant, p.hardware): p for p in inst.profiles
        }
        self.models: dict[str, Model] = {m.id: m for m in inst.models}
        self.variants: dict[tuple[str, str], Variant] = {
            (m.id, v.id): v for m in inst.models for v in m.variants
        }
        self.model_variants: dict[str, list[str]] = {
            m.id: sorted(v.id for v in m.variants) for m in inst.models
        }
        self.workloads: dict[str, Workload] = {w.id: w for w in inst.workloads}
        n = len(inst.horizon.periods)
        self.demand: dict[str, list[float]] = {w.id: w.demand(n) for w in inst.workloads}
        rate = inst.horizon.discount_rate
        periods, start = [], 0.0
        for i, p in enumerate(inst.horizon.periods):
            periods.append(PeriodInfo(i, p, start, costs.discount_factor(rate, start)))
            start += p.months
        self.periods: list[PeriodInfo] = periods
        self.horizon_months: float = start
        self.end_discount: float = costs.discount_factor(rate, start)
        self._max_units_cache: dict[tuple[str, str, int], float] = {}

    @cached_property
    def offers_at(self) -> dict[str, list[str]]:
        """Hardware ids offered at each site, sorted."""
        out: dict[str, list[str]] = {s: [] for s in sorted(self.sites)}
        for s, h in sorted(self.offers):
            out[s].append(h)
        return out

    # --- per-period values (docs/problem.md, "Values that change by period") ---------------

    def price_per_hour(self, site: str, hardware: str, period: int) -> float:
        """The offer's on-demand price per unit-hour in ``period`` (0 for owned hardware)."""
        price = self.offers[(site, hardware)].price_per_hour
        return 0.0 if price is None else value_at(price, period)

    def spot_price_per_hour(self, site: str, hardware: str, period: int) -> float | None:
        """The offer's spot price per unit-hour in ``period`` (None: the offer has no spot)."""
        spot = self.offers[(site, hardware)].spot
        return None if spot is None else value_at(spot.price_per_hour, period)

    def capex(self, hardware: str, period: int) -> float:
        """The price of one unit of ``hardware`` bought in ``period`` (0 when not given)."""
        capex = self.hardware[hardware].capex
        return 0.0 if capex is None else value_at(capex, period)

    def energy_per_kwh(self, site: str, period: int) -> float:
        """The site's energy price in ``period``."""
        return value_at(self.sites[site].energy_per_kwh, period)

    def carbon_g_per_kwh(self, site: str, period: int) -> float:
        """The site's grid carbon intensity in ``period``, gCO2e/kWh."""
        return value_at(self.sites[site].carbon_g_per_kwh, period)

    # --- committed use (docs/problem.md, "Committed use") -----------------------------------

    @cached_property
    def commitments(self) -> dict[tuple[str, str], dict[str, Commitment]]:
        """The commitments on offer at each rented (site, hardware), by id (offers without
        commitments left out)."""
        return {
            key: {c.id: c for c in o.commitments}
            for key, o in sorted(self.offers.items())
            if o.commitments and not self.is_owned(key[1])
        }

    def commitment(self, site: str, hardware: str, commitment: str) -> Commitment:
        return self.commitments[(site, hardware)][commitment]

    def serves(self, term_months: float, made: int, period: int) -> bool:
        """A commitment of ``term_months`` made in period ``made`` serves ``period``: it
        lies wholly inside the term (t_q + m_q <= t_p + term)."""
        info, start = self.periods[period], self.periods[made].start
        return period >= made and costs.term_serves(start, term_months, info.start, info.months)

    def served_periods(self, term_months: float, made: int) -> list[int]:
        """The periods a commitment of ``term_months`` made in ``made`` serves."""
        return [q for q in range(made, len(self.periods)) if self.serves(term_months, made, q)]

    def paid_months(self, term_months: float, made: int, period: int) -> float:
        """Months of ``period`` inside the term of a commitment made in ``made`` (0 before)."""
        if period < made:
            return 0.0
        info = self.periods[period]
        return costs.term_overlap(self.periods[made].start, term_months, info.start, info.months)

    def months_after_horizon(self, term_months: float, made: int) -> float:
        """Months of the term of a commitment made in ``made`` past the horizon's end."""
        return max(0.0, self.periods[made].start + term_months - self.horizon_months)

    # --- spot pools and carbon (docs/problem.md, "Spot capacity", "Carbon") -------------

    def spot_pool(self, site: str, hardware: str, workload: str) -> bool:
        """Whether ``workload`` may run on the spot pool of (site, hardware): it is
        interruptible and the offer has spot."""
        offer = self.offers.get((site, hardware))
        has_spot = offer is not None and offer.spot is not None
        return has_spot and self.workloads[workload].interruptible

    def spot_max_units(self, site: str, hardware: str) -> float:
        """The offer's spot.max_units (inf: no cap; 0: the offer has no spot)."""
        spot = self.offers[(site, hardware)].spot
        if spot is None:
            return 0.0
        return float("inf") if spot.max_units is None else float(spot.max_units)

    def spot_derate(self, site: str, hardware: str) -> float:
        """1 - spot.interruption_overhead: the share of max_utilization x rated load a spot
        unit carries (1 where the offer has no spot)."""
        spot = self.offers[(site, hardware)].spot
        return 1.0 if spot is None else 1.0 - spot.interruption_overhead

    def unit_emissions_t(self, site: str, hardware: str, period: int) -> float:
        """Operational emissions of one unit of ``hardware`` in service at ``site`` for the
        whole of ``period``, tCO2e (any pool: on demand, committed, spot or owned)."""
        hw, months = self.hardware[hardware], self.periods[period].months
        g = self.carbon_g_per_kwh(site, period)
        return costs.emissions_t(1, hw.power_w, months, self.sites[site].pue, g)

    def is_owned(self, hardware: str) -> bool:
        return self.hardware[hardware].kind == "owned"

    def can_buy(self, hardware: str, period: int) -> bool:
        """Purchases allowed in a period that starts at or after lead_time_months."""
        return self.periods[period].start >= self.hardware[hardware].lead_time_months - 1e-9

    def max_units(self, site: str, hardware: str, period: int) -> float:
        """Most units of (site, hardware) possible in a period (memoised, see _max_units)."""
        key = (site, hardware, period)
        if key not in self._max_units_cache:
            self._max_units_cache[key] = self._max_units(site, hardware, period)
        return self._max_units_cache[key]

    def _max_units(self, site: str, hardware: str, period: int) -> float:
        """Most units of (site, hardware) possible in a period, from the offer's cap, the
        lead time (no purchase yet: only existing units) and the site's power cap
        (less the draw of other owned hardware's existing units, which are never sold)."""
        offer = self.offers[(site, hardware)]
        cap = float("inf") if offer.max_units is None else float(offer.max_units)
        hw = self.hardware[hardware]
        if hw.kind == "rented":
            return cap
        if not self.can_buy(hardware, period):
            cap = min(cap, float(offer.existing_units))
        s = self.sites[site]
        if s.power_kw is not None and hw.power_w > 0:
            others = sum(
                self.offers[(site, h)].existing_units * self.hardware[h].power_w
                for h in self.offers_at[site]
                if h != hardware and self.is_owned(h)
            )
            cap = min(cap, float(int((s.power_kw * 1000.0 - others) / hw.power_w + 1e-9)))
        return max(cap, float(offer.existing_units))

    def current_sites(self, workload: str) -> list[str]:
        cur = self.workloads[workload].current
        return [] if cur is None else [c.site for c in cur]
