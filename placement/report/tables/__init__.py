"""The report's tables and key figures as plain text cells, shared by HTML and Markdown.

- ``cells``: the ``Table`` and the cell formats (money, numbers, shares, ``✓``/``✗``
  acceptance checks);
- ``summary``: the executive summary's key figures, energy and risk tables;
- ``plan``: cost, placement and units per period;
- ``waves``: each migration wave's tables and acceptance criteria;
- ``analyses``: the tables of analysis results;
- ``assumptions``: the assumptions appendix.
"""

from placement.report.tables.analyses import (
    pareto_table,
    risk_averse_differences_table,
    risk_averse_notes,
    risk_averse_table,
    risk_distributions_table,
    scenarios_table,
    thresholds_table,
    tornado_table,
)
from placement.report.tables.assumptions import assumption_tables
from placement.report.tables.cells import (
    FAIL,
    OK,
    Table,
    check,
    money,
    months,
    num,
    pct,
    tonnes,
)
from placement.report.tables.plan import (
    commitments_table,
    cost_table,
    placement_table,
    spot_table,
    units_table,
)
from placement.report.tables.summary import (
    emissions_table,
    energy_table,
    key_figures,
    risk_table,
)
from placement.report.tables.waves import (
    acceptance,
    latency_table,
    moves_table,
    one_time_table,
    unit_changes_table,
    utilisation_table,
    wave_commitments_table,
)

__all__ = [
    "FAIL",
    "OK",
    "Table",
    "acceptance",
    "assumption_tables",
    "check",
    "commitments_table",
    "cost_table",
    "emissions_table",
    "energy_table",
    "key_figures",
    "latency_table",
    "money",
    "months",
    "moves_table",
    "num",
    "one_time_table",
    "pareto_table",
    "pct",
    "placement_table",
    "risk_averse_differences_table",
    "risk_averse_notes",
    "risk_averse_table",
    "risk_distributions_table",
    "risk_table",
    "scenarios_table",
    "spot_table",
    "thresholds_table",
    "tonnes",
    "tornado_table",
    "unit_changes_table",
    "units_table",
    "utilisation_table",
    "wave_commitments_table",
]
