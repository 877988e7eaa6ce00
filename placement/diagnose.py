"""Why an instance is infeasible: workloads and periods left without enough candidates,
with every rule that excluded each (site, hardware, variant)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from placement.candidates import Exclusion, exclusions
from placement.data import ProblemData
from placement.plan import Diagnosis


def candidate_counts(data: ProblemData) -> dict[str, list[int]]:
    """Surviving candidates per workload and period."""
    return {
        w: [len(data.by_wp.get((w, p), [])) for p in range(data.n_periods)]
        for w in sorted(data.lk.workloads)
    }


def _domains(data: ProblemData, w: str, p: int) -> int:
    lk = data.lk
    return len({lk.sites[data.cands[k].site].domain for k in data.by_wp.get((w, p), [])})


def exclusion_rows(excl: list[Exclusion], data: ProblemData) -> list[dict[str, Any]]:
    return [
        {
            "site": e.site,
            "hardware": e.hardware,
            "variant": e.variant,
            "period": None if e.period is None else data.lk.periods[e.period].name,
            "rule": e.rule,
            "detail": e.detail,
        }
        for e in excl
    ]


def short_of_candidates(data: ProblemData, baseline: bool = False) -> list[Diagnosis]:
    """Every (workload, period) whose candidates span fewer failure domains than replicas."""
    lk = data.lk
    out = []
    for w in sorted(lk.workloads):
        wl = lk.workloads[w]
        short = [p for p in range(data.n_periods) if _domains(data, w, p) < wl.replicas]
        if not short:
            continue
        excl = exclusions(lk, data.routes, w)
        for p in short:
            have = _domains(data, w, p)
            relevant = [e for e in excl if e.period in (None, p)]
            rules = Counter(e.rule for e in relevant)
            summary = ", ".join(f"{r} ({n})" for r, n in sorted(rules.items()))
            pinned = " at its current placements" if baseline and wl.current else ""
            need = (
                "a placement"
                if wl.replicas == 1
                else f"{wl.replicas} placements in distinct failure domains"
            )
            message = (
                f"workload '{w}' needs {need} in period '{lk.periods[p].name}'{pinned} "
                f"but has {have or 'none'}" + (f"; excluded by: {summary}" if summary else "")
            )
            out.append(
                Diagnosis(
                    workload=w,
                    period=lk.periods[p].name,
                    message=message,
                    exclusions=exclusion_rows(relevant, data),
                )
            )
    return out


def frozen_in_pilot(data: ProblemData) -> list[Diagnosis]:
    """Criticality-high workloads cannot move in the pilot periods that open the horizon, so
    each of their current sites must still have an allowed placement in those periods."""
    lk = data.lk
    out = []
    for p in range(data.n_periods):
        if not lk.periods[p].spec.pilot:
            break
        for w in sorted(lk.workloads):
            wl = lk.workloads[w]
            if wl.criticality != "high" or not wl.current:
                continue
            for s in lk.current_sites(w):
                if (w, s, p) in data.by_wsp:
                    continue
                excl = [
                    e for e in exclusions(lk, data.routes, w)
                    if e.site == s and e.period in (None, p)
                ]
                rules = ", ".join(sorted({e.rule for e in excl}))
                message = (
                    f"criticality-high workload '{w}' may not move in pilot period "
                    f"'{lk.periods[p].name}', but its current site '{s}' has no allowed "
                    f"placement for it" + (f" (excluded by: {rules})" if rules else "")
                )
                out.append(Diagnosis(workload=w, period=lk.periods[p].name, message=message,
                                     exclusions=exclusion_rows(excl, data)))
    return out


JOINT_MESSAGE = (
    "every workload has candidate placements in every period, but no combination meets the "
    "joint constraints (site capacity caps, owned units and lead times, power, link bandwidth, "
    "max_migrations, pilot rules, capex_budget)"
)
