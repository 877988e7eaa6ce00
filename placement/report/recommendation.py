"""The report's recommendation: one paragraph saying what moves where, when, and what it
saves against staying put."""

from __future__ import annotations

from collections.abc import Sequence

from placement.plan import Plan, PlanPeriod
from placement.report.waves import Move, UnitChange


def _fmt_month(x: float) -> str:
    return f"{x:g}"


def _wave_sentence(period: PlanPeriod, moves: Sequence[Move],
                   units: Sequence[UnitChange]) -> str:
    """'in <period> (months a–b) move <what> from ... to ...[, buying ...]'."""
    what = "; ".join(
        f"{m.workload} from {', '.join(w.site for w in m.before) or 'nowhere'} to "
        + ", ".join(f"{w.site} ({w.hardware}, {w.variant})" for w in m.after)
        for m in moves
    )
    buys = [f"{u.bought} × {u.hardware} at {u.site}" for u in units if u.bought]
    when = (f"months {_fmt_month(period.start_month)}–"
            f"{_fmt_month(period.start_month + period.months)}")
    sentence = f"in {period.name} ({when}) move {what}"
    if buys:
        sentence += f", buying {', '.join(buys)}"
    return sentence


def _against_baseline(plan: Plan) -> str:
    """What the plan saves (or costs) against staying put, and when it breaks even."""
    b = plan.baseline
    text = ""
    if b is not None and b.savings is not None and plan.npv is not None:
        verdict = "saves" if b.savings >= 0 else "costs"
        text += (f" Over the {_fmt_month(sum(p.months for p in plan.periods))}-month horizon "
                 f"this {verdict} {abs(b.savings):,.0f} {plan.currency} in net present value "
                 "against staying put")
        text += (f", breaking even in month {b.break_even_month}." if b.break_even_month
                 else ", with no break-even month within the horizon.")
    elif b is not None and b.npv is None:
        text += f" Staying put is not a valid plan (baseline status '{b.status}')."
    return text


def recommendation(plan: Plan, moves_by_wave: Sequence[Sequence[Move]],
                   units_by_wave: Sequence[Sequence[UnitChange]]) -> str:
    """One paragraph: what moves where, when."""
    if not plan.has_solution:
        return (f"No plan: the solver's status is '{plan.status}'"
                + (f" ({plan.message})" if plan.message else "")
                + ". See the diagnosis below.")
    parts = [_wave_sentence(period, moves, units)
             for period, moves, units in zip(plan.periods, moves_by_wave, units_by_wave,
                                             strict=True)
             if moves]
    if not parts:
        text = ("Keep every workload at the sites it runs on today; the plan only right-sizes "
                "units, hardware and model variants.")
    else:
        text = "Recommended: " + "; then ".join(parts) + "."
    return text + _against_baseline(plan)
