"""Energy and CO2e per 1,000 requests served, by site kind, over the plan's horizon.

One definition with the plan's emissions (docs/v2-readings.md, "Carbon"): every unit in
service, rented (on demand, committed, spot) or owned, draws its hardware's ``power_w``
for the whole period times its site's ``pue`` (``costs.kwh``), and emits that energy at
the site's ``carbon_g_per_kwh`` of the period (``costs.emissions_t``); owned units bought
in a period add their ``embodied_t`` (``costs.embodied_t``). Summed over every kind, the
CO2e is the plan's ``emissions_t``.
"""

from __future__ import annotations

from dataclasses import dataclass

from placement import costs
from placement.lookup import Lookup
from placement.plan import Plan

SITE_KINDS = ("cloud", "edge", "onprem")


@dataclass(frozen=True)
class EnergyRow:
    """Energy and CO2e per 1,000 requests served at the sites of one kind, over the horizon."""

    kind: str
    kwh: float  # from units whose power is given
    requests: float
    unknown_units: tuple[str, ...]  # "site/hardware" whose power_w is not given
    note: str = ""
    co2e_t: float = 0.0  # operational (every unit in service) + embodied (owned bought)

    @property
    def _unknown(self) -> bool:
        return bool(self.unknown_units) and self.kwh == 0

    @property
    def kwh_per_1000(self) -> float | None:
        return None if self._unknown else costs.per_1000_requests(self.kwh, self.requests)

    @property
    def co2e_g_per_1000(self) -> float | None:
        """Grams CO2e per 1,000 requests (None: no request served, or no power known)."""
        if self._unknown and self.co2e_t == 0:
            return None
        return costs.per_1000_requests(self.co2e_t * 1e6, self.requests)


@dataclass
class _Tally:
    """Per site kind: kWh, tCO2e, requests, units whose power is not given, whether a
    rented unit counts IT power only (its site's pue is 1)."""

    kwh: dict[str, float]
    co2e: dict[str, float]
    requests: dict[str, float]
    unknown: dict[str, set[str]]
    it_only: dict[str, bool]

    def note(self, kind: str) -> str:
        notes = []
        if self.unknown[kind]:
            notes.append("power_w not given for " + ", ".join(sorted(self.unknown[kind]))
                         + (" (left out)" if self.kwh[kind] else ""))
        if self.it_only[kind]:
            notes.append("rented units at sites of PUE 1: IT power only (provider PUE not given)")
        if self.requests[kind] == 0:
            notes.append("no requests served")
        return "; ".join(notes)


def _tally(plan: Plan, lk: Lookup) -> _Tally:
    t = _Tally(dict.fromkeys(SITE_KINDS, 0.0), dict.fromkeys(SITE_KINDS, 0.0),
               dict.fromkeys(SITE_KINDS, 0.0), {k: set() for k in SITE_KINDS},
               dict.fromkeys(SITE_KINDS, False))
    for i, period in enumerate(plan.periods):
        for u in period.units:
            site, hw = lk.sites[u.site], lk.hardware[u.hardware]
            t.co2e[site.kind] += costs.embodied_t(u.bought, hw.embodied_t)
            if hw.power_w <= 0:
                t.unknown[site.kind].add(f"{u.site}/{u.hardware}")
                continue
            t.it_only[site.kind] |= hw.kind == "rented" and site.pue == 1.0
            t.kwh[site.kind] += costs.kwh(u.units, hw.power_w, period.months, site.pue)
            t.co2e[site.kind] += costs.emissions_t(u.units, hw.power_w, period.months,
                                                   site.pue, lk.carbon_g_per_kwh(u.site, i))
        for a in period.assignments:
            wl = lk.workloads[a.workload]
            rate = lk.demand[a.workload][i] / wl.replicas * wl.load_factor
            t.requests[lk.sites[a.site].kind] += costs.requests(rate, period.months)
    return t


def energy_by_kind(plan: Plan, lk: Lookup) -> list[EnergyRow]:
    """Energy and CO2e per 1,000 requests by site kind, over the horizon.

    Energy: every unit in service (owned units in service, rented units of every pool)
    draws its hardware's ``power_w`` for the whole period, times its site's ``pue`` (a
    cloud site's pue defaults to 1: IT power only). CO2e: that energy at the site's
    ``carbon_g_per_kwh`` of the period, plus the ``embodied_t`` of owned units bought.
    Requests served: per replica, demand / replicas × load_factor × seconds of the period.
    A ``power_w`` of 0 (the default) counts as not given.
    """
    t = _tally(plan, lk)
    return [
        EnergyRow(kind, t.kwh[kind], t.requests[kind], tuple(sorted(t.unknown[kind])),
                  t.note(kind), t.co2e[kind])
        for kind in SITE_KINDS
        if t.kwh[kind] != 0 or t.requests[kind] != 0 or t.unknown[kind]
    ]


def emits(lk: Lookup) -> bool:
    """Whether anything in the instance can emit: a site with a carbon intensity in some
    period, or owned hardware with embodied emissions (else CO2e is 0 throughout and the
    report leaves its columns out)."""
    return any(lk.carbon_g_per_kwh(s, p.index) > 0 for s in lk.sites for p in lk.periods) or any(
        h.embodied_t > 0 for h in lk.hardware.values())
