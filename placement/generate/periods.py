"""The periods: a pilot, migration waves, a steady period, within MAX_HORIZON_MONTHS."""

from __future__ import annotations

import math
from typing import Any

from placement.generate.draws import Draws
from placement.generate.limits import MAX_HORIZON_MONTHS


def periods(d: Draws, n_periods: int, n_workloads: int) -> list[dict[str, Any]]:
    """A pilot, migration waves, a steady period (P = 1: steady only; P = 2: no waves).
    Wave budgets are 0 here: they are set once the workloads are known."""
    n, out = n_periods, list[dict[str, Any]]()
    mig_pilot = max(1, round(0.05 * n_workloads))
    if n == 1:
        return [{"name": "steady", "months": 36}]
    out.append({"name": "pilot", "months": 3, "pilot": True, "max_migrations": mig_pilot,
                "capex_budget": float(1000 * round(d.u(5, 20)))})
    for i in range(n - 2):
        out.append({
            "name": f"wave-{i + 1}",
            "months": int(d.pick([6, 9, 12])),
            "max_migrations": max(2, round(n_workloads * d.u(0.15, 0.3))),
            "capex_budget": 0.0,  # set once the workloads are known
        })
    out.append({"name": "steady", "months": 24 if n > 2 else 33})
    shorten_waves(out[1:-1], MAX_HORIZON_MONTHS - 3 - int(out[-1]["months"]))
    return out


def shorten_waves(waves: list[dict[str, Any]], most: int) -> None:
    """Scale the waves' months down (whole months, 1 at least) when together they exceed
    ``most`` months; ``most`` must be at least the number of waves."""
    total = sum(int(w["months"]) for w in waves)
    if total <= most:
        return
    scale = most / total
    for w in waves:
        w["months"] = max(1, math.floor(w["months"] * scale))
    assert sum(int(w["months"]) for w in waves) <= most
