"""Infeasibility repair: the smallest relaxations of an instance's limits that let it solve.

**Elastic mode.** A relaxed copy of the instance drops the limits that may be relaxed —
offers' ``max_units``, links' ``bandwidth_mbps``, sites' ``power_kw``, periods'
``capex_budget`` and ``max_migrations`` (kept as a no-op limit so that move indicators
exist), and workloads' latency SLOs (no SLO filter at all: every placement that the other
rules allow becomes a candidate). Its MILP (``placement.milp.build``) gets an extra with
one non-negative slack per limit of the original instance and the rows::

    capacity   units(s,h,p) <= max_units(s,h) + sigma_sh            every p (owned: the last)
    bandwidth  sum_k traffic_k x_k over link e in p <= bandwidth(e) + sigma_e     every p
    power      sum_h owned(s,h,p) x power_w / 1000 <= power_kw(s) + sigma_s        every p
    migrations sum_w move(w,p) <= max_migrations(p) + sigma_p
    capex      sum bought x capex x (1 - rebate) in p <= capex_budget(p) + sigma_p
    latency    sigma_w >= (latency_k - slo_w) x x_k   for every candidate k over its SLO

and the objective  minimise  sum sigma / scale,  each slack normalised by its limit (so a
relaxation is measured relative to what it relaxes; floors for zero limits: 1 unit, 1 kW,
1 migration, one unit's net capex, 1 ms). A slack is per instance field, so each one is
one edit of the instance; the periods where it binds are reported with it.

**Report.** Each non-zero slack becomes a :class:`Relaxation` in words ("raise link
users-berlin|berlin-edge to 640 Mbps in wave-1"), with its ``--set`` override
(``links[berlin-edge|users-berlin].bandwidth_mbps=640``), rounded up (units, migrations:
whole; Mbps: whole from 10 up; kW, ms: to 1e-3; money: whole units). The overrides are
applied to the instance (``placement.analysis.overrides``) and the result solved, to check
that it is feasible.

Workloads that have no candidate even in the relaxed copy fail rules that cannot be
relaxed (residency, memory, quality, kind, profile, connectivity, lead time) and are
reported as such (:class:`Unrepairable`); the elastic mode then runs without them, to
report what else would be needed.

The modules: ``models`` (the result), ``elastic`` (the relaxed copy and the elastic
extra), ``words`` (a slack as a relaxation in words and as an override) and ``solve``
(``repair``). Every name is importable from here.
"""

from placement.analysis.repair.elastic import NO_SLO, ElasticExtra, Limits, relaxed
from placement.analysis.repair.models import Family, Relaxation, RepairResult, Unrepairable
from placement.analysis.repair.solve import repair

__all__ = ["NO_SLO", "ElasticExtra", "Family", "Limits", "Relaxation", "RepairResult",
           "Unrepairable", "relaxed", "repair"]
