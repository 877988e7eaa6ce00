"""What the v2 pricing levers change in a recommendation: an instance solved as it is, and
solved "v1-style" (no commitments, no spot pools, egress tiers replaced by a flat price at
their first tier), side by side. The v1-style recommendation (where each workload runs) is
then priced under the real v2 prices, its placements kept and the rest (units, pools,
commitments) chosen at best (``placement.analysis.scenarios.keep_npv``), so that the two
recommendations are compared in the same money.

    python benchmarks/v2_levers.py instances/hybrid-genai-v2.yaml [--time-limit 120]

Prints a Markdown table: NPV and savings of each, the units by kind and pool, what moved.
"""

from __future__ import annotations

import argparse
import copy
from collections import Counter
from typing import Any

from placement import SolveOptions, load_instance, solve
from placement.analysis.scenarios import keep_npv
from placement.plan import Plan
from placement.schema import Instance


def v1_style(inst: Instance) -> Instance:
    """``inst`` without commitments and spot pools, each tiered site at a flat egress price
    equal to its first tier's (the list price of the first GB)."""
    doc: dict[str, Any] = copy.deepcopy(inst.model_dump(exclude_none=True))
    for offer in doc["offers"]:
        offer.pop("commitments", None)
        offer.pop("spot", None)
    for site in doc["sites"]:
        tiers = site.pop("egress_tiers", None)
        if tiers:
            site["egress_per_gb"] = tiers[0]["per_gb"]
    for w in doc["workloads"]:
        for c in w.get("current") or []:
            c.pop("market", None)
    return load_instance(doc)


def _units(plan: Plan) -> Counter[str]:
    """Units in service in the last period, by (site kind, market)."""
    out: Counter[str] = Counter()
    if not plan.periods:
        return out
    for u in plan.periods[-1].units:
        out[f"{u.site}/{u.hardware}" + (f" ({u.market})" if getattr(u, "market", None) not in
                                       (None, "on_demand") else "")] += u.units
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("instance")
    ap.add_argument("--time-limit", type=float, default=None)
    args = ap.parse_args()
    options = SolveOptions(time_limit=args.time_limit)
    inst = load_instance(args.instance)
    full = solve(inst, options)
    flat = solve(v1_style(inst), options)
    rows = [("v2 (commitments, spot, tiers)", full), ("v1-style (on demand, flat egress)", flat)]
    print("| solve | status | NPV | baseline NPV | savings | committed after horizon |")
    print("|---|---|---|---|---|---|")
    for name, plan in rows:
        b = plan.baseline
        print(f"| {name} | {plan.status} | {plan.npv or 0:,.0f} | "
              f"{(b.npv or 0) if b else 0:,.0f} | {(b.savings or 0) if b else 0:,.0f} | "
              f"{getattr(plan, 'committed_after_horizon', 0) or 0:,.0f} |")
    kept = [(a.workload, period.name, a.site, a.hardware, a.variant)
            for period in flat.periods for a in period.assignments]
    priced = keep_npv(inst, kept, options.model_copy(update={"baseline": False}))
    print(f"| v1-style placements at v2 prices | {'feasible' if priced else 'infeasible'} | "
          f"{priced or 0:,.0f} | | | |")
    print()
    print("Units in service in the last period (site/hardware, pool):")
    a, b = _units(full), _units(flat)
    for key in sorted(set(a) | set(b)):
        if a[key] != b[key]:
            print(f"- {key}: v2 {a[key]}, v1-style {b[key]}")


if __name__ == "__main__":
    main()
