"""Energy per 1,000 requests served, by site kind, over the plan's horizon."""

from __future__ import annotations

from dataclasses import dataclass

from placement import costs
from placement.lookup import Lookup
from placement.plan import Plan

SITE_KINDS = ("cloud", "edge", "onprem")


@dataclass(frozen=True)
class EnergyRow:
    """Energy per 1,000 requests served at the sites of one kind, over the horizon."""

    kind: str
    kwh: float  # from units whose power is given
    requests: float
    unknown_units: tuple[str, ...]  # "site/hardware" whose power_w is not given
    note: str = ""

    @property
    def kwh_per_1000(self) -> float | None:
        if self.requests <= 0 or (self.unknown_units and self.kwh == 0):
            return None
        return self.kwh / self.requests * 1000.0


@dataclass
class _Tally:
    """Per site kind: kWh, requests, units whose power is not given, rented units seen."""

    kwh: dict[str, float]
    requests: dict[str, float]
    unknown: dict[str, set[str]]
    rented_no_pue: dict[str, bool]

    def note(self, kind: str) -> str:
        notes = []
        if self.unknown[kind]:
            notes.append("power_w not given for " + ", ".join(sorted(self.unknown[kind]))
                         + (" (left out)" if self.kwh[kind] else ""))
        if self.rented_no_pue[kind]:
            notes.append("rented units: IT power only (provider PUE not given)")
        if self.requests[kind] == 0:
            notes.append("no requests served")
        return "; ".join(notes)


def _tally(plan: Plan, lk: Lookup) -> _Tally:
    t = _Tally(dict.fromkeys(SITE_KINDS, 0.0), dict.fromkeys(SITE_KINDS, 0.0),
               {k: set() for k in SITE_KINDS}, dict.fromkeys(SITE_KINDS, False))
    for i, period in enumerate(plan.periods):
        for u in period.units:
            site, hw = lk.sites[u.site], lk.hardware[u.hardware]
            if hw.power_w <= 0:
                t.unknown[site.kind].add(f"{u.site}/{u.hardware}")
                continue
            factor = site.pue if hw.kind == "owned" else 1.0
            t.rented_no_pue[site.kind] |= hw.kind == "rented"
            t.kwh[site.kind] += costs.kwh(u.units, hw.power_w, period.months, factor)
        for a in period.assignments:
            wl = lk.workloads[a.workload]
            rate = lk.demand[a.workload][i] / wl.replicas * wl.load_factor
            t.requests[lk.sites[a.site].kind] += rate * costs.SECONDS_PER_MONTH * period.months
    return t


def energy_by_kind(plan: Plan, lk: Lookup) -> list[EnergyRow]:
    """Energy per 1,000 requests by site kind, over the horizon.

    Energy: every unit in service (owned units in service, rented units) draws its
    hardware's ``power_w`` for the whole period, times the site's ``pue`` for owned
    hardware (the provider's PUE of rented units is not known: their IT power only).
    Requests served: per replica, demand / replicas × load_factor × seconds of the period.
    A ``power_w`` of 0 (the default) counts as not given.
    """
    t = _tally(plan, lk)
    return [
        EnergyRow(kind, t.kwh[kind], t.requests[kind], tuple(sorted(t.unknown[kind])),
                  t.note(kind))
        for kind in SITE_KINDS
        if t.kwh[kind] != 0 or t.requests[kind] != 0 or t.unknown[kind]
    ]
