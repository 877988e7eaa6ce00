"""One function per cost term of the spec ("Cost of a plan"): the single definition of
every dollar. The MILP's objective takes its coefficients from here, and so do the
plan's accounting and the independent evaluator.

Units: money in the instance's currency, months, rps, KB (1000 bytes), GB (1e9 bytes).
"""

from __future__ import annotations

#: Hours in a month, the spec's billing month (every "730" of a formula is this).
HOURS_PER_MONTH = 730.0
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600.0
#: GB per month carried by 1 request/s of 1 KB: 3600 s x 730 h x 1000 B / 1e9 B.
GB_PER_MONTH_PER_RPS_KB = 2.628


def discount_factor(rate: float, month: float) -> float:
    """(1 + r)^(-month / 12): the present value of one unit of money spent at ``month``."""
    return float((1.0 + rate) ** (-month / 12.0))


def carried_load(demand: float, replicas: int) -> float:
    """Load each replica must carry: all of it with one replica, else demand / (replicas - 1)."""
    return demand if replicas == 1 else demand / (replicas - 1)


def replica_traffic_mbps(
    demand: float, replicas: int, request_kb: float, response_kb: float
) -> float:
    """Peak traffic of one replica on each link of its path: (d / R) x (req + resp) x 8 / 1000."""
    return demand / replicas * (request_kb + response_kb) * 8.0 / 1000.0


def rented(units: float, price_per_hour: float, months: float) -> float:
    """units x price_per_hour x 730 x months."""
    return units * price_per_hour * HOURS_PER_MONTH * months


def capex(bought: float, unit_capex: float, rebate: float) -> float:
    """bought x capex x (1 - capex_rebate), in the period of purchase."""
    return bought * unit_capex * (1.0 - rebate)


def maintenance(owned: float, per_month: float, months: float) -> float:
    """owned x maintenance_per_month x months."""
    return owned * per_month * months


def kw(units: float, power_w: float) -> float:
    """units x power_w / 1000: the draw, kW, counted against a site's power_kw."""
    return units * power_w / 1000.0


def kwh(units: float, power_w: float, months: float, pue: float) -> float:
    """units x power_w / 1000 x 730 x months x pue (pue 1 for IT power only)."""
    return units * power_w / 1000.0 * HOURS_PER_MONTH * months * pue


def energy(owned: float, power_w: float, months: float, pue: float, price_per_kwh: float) -> float:
    """owned x power_w / 1000 x 730 x months x pue x energy_per_kwh."""
    return kwh(owned, power_w, months, pue) * price_per_kwh


def emissions_t(
    units: float, power_w: float, months: float, pue: float, g_per_kwh: float
) -> float:
    """units x power_w / 1000 x 730 x months x pue x carbon_g_per_kwh / 10^6, tCO2e."""
    return kwh(units, power_w, months, pue) * g_per_kwh / 1e6


def requests(rps: float, months: float) -> float:
    """rps x the seconds of ``months`` months: the requests served at a steady rate."""
    return rps * SECONDS_PER_MONTH * months


def per_1000_requests(amount: float, served: float) -> float | None:
    """amount / requests x 1000 (None when no request is served)."""
    return amount / served * 1000.0 if served > 0 else None


def embodied_t(bought: float, per_unit_t: float) -> float:
    """bought x embodied_t, tCO2e: the making of the units bought in the period."""
    return bought * per_unit_t


def carbon(tonnes: float, price_per_t: float) -> float:
    """emissions x carbon_price_per_t."""
    return tonnes * price_per_t


def egress(
    demand: float,
    replicas: int,
    load_factor: float,
    response_kb: float,
    egress_per_gb: float,
    months: float,
) -> float:
    """(d / R) x load_factor x response_kb x 2.628 GB/month x egress_per_gb x months."""
    volume_gb = demand / replicas * load_factor * response_kb * GB_PER_MONTH_PER_RPS_KB
    return volume_gb * egress_per_gb * months


def transfer(
    demand: float,
    replicas: int,
    load_factor: float,
    request_kb: float,
    response_kb: float,
    path_cost_per_gb: float,
    months: float,
) -> float:
    """(d / R) x load_factor x (req + resp) x 2.628 GB/month x sum(cost_per_gb on path) x months."""
    volume_gb = (
        demand / replicas * load_factor * (request_kb + response_kb) * GB_PER_MONTH_PER_RPS_KB
    )
    return volume_gb * path_cost_per_gb * months


def site_fixed(fixed_per_month: float, months: float) -> float:
    """fixed_per_month x months, for each period the site is active."""
    return fixed_per_month * months


def residual_fraction(age_months: float, lifetime_months: float) -> float:
    """max(0, 1 - age / lifetime): the share of net capex credited at the horizon's end."""
    return max(0.0, 1.0 - age_months / lifetime_months)


def residual(
    bought: float, unit_capex: float, rebate: float, age_months: float, lifetime_months: float
) -> float:
    """bought x capex x (1 - capex_rebate) x max(0, 1 - age / lifetime)."""
    return capex(bought, unit_capex, rebate) * residual_fraction(age_months, lifetime_months)



def term_overlap(term_start: float, term_months: float, start: float, months: float) -> float:
    """Months of [start, start + months) within a term [term_start, term_start + term_months)."""
    return max(0.0, min(start + months, term_start + term_months) - max(start, term_start))


def term_serves(term_start: float, term_months: float, start: float, months: float) -> bool:
    """A commitment made at term_start serves a period [start, start + months) when the
    period lies wholly inside its term: start >= term_start and start + months <=
    term_start + term_months (1e-9 months of slack for rounding)."""
    return start >= term_start - 1e-9 and start + months <= term_start + term_months + 1e-9


def committed(units: float, price_per_hour: float, months: float) -> float:
    """units x price_per_hour x 730 x months: a commitment's payment for ``months`` of its
    term (paid whether its units serve or not)."""
    return units * price_per_hour * HOURS_PER_MONTH * months


def license(units: float, per_month: float, months: float) -> float:
    """units in service x license_per_month x months (every pool, rented and owned)."""
    return units * per_month * months


def capital_recovery_factor(rate: float, horizon_months: float) -> float:
    """CRF = r / (1 - (1 + r)^(-T/12)), r the annual rate, T the horizon in months
    (12 / T when r = 0): the constant yearly payment per unit of present value."""
    if rate == 0:
        return 12.0 / horizon_months
    return float(rate / (1.0 - (1.0 + rate) ** (-horizon_months / 12.0)))


COST_CATEGORIES = (
    "rented",
    "capex",
    "maintenance",
    "energy",
    "egress",
    "transfer",
    "site_fixed",
    "activation",
    "migration",
    # v2 (0 where the instance does not use them)
    "committed",
    "spot",
    "license",
    "updates",
    "deploy",
    "carbon",
)
#: The categories v2 added: a plan may leave them out when they are 0.
V2_CATEGORIES = ("committed", "spot", "license", "updates", "deploy", "carbon")
#: The categories paid once (in the period they happen), in COST_CATEGORIES order.
ONE_TIME_CATEGORIES = ("capex", "activation", "migration", "deploy")
#: How the terminal and the report name each category, in COST_CATEGORIES order.
CATEGORY_LABELS = {
    "rented": "Rented units", "capex": "Capex", "maintenance": "Maintenance",
    "energy": "Energy", "egress": "Egress", "transfer": "Link transfer",
    "site_fixed": "Site fixed", "activation": "Activation", "migration": "Migration",
    "committed": "Committed use", "spot": "Spot units", "license": "Licences",
    "updates": "Model updates", "deploy": "First copies", "carbon": "Carbon price",
}


# --- v2: volume-tiered egress and model transfers (PROBLEM-v2.md sections 4 and 6) ------

#: A tier schedule: (up_to_gb, per_gb) in order, only the last with up_to_gb None.
Tiers = tuple[tuple[float | None, float], ...]


def egress_volume_gb(demand: float, replicas: int, load_factor: float, response_kb: float) -> float:
    """A replica's response volume, GB per month: (d / R) x load_factor x response_kb x 2.628
    (v1's egress volume, before x months)."""
    return demand / replicas * load_factor * response_kb * GB_PER_MONTH_PER_RPS_KB


def tiered(volume_gb: float, tiers: Tiers) -> float:
    """The monthly bill of ``volume_gb`` GB under marginal tier pricing: the first up_to_gb
    GB at the first price, the next GB up to the second up_to_gb at the second, ... (the
    last tier has no upper end)."""
    bill, low = 0.0, 0.0
    for up_to, price in tiers:
        high = volume_gb if up_to is None else min(volume_gb, up_to)
        if high > low:
            bill += (high - low) * price
        if up_to is None or volume_gb <= up_to:
            break
        low = up_to
    return bill


def tiered_egress(volume_gb: float, tiers: Tiers, months: float) -> float:
    """An egress group's bill over a period: months x tiered(V)."""
    return months * tiered(volume_gb, tiers)


def model_updates(
    updates_per_month: float, size_gb: float, months: float, price_per_gb: float
) -> float:
    """updates_per_month x size_gb x months GB, at price_per_gb (the registry's egress plus
    the path's cost_per_gb): one site hosting one (model, variant) over a period."""
    return updates_per_month * size_gb * months * price_per_gb


def model_deploy(size_gb: float, price_per_gb: float) -> float:
    """One full copy, size_gb at price_per_gb, the first period a site hosts a variant."""
    return size_gb * price_per_gb
