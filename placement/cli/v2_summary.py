"""The v2 lines of the terminal summary: commitments bought, emissions against the caps,
the baseline's periods over cap, and energy and CO2e per 1,000 requests. A v1 plan (no
commitment, no spot, no emission, no cap) gets none of them, so its summary is as before.
Every line fits 80 columns; names from the inputs are escaped for rich markup."""

from __future__ import annotations

from dataclasses import dataclass

from rich.markup import escape

from placement.plan import Plan
from placement.report.tables.cells import tonnes
from placement.report.v2plan import (
    CarbonPeriod,
    CommitmentBuy,
    baseline_over_cap,
    carbon_periods,
    commitments,
    committed_after_horizon,
)
from placement.schema import Instance


def _commitment(c: CommitmentBuy) -> str:
    term = "" if c.term_months is None else (
        f" ({c.term_months:g} months, to month {c.ends_month:g})")
    return f"{c.site}/{c.hardware} {c.commitment}: {c.units}{term}"


def _carbon(c: CarbonPeriod) -> str:
    text = f"emissions: {tonnes(c.emissions_t)}"
    if c.cap_t is not None:
        text += f", cap {tonnes(c.cap_t)}" + (" [bold red]OVER[/]" if c.over else "")
    if c.baseline_t is not None:
        text += f"; staying put {tonnes(c.baseline_t)}"
        if c.cap_t is not None and c.baseline_t > c.cap_t + 1e-6:
            text += " (over cap)"
    return text


@dataclass(frozen=True)
class PeriodLines:
    """The v2 lines under each period's units line."""

    buys: list[CommitmentBuy]
    carbon: list[CarbonPeriod]
    names: list[str]

    @classmethod
    def of(cls, plan: Plan, instance: Instance | None) -> PeriodLines:
        from placement.lookup import Lookup

        lk = Lookup(instance) if instance is not None else None
        return cls(commitments(plan, lk), carbon_periods(plan, instance),
                   [p.name for p in plan.periods])

    def lines(self, i: int) -> list[str]:
        out = []
        buys = [_commitment(c) for c in self.buys if c.period == self.names[i]]
        if buys:
            out.append("  commit: " + escape(", ".join(buys)))
        if self.carbon:
            out.append("  " + _carbon(self.carbon[i]))
        return out


def value_lines(plan: Plan, instance: Instance | None) -> list[str]:
    """Below the NPV and savings: the payment owed past the horizon, total emissions,
    the baseline's periods over cap and (with the instance) per 1,000 requests."""
    cur = plan.currency
    lines = []
    after = committed_after_horizon(plan)
    if after:
        lines.append(f"Commitments owed after the horizon: {after:,.2f} {escape(cur)} "
                     "(undiscounted)")
    rows = carbon_periods(plan, instance)
    if not rows:
        return lines
    b = plan.baseline
    total = plan.emissions_t if plan.emissions_t is not None else sum(r.emissions_t for r in rows)
    base = f" (staying put {tonnes(b.emissions_t)})" if b and b.emissions_t is not None else ""
    lines.append(f"Emissions: {tonnes(total)} CO2e{base}")
    over = baseline_over_cap(plan)
    if any(r.cap_t is not None for r in rows) and over is not None:
        lines.append("Staying put is over the carbon cap in: " + escape(", ".join(over))
                     if over else "Staying put is within every carbon cap")
    if instance is not None and plan.has_solution:
        lines += _per_1000(plan, instance)
    return lines


def _per_1000(plan: Plan, instance: Instance) -> list[str]:
    from placement.lookup import Lookup
    from placement.report.energy import energy_by_kind

    out = []
    for e in energy_by_kind(plan, Lookup(instance)):
        kwh, g = e.kwh_per_1000, e.co2e_g_per_1000
        if kwh is None and g is None:
            continue
        out.append(f"Per 1,000 requests, {e.kind}: "
                   + ("power not given" if kwh is None else f"{kwh:,.4g} kWh")
                   + ("" if g is None else f", {g:,.4g} g CO2e"))
    return out
