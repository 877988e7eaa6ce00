"""The assumptions appendix as tables: periods, offers, hardware, sites, priced links."""

from __future__ import annotations

from placement.report.assumptions import per_period_text
from placement.report.model import ReportModel
from placement.report.tables.cells import Table, money, pct


def assumption_tables(model: ReportModel) -> list[Table]:
    a = model.assumptions
    if a is None:
        return []
    cur = a.currency
    periods = Table("Periods", ["period", "months", "start month", "pilot", "max migrations",
                                "capex budget"],
                    [[n, f"{m:g}", f"{s:g}", "yes" if pilot else "no",
                      "—" if mm is None else str(mm), "—" if cb is None else money(cb, cur)]
                     for n, s, m, pilot, mm, cb in a.periods], numeric={1, 2, 4, 5})
    offers = Table(f"Offers: key prices ({cur})", ["site", "hardware", "kind", "price",
                                                   "max units", "existing units"],
                   [[o.site, o.hardware, o.kind, o.price,
                     "—" if o.max_units is None else str(o.max_units), str(o.existing_units)]
                    for o in a.offers], numeric={4, 5})
    hardware = Table("Hardware", ["hardware", "kind", "memory, GB", f"capex ({cur})",
                                  "lifetime, months", "power, W", f"maintenance ({cur}/month)"],
                     [[h, k, f"{mem:g}", "—" if capex is None else per_period_text(capex, ",.0f"),
                       "—" if life is None else f"{life:g}",
                       f"{pw:g}" if pw else "not given", f"{mt:g}"]
                      for h, k, mem, capex, life, pw, mt in a.hardware],
                     numeric={2, 3, 4, 5, 6})
    sites = Table(f"Sites: energy prices and site costs ({cur})",
                  ["site", "kind", "jurisdiction", f"energy ({cur}/kWh)", "PUE",
                   "power cap, kW", "fixed per month", "activation", "egress per GB",
                   "capex rebate"],
                  [[s.id, s.kind, s.jurisdiction or "—", per_period_text(s.energy_per_kwh, "g"),
                    f"{s.pue:g}",
                    "—" if s.power_kw is None else f"{s.power_kw:g}", money(s.fixed_per_month),
                    money(s.activation_cost), f"{s.egress_per_gb:g}", pct(s.capex_rebate, 0)]
                   for s in a.sites], numeric={3, 4, 5, 6, 7, 8, 9})
    out = [periods, offers, hardware, sites]
    if a.priced_links:
        out.append(Table(f"Links with a transfer price ({cur}/GB)", ["link", "price per GB"],
                         [[k, f"{v:g}"] for k, v in a.priced_links], numeric={1}))
    return out
