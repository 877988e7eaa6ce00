"""A slack's value in words: the relaxation it asks for, rounded up to a value the
instance may state, with its ``--set`` override and the periods where it binds."""

from __future__ import annotations

import math

import numpy as np

from placement.analysis.repair.elastic import Slack
from placement.analysis.repair.models import Relaxation
from placement.data import ProblemData
from placement.milp.variables import Milp


def _num(x: float) -> str:
    """A number for messages and overrides: integral floats without '.0'."""
    return str(int(x)) if float(x).is_integer() else f"{x:.10g}"


def _money(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _up(x: float, digits: int) -> float:
    f = 10.0**digits
    return math.ceil(x * f - 1e-6) / f


def _periods(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def binding(m: Milp, sl: Slack, x: np.ndarray) -> list[int]:
    """The periods in which a row that ``sl`` relaxes is over its limit at ``x``."""
    tol = 1e-6 * max(1.0, sl.scale)
    return sorted({p for p, r in sl.rows if m.activity(r, x) > m.row_bounds(r)[1] + tol})


def describe(sl: Slack, value: float, binding: list[int], data: ProblemData
              ) -> Relaxation | None:
    lk = data.lk
    names = [p.name for p in lk.periods]
    tol = 1e-6 * max(1.0, sl.scale)
    if value <= tol:
        return None
    where = [names[p] for p in binding]
    when = f" in {_periods(where)}" if where else ""
    cur = sl.current
    if sl.family == "capacity":
        new = cur + math.ceil(value - 1e-6)
        return _rel(sl, "max_units", new, value, where,
                    f"offers[{sl.target}].max_units={_num(new)}",
                    f"raise max_units of offer {sl.target} from {_num(cur)} to {_num(new)}{when}")
    if sl.family == "bandwidth":
        need = cur + value
        new = math.ceil(need - 1e-6) if need >= 10 else _up(need, 3)
        return _rel(sl, "bandwidth_mbps", new, value, where,
                    f"links[{sl.target}].bandwidth_mbps={_num(new)}",
                    f"raise link {sl.target} to {_num(new)} Mbps{when} (from {_num(cur)} Mbps)")
    if sl.family == "power":
        new = _up(cur + value, 3)
        return _rel(sl, "power_kw", new, value, where,
                    f"sites[{sl.target}].power_kw={_num(new)}",
                    f"raise power_kw of site {sl.target} from {_num(cur)} to {_num(new)} kW"
                    f"{when}")
    if sl.family == "max_migrations":
        p = int(sl.target)
        more = math.ceil(value - 1e-6)
        new = cur + more
        return _rel(sl, "max_migrations", new, value, [names[p]],
                    f"periods[{names[p]}].max_migrations={_num(new)}",
                    f"allow {more} more migration{'s' if more != 1 else ''} in {names[p]} "
                    f"(max_migrations {_num(cur)} → {_num(new)})")
    if sl.family == "capex_budget":
        p = int(sl.target)
        extra = float(math.ceil(value - 1e-6))
        new = cur + extra
        return _rel(sl, "capex_budget", new, value, [names[p]],
                    f"periods[{names[p]}].capex_budget={_num(new)}",
                    f"raise capex_budget of {names[p]} by {_money(extra)} "
                    f"({_money(cur)} → {_money(new)})")
    ms = _up(value, 3)
    new = cur + ms
    return _rel(sl, "latency_slo_ms", new, value, where,
                f"workloads[{sl.target}].latency_slo_ms={_num(new)}",
                f"allow {sl.target} {_num(ms)} ms more{when} "
                f"(latency_slo_ms {_num(cur)} → {_num(new)})")


def _rel(sl: Slack, fld: str, new: float, value: float, where: list[str], override: str,
         message: str) -> Relaxation:
    return Relaxation(
        family=sl.family, target=sl.target if sl.family not in ("max_migrations", "capex_budget")
        else where[0], field=fld, current=sl.current, suggested=new,
        increase=round(new - sl.current, 9) + 0.0, penalty=round(value / sl.scale, 9) + 0.0,
        periods=where, override=override, message=message,
    )
