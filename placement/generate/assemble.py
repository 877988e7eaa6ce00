"""One generation run: the parts drawn in a fixed order, assembled into an instance mapping."""

from __future__ import annotations

from typing import Any

from placement.generate import capacity, network, sites
from placement.generate.draws import Draws, r
from placement.generate.estate import Estate
from placement.generate.limits import check_sizes
from placement.generate.models import models_and_profiles
from placement.generate.periods import periods
from placement.generate.workloads import Stay, WorkloadMaker, activate_regions


class InstanceGenerator:
    """One generation run; every random draw goes through ``self.d`` in a fixed order (the
    order of the original single-class generator, so its instances are reproduced)."""

    def __init__(self, workloads: int, sites: int, periods: int, seed: int) -> None:
        check_sizes(workloads, sites, periods, seed)
        self.n_w, self.n_s, self.n_p, self.seed = workloads, sites, periods, seed
        self.d = Draws(seed)
        self.est = Estate()
        self.stay: dict[str, Stay] = {}
        self.demand: dict[str, list[float]] = {}

    def run(self) -> dict[str, Any]:
        d, est = self.d, self.est
        horizon = periods(d, self.n_p, self.n_w)
        mu = r(d.pick([0.7, 0.75, 0.8, 0.85]))
        n_cloud, n_edge, n_onprem = sites.split_sites(self.n_s)
        sites.cloud_regions(d, est, n_cloud)
        network.user_links(d, est)
        network.backbone(d, est)
        sites.edge_sites(d, est, n_edge)
        sites.onprem_sites(d, est, n_onprem)
        routes = network.RouteFinder(est)
        models, profiles, table = models_and_profiles(d)
        maker = WorkloadMaker(d, est, routes, table, self.n_p)
        workloads = [maker.make(i) for i in range(self.n_w)]
        self.stay, self.demand = maker.stay, maker.demand
        activate_regions(d, est, self.stay)
        most, busiest = capacity.stay_loads(workloads, self.stay, self.demand, table, routes)
        capacity.fit_capacities(d, est, mu, most, busiest)
        capacity.fit_budgets(d, horizon, workloads, self.stay, self.demand, table)
        return {
            "name": f"synthetic-w{self.n_w}-s{self.n_s}-p{self.n_p}-seed{self.seed}",
            "currency": "USD",
            "horizon": {"discount_rate": r(d.pick([0.06, 0.07, 0.08, 0.09, 0.10])),
                        "periods": horizon},
            "policy": {"max_utilization": mu},
            "network": {"links": est.links},
            "sites": est.sites,
            "hardware": sites.hardware(),
            "offers": est.offers,
            "models": models,
            "profiles": profiles,
            "workloads": workloads,
        }
