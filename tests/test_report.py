"""The decision report (``placement report``): numbers, plots, sections, self-containment,
Markdown tables, determinism and the command's errors.

The plan is the bundled spec example's optimum (break-even month 15, known from
tests/test_example_expected.py); analysis results are hand-made objects of the
``placement.analysis.results`` types.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from placement import load_instance, solve
from placement.analysis.results import (
    ParetoPoint,
    ParetoResult,
    RiskResult,
    RiskStats,
    ScenarioRow,
    ScenariosResult,
    SensitivityResult,
    ThresholdRow,
    ThresholdsResult,
    TornadoRow,
)
from placement.cli.app import app
from placement.plan import Plan
from placement.report import ReportInputError, build_model, build_report
from placement.report import plots as plots_mod
from placement.report.text import SECTIONS

runner = CliRunner()
BREAK_EVEN = 15


@pytest.fixture(scope="module")
def inst() -> Any:
    return load_instance("example:example")


@pytest.fixture(scope="module")
def plan(inst: Any) -> Plan:
    p = solve(inst)
    assert p.status == "optimal" and p.baseline is not None
    assert p.baseline.break_even_month == BREAK_EVEN
    return p


def analyses(name: str = "example-hybrid") -> list[Any]:
    base = 443245.26
    npvs = [base + (i - 100) * 250.0 for i in range(200)]
    return [
        ScenariosResult(instance=name, reference="typical", rows=[
            ScenarioRow(name="typical", status="optimal", npv=base, baseline_npv=847736.12,
                        savings=404490.86, break_even_month=15),
            ScenarioRow(name="cheap-cloud", multipliers={"rented": 0.7}, status="optimal",
                        npv=400000.0, baseline_npv=650000.0, savings=250000.0,
                        break_even_month=20, differs_from_reference=["chat-eu"]),
        ]),
        SensitivityResult(instance=name, base_npv=base, delta=0.2, rows=[
            TornadoRow(parameter="rented", low=0.8, high=1.2, npv_low=base - 30000,
                       npv_high=base + 33000, changes_low=True, changes_high=False),
            TornadoRow(parameter="energy", low=0.8, high=1.2, npv_low=base - 6000,
                       npv_high=base + 6000, changes_low=False, changes_high=False),
        ]),
        ThresholdsResult(instance=name, rows=[
            ThresholdRow(parameter="rented", direction="down", threshold=0.62,
                         searched=(0.2, 1.0), tolerance=0.01, solves=9,
                         change="chat-eu stays in the cloud"),
            ThresholdRow(parameter="energy", direction="up", threshold=None,
                         searched=(1.0, 5.0), tolerance=0.01, solves=8),
        ]),
        RiskResult(instance=name, samples=200, seed=3, level=0.95,
                   distributions={"rented": {"type": "triangular", "low": 0.8, "mode": 1.0,
                                             "high": 1.3}},
                   plan=RiskStats(mean=base, p5=npvs[10], p50=npvs[100], p95=npvs[190],
                                  var=npvs[190], cvar=sum(npvs[190:]) / 10),
                   baseline=None, prob_plan_beats_baseline=0.97, plan_npvs=npvs),
        ParetoResult(instance=name, versus="latency", points=[
            ParetoPoint(npv=base + i * 20000.0, mean_latency_ms=1200.0 - i * 150, status="optimal")
            for i in range(4)
        ]),
    ]


@pytest.fixture(scope="module")
def html(plan: Plan, inst: Any) -> str:
    return build_report(plan, inst, analyses(), fmt="html", bundled=True)


def external_refs(text: str) -> list[str]:
    """Every http(s) reference that is not an XML namespace declaration."""
    no_ns = re.sub(r'\bxmlns(:\w+)?="[^"]*"', "", text)
    return re.findall(r"https?://[^\s\"'<>)]*", no_ns)


# --- numbers ---------------------------------------------------------------------------------


def test_model_waves_moves_and_rollback_targets(plan: Plan, inst: Any) -> None:
    m = build_model(plan, inst)
    assert [w.name for w in m.waves] == ["pilot", "wave-1", "steady"]
    assert m.waves[0].pilot and not m.waves[0].moves
    moved = {mv.workload: mv for mv in m.waves[1].moves}
    assert set(moved) == {"assistant-us", "chat-eu"}
    # rollback target = the previous period's placement
    prev = {a.site for a in plan.periods[0].assignments if a.workload == "chat-eu"}
    assert {w.site for w in moved["chat-eu"].before} == prev
    assert {w.site for w in moved["chat-eu"].after} == {"berlin-store"}
    # one-time costs are the plan's
    assert m.waves[1].one_time["capex"] == pytest.approx(plan.periods[1].costs["capex"])
    # acceptance: latency within SLO, utilisation within the policy, capex within budget
    for w in m.waves:
        assert all(c.ok for c in w.latency)
        assert all(c.ok for c in w.utilisation)
        assert all(c.limit == 0.8 for c in w.utilisation)
    chat = [c for c in m.waves[1].latency if c.workload == "chat-eu"]
    assert chat and chat[0].slo_ms == 2000
    assert m.waves[1].capex_budget == 60000
    assert "wave-1" in m.recommendation and "berlin-store" in m.recommendation
    assert f"month {BREAK_EVEN}" in m.recommendation


def test_energy_per_1000_requests_by_site_kind(plan: Plan, inst: Any) -> None:
    m = build_model(plan, inst)
    rows = {e.kind: e for e in m.energy or ()}
    # edge: berlin-store's orin units (60 W, PUE 1.3) against chat-eu's requests
    edge_kwh = sum(u.units * 60 / 1000 * 730 * p.months * 1.3
                   for p in plan.periods for u in p.units if u.site == "berlin-store")
    edge_req = sum(w_demand * 0.35 * 730 * 3600 * p.months
                   for p, w_demand in zip(plan.periods, [1.0, 1.5, 2.0], strict=True)
                   if any(a.workload == "chat-eu" and a.site == "berlin-store"
                          for a in p.assignments))
    assert rows["edge"].kwh == pytest.approx(edge_kwh)
    assert rows["edge"].kwh_per_1000 == pytest.approx(edge_kwh / edge_req * 1000)
    # the cloud's rented GPUs have no power_w in this instance: "not given", not zero
    assert rows["cloud"].kwh_per_1000 is None and rows["cloud"].unknown_units


def test_inputs_must_belong_together(plan: Plan, inst: Any) -> None:
    with pytest.raises(ReportInputError, match="instance"):
        build_model(plan, inst, analyses("other-instance"))
    other = load_instance("example:hybrid-genai")
    with pytest.raises(ReportInputError, match="hybrid-genai"):
        build_model(plan, other)


# --- plots -----------------------------------------------------------------------------------


def test_cumulative_cost_plot_marks_the_known_break_even_month(plan: Plan) -> None:
    svg = plots_mod.cumulative_cost(plan)
    assert svg is not None and svg.startswith("<svg")
    assert f"break-even: month {BREAK_EVEN}" in svg
    assert 'id="cumulative-cost-break-even-marker"' in svg
    assert 'id="cumulative-cost-break-even-line"' in svg
    # the marker line sits at x of month 15: between the x ticks of months 12 and 18? (ticks
    # at 3-month steps) -- check the label's tick text exists and the line is vertical
    line = re.search(r'<g id="cumulative-cost-break-even-line">\s*<path d="M ([\d.]+) ([\d.]+)\s*'
                     r'L ([\d.]+) ([\d.]+)', svg)
    assert line and line.group(1) == line.group(3)


def test_every_plot_is_present_in_the_html(html: str) -> None:
    for fig in ("cumulative-cost", "cost-breakdown", "placement-map", "units-over-time",
                "tornado-0", "thresholds-0", "risk-0", "pareto-0"):
        assert f'<figure id="fig-{fig}">' in html, fig
    assert "VaR 95%" in html and "CVaR 95%" in html
    assert html.count("<svg ") == 8


def test_placement_map_draws_sites_and_workloads(html: str, inst: Any, plan: Plan) -> None:
    start = html.index('<figure id="fig-placement-map">')
    svg = html[start:html.index("</figure>", start)]
    for s in inst.sites:
        assert s.id in svg
    for w in inst.workloads:
        assert w.id in svg
    for p in plan.periods:  # one panel per period
        assert f"{p.name} (months {p.start_month:g}" in svg
    assert "→ chat-eu" in svg  # moves of the period are marked


# --- the page --------------------------------------------------------------------------------


def test_every_section_present_in_order(html: str) -> None:
    positions = [html.find(f'<section id="{sid}">') for sid in SECTIONS]
    assert all(p > 0 for p in positions), dict(zip(SECTIONS, positions, strict=True))
    assert positions == sorted(positions)
    for sid in SECTIONS:
        assert f'href="#{sid}"' in html
    assert 'id="wave-1"' in html and 'id="wave-3"' in html
    assert "rollback target" in html and "Acceptance criteria" in html
    assert "kWh per 1,000 requests" in html
    assert "docs/data-provenance.md" in html and "8.00% a year" in html


def test_html_is_self_contained(html: str) -> None:
    assert external_refs(html) == []
    low = html.lower()
    assert "<script" not in low
    assert not re.search(r"<link\b", low)
    assert "@import" not in low
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", low)
    assert not re.search(r"\b(src|href)\s*=\s*['\"]?(https?:|//)", low)
    assert "<img" not in low and "<iframe" not in low
    assert len(html.encode("utf-8")) < 3_000_000


def test_print_css_has_page_breaks(html: str) -> None:
    assert "@media print" in html and "break-before: page" in html


def test_without_instance_the_map_is_omitted_and_said_so(plan: Plan) -> None:
    page = build_report(plan, None, fmt="html")
    assert "placement-map" not in page.replace('href="#placement"', "")
    assert "--instance" in page
    for sid in SECTIONS:
        assert f'<section id="{sid}">' in page
    assert f"break-even: month {BREAK_EVEN}" in page
    # today's placement comes from the baseline: the first wave's rollback targets are known
    assert "aws-eu-central-1 (g5-xlarge, fp16)" in page or "aws-eu-central-1" in page


def test_infeasible_plan_still_reports(inst: Any) -> None:
    plan = Plan(instance="example-hybrid", status="infeasible", termination="infeasible",
                message="chat-eu has no placement in wave-1")
    page = build_report(plan, inst, fmt="html")
    assert "chat-eu has no placement in wave-1" in page
    for sid in SECTIONS:
        assert f'<section id="{sid}">' in page
    md = build_report(plan, inst, fmt="md")
    assert "infeasible" in md


# --- Markdown --------------------------------------------------------------------------------


def test_markdown_has_its_tables(plan: Plan, inst: Any) -> None:
    md = build_report(plan, inst, analyses(), fmt="md", bundled=True)
    for title in SECTIONS.values():
        assert f"## {title}" in md
    for caption in ("Key figures", "Energy per 1,000 requests", "Cost per period by category",
                    "Placement per period", "wave-1: workloads that move",
                    "wave-1: units to rent or buy", "wave-1: one-time costs",
                    "wave-1: latency of each moved workload vs its SLO",
                    "wave-1: utilisation per site",
                    "Scenarios", "Sensitivity", "Decision thresholds", "Pareto front",
                    "Offers: key prices", "Sites: energy prices", "Periods"):
        i = md.find(f"**{caption}")
        assert i >= 0, caption
        block = md[i:].split("\n\n", 2)[1]
        head, rule = block.splitlines()[:2]
        assert head.startswith("| ") and re.fullmatch(r"\|( -{3}:? \|)+|\|( -{3}:?\s*\|)+",
                                                      rule.replace("---:", "---")), caption
    assert f"break-even month {BREAK_EVEN}" in md
    assert "<svg" not in md and external_refs(md) == []


# --- the command -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan_file(plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "plan.json"
    path.write_text(plan.to_json(), encoding="utf-8")
    return path


def flat(text: str) -> str:
    """Output without whitespace (rich wraps long paths)."""
    return "".join(text.split())


def assert_clean_exit(result: Any, code: int) -> None:
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_cli_writes_atomically_and_deterministically(plan_file: Path, tmp_path: Path,
                                                     html: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The command writes through write_atomic (no temporary file left); the same inputs
    give the same bytes as the library call (fixed hash salt, no dates, seeded layout)."""
    import placement.io

    calls: list[str] = []
    real = placement.io.write_atomic

    def spy(path: Any, text: str) -> None:
        calls.append(str(path))
        real(path, text)

    monkeypatch.setattr(placement.io, "write_atomic", spy)
    paths = []
    for i, a in enumerate(analyses()):
        p = tmp_path / f"a{i}.json"
        p.write_text(a.model_dump_json(), encoding="utf-8")
        paths += ["--analysis", str(p)]
    target = tmp_path / "out" / "report.html"
    r = runner.invoke(app, ["report", str(plan_file), "--instance", "example:example",
                            *paths, "-o", str(target)])
    assert_clean_exit(r, 0)
    assert calls == [str(target)]
    assert target.read_text(encoding="utf-8") == html
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]  # no temp left
    md = tmp_path / "report.md"
    r = runner.invoke(app, ["report", str(plan_file), "-o", str(md)])
    assert_clean_exit(r, 0)
    assert calls[-1] == str(md)
    assert md.read_text(encoding="utf-8").startswith("# Decision report")


def test_cli_reads_analysis_results(plan_file: Path, tmp_path: Path) -> None:
    paths = []
    for i, a in enumerate(analyses()):
        p = tmp_path / f"a{i}.json"
        p.write_text(a.model_dump_json(), encoding="utf-8")
        paths += ["--analysis", str(p)]
    target = tmp_path / "r.md"
    r = runner.invoke(app, ["report", str(plan_file), *paths, "--format", "md", "-o",
                            str(target)])
    assert_clean_exit(r, 0)
    assert "### Decision thresholds" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("content", ["", "{not json", '{"instance": 3}', "[1, 2]",
                                     '{"status": "optimal"}'])
def test_cli_bad_plan_file_exits_3(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text(content, encoding="utf-8")
    target = tmp_path / "report.html"
    target.write_text("previous", encoding="utf-8")
    r = runner.invoke(app, ["report", str(bad), "-o", str(target)])
    assert_clean_exit(r, 3)
    assert "".join(str(bad).split()) in flat(r.output)
    assert target.read_text(encoding="utf-8") == "previous"


def test_cli_missing_plan_bad_analysis_and_wrong_instance_exit_3(plan_file: Path,
                                                                 tmp_path: Path) -> None:
    out = str(tmp_path / "r.html")
    r = runner.invoke(app, ["report", str(tmp_path / "nope.json"), "-o", out])
    assert_clean_exit(r, 3)
    assert "nosuchfile" in flat(r.output)
    bad = tmp_path / "a.json"
    bad.write_text('{"kind": "tornado"}', encoding="utf-8")
    r = runner.invoke(app, ["report", str(plan_file), "--analysis", str(bad), "-o", out])
    assert_clean_exit(r, 3)
    assert "a.json" in flat(r.output)
    r = runner.invoke(app, ["report", str(plan_file), "--instance", "example:hybrid-genai",
                            "-o", out])
    assert_clean_exit(r, 3)
    assert "hybrid-genai" in flat(r.output)
    r = runner.invoke(app, ["report", str(plan_file), "--format", "pdf", "-o", out])
    assert_clean_exit(r, 2)
    assert not (tmp_path / "r.html").exists()


# --- risk-averse results, several analyses after one --analysis, Markdown plots -------------


@pytest.fixture(scope="module")
def averse(inst: Any) -> Any:
    from placement.analysis.risk import risk_averse

    return risk_averse(inst, 0.5, scenarios=3, samples=40, seed=1, workers=1)


def test_risk_averse_section(plan: Plan, inst: Any, averse: Any) -> None:
    page = build_report(plan, inst, [averse], fmt="html")
    assert '<h3 id="risk-averse-0">' in page and '<figure id="fig-risk-averse-0">' in page
    assert 'id="risk-averse-table"' in page
    md = build_report(plan, inst, [averse], fmt="md")
    assert "### Risk-neutral vs risk-averse plan (CVaR)" in md
    row = next(x for x in md.splitlines() if x.startswith("| risk-averse |"))
    assert usd(averse.averse.npv) in row and usd(averse.averse.cvar) in row
    # the report says which of the two plans it shows: the plan solved as usual is the
    # risk-neutral one
    assert ("The plan of this report is the risk-neutral one." in md
            or "places every workload as both of them" in md)


def usd(x: float) -> str:
    from placement.report.tables import money

    return money(x, "USD")


def _write(tmp: Path, results: list[Any]) -> list[str]:
    paths = []
    for i, a in enumerate(results):
        p = tmp / f"a{i}.json"
        p.write_text(a.model_dump_json(), encoding="utf-8")
        paths.append(str(p))
    return paths


def test_cli_several_files_after_one_analysis(plan_file: Path, tmp_path: Path,
                                              averse: Any) -> None:
    """`--analysis a b c` and repeated `--analysis` mix; the sections follow the report's
    order (scenarios, sensitivity, thresholds, risk, risk-averse, Pareto) whatever the
    command line's; a file named twice is shown once."""
    a = _write(tmp_path, [*analyses()[::-1], averse])  # pareto first on the command line
    target = tmp_path / "r.md"
    r = runner.invoke(app, ["report", str(plan_file), "--analysis", a[0], a[1], a[2],
                            "--analysis", a[3], a[4], a[5], a[0], "-o", str(target)])
    assert_clean_exit(r, 0)
    md = target.read_text(encoding="utf-8")
    heads = [x for x in md.splitlines() if x.startswith("### ") and not x.startswith(
        ("### Wave", "### Methods"))]
    assert heads == ["### Scenarios", "### Sensitivity", "### Decision thresholds",
                     "### Risk (Monte Carlo)", "### Risk-neutral vs risk-averse plan (CVaR)",
                     "### Pareto front"]


def test_cli_markdown_writes_its_plots_beside_it(plan_file: Path, tmp_path: Path) -> None:
    paths = _write(tmp_path, analyses())
    target = tmp_path / "out" / "my report.md"
    argv = ["report", str(plan_file), "--instance", "example:example", "--analysis", *paths,
            "-o", str(target)]
    r = runner.invoke(app, argv)
    assert_clean_exit(r, 0)
    md = target.read_text(encoding="utf-8")
    plots = tmp_path / "out" / "my report-plots"
    names = sorted(p.name for p in plots.iterdir())
    assert names == sorted(f"{k}.png" for k in (
        "cumulative-cost", "cost-breakdown", "placement-map", "units-over-time", "tornado-0",
        "thresholds-0", "risk-0", "pareto-0"))
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert sorted(links) == sorted(f"my%20report-plots/{n}" for n in names)
    for n in names:
        data = (plots / n).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000, n
    assert "_Plot (in the HTML report)" not in md
    assert sorted(p.name for p in target.parent.iterdir()) == ["my report-plots",
                                                                "my report.md"]
    before = {n: (plots / n).read_bytes() for n in names}
    # again, without the analyses: same bytes for the same plots, stale images gone
    r = runner.invoke(app, ["report", str(plan_file), "--instance", "example:example",
                            "-o", str(target)])
    assert_clean_exit(r, 0)
    again = sorted(p.name for p in plots.iterdir())
    assert again == ["cost-breakdown.png", "cumulative-cost.png", "placement-map.png",
                     "units-over-time.png"]
    assert all((plots / n).read_bytes() == before[n] for n in again)
    assert sorted(p.name for p in target.parent.iterdir()) == ["my report-plots",
                                                                "my report.md"]


def test_cli_markdown_all_or_nothing(plan_file: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The report file is written last; if it fails, the earlier plots are put back."""
    import placement.report.files as files

    target = tmp_path / "r.md"
    plots = tmp_path / "r-plots"
    plots.mkdir()
    (plots / "cumulative-cost.png").write_bytes(b"earlier")
    target.write_text("earlier report", encoding="utf-8")
    order: list[str] = []

    def failing(path: Any, text: str) -> None:
        order.append(sorted(p.name for p in plots.iterdir())[0])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "write_output", failing)
    r = runner.invoke(app, ["report", str(plan_file), "-o", str(target)])
    assert_clean_exit(r, 1)
    assert "No space left on device" in r.output
    assert order == ["cost-breakdown.png"]  # the new plots were in place before the report
    assert target.read_text(encoding="utf-8") == "earlier report"
    assert [p.name for p in plots.iterdir()] == ["cumulative-cost.png"]
    assert (plots / "cumulative-cost.png").read_bytes() == b"earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r-plots", "r.md"]  # no temp left


def test_cli_markdown_to_stdout_names_its_plots(plan_file: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["report", str(plan_file), "--format", "md", "-o", "-"])
    assert_clean_exit(r, 0)
    assert r.output.startswith("# Decision report") and "_Plot (in the HTML report)" in r.output
    assert list(tmp_path.iterdir()) == []
