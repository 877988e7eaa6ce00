"""Hostile inputs to ``placement report`` (issue 14): ids and names that carry HTML, Markdown
and line breaks; analysis files the report cannot use; output paths that would destroy
something. Every refusal is one clear problem, a non-zero exit and nothing written."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
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
from placement.analysis.risk import PlanRisk, RiskAverseResult
from placement.cli.app import app
from placement.report import build_markdown, build_report
from tests.test_cli import EXAMPLE, assert_clean_exit

runner = CliRunner()

#: Every id and name of the hostile instance ends with this.
PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>|\nx$\\frac$`*_[a](b)"
RAW = ("<script", "<img", "onerror=alert(1)>", "</script>")


def hostile_instance_data() -> dict[str, Any]:
    """The bundled example with PAYLOAD appended to every id and name (references too)."""
    d = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    ids = {d["name"], *(p["name"] for p in d["horizon"]["periods"])}
    for link in d["network"]["links"]:
        ids |= {link["a"], link["b"]}
    for s in d["sites"]:
        ids |= {s["id"], s["node"], s["jurisdiction"]}
    ids |= {h["id"] for h in d["hardware"]}
    for m in d["models"]:
        ids |= {m["id"], *(v["id"] for v in m["variants"])}
    for w in d["workloads"]:
        ids |= {w["id"], w["origin"]}

    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x + PAYLOAD if isinstance(x, str) and x in ids else x

    return walk(d)  # type: ignore[no-any-return]


def hostile_analyses(instance: str) -> list[Any]:
    h = PAYLOAD
    stats = RiskStats(mean=100.0, p5=90.0, p50=100.0, p95=110.0, var=110.0, cvar=115.0)
    other = RiskStats(mean=101.0, p5=92.0, p50=101.0, p95=108.0, var=108.0, cvar=109.0)
    return [
        ScenariosResult(instance=instance, reference="typical" + h, rows=[
            ScenarioRow(name="typical" + h, status="optimal", npv=1.0, baseline_npv=2.0,
                        savings=1.0, break_even_month=3, message="note" + h),
            ScenarioRow(name="worst" + h, multipliers={"rented": 1.2},
                        overrides=["sites[0].pue=1.5" + h], status="infeasible" + h,
                        npv=None, baseline_npv=None, savings=None, break_even_month=None,
                        differs_from_reference=["chat" + h]),
        ]),
        SensitivityResult(instance=instance, base_npv=100.0, delta=0.2, rows=[
            TornadoRow(parameter="rented" + h, low=0.8, high=1.2, npv_low=90.0,
                       npv_high=110.0, changes_low=True, changes_high=False)]),
        ThresholdsResult(instance=instance, rows=[
            ThresholdRow(parameter="energy" + h, direction="up", threshold=1.5,
                         searched=(1.0, 3.0), tolerance=0.01, solves=4, change="moves" + h)]),
        RiskResult(instance=instance, samples=3, seed=0, level=0.9,
                   distributions={"rented" + h: {"type": "triangular" + h, "low" + h: 0.8}},
                   plan=stats, baseline=None, prob_plan_beats_baseline=None,
                   plan_npvs=[90.0, 100.0, 110.0]),
        RiskAverseResult(
            instance=instance, weight=0.5, level=0.9, scenarios=2, samples=3, seed=0,
            distributions={"energy" + h: {"type": "lognormal" + h}},
            scenario_multipliers=[{"energy": 1.0}],
            neutral=PlanRisk(label="risk-neutral" + h, status="optimal" + h, npv=100.0,
                             expected_npv=100.0, cvar=115.0, objective=107.5,
                             monte_carlo=stats),
            averse=PlanRisk(label="risk-averse" + h, status="optimal", npv=101.0,
                            expected_npv=101.0, cvar=109.0, objective=105.0,
                            monte_carlo=other),
            differences=["steady" + h + ": chat" + h + " at a" + h + " → b" + h]),
        ParetoResult(instance=instance, versus="latency", points=[
            ParetoPoint(npv=100.0, mean_latency_ms=10.0, status="optimal" + h)]),
    ]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("hostile")
    path = root / "inst.yaml"
    path.write_text(yaml.safe_dump(hostile_instance_data(), allow_unicode=True),
                    encoding="utf-8")
    inst = load_instance(str(path))
    plan = solve(inst)
    assert plan.has_solution and any(p.moves for p in plan.periods)
    return {"inst": inst, "plan": plan, "path": path,
            "analyses": hostile_analyses(inst.name)}


def unescaped(text: str, char: str) -> list[str]:
    """The lines where ``char`` appears without a backslash before it."""
    return [line for line in text.splitlines() if re.search(r"(?<!\\)" + re.escape(char), line)]


def test_markdown_escapes_every_input_string(hostile: dict[str, Any]) -> None:
    md, pngs = build_markdown(hostile["plan"], hostile["inst"], hostile["analyses"],
                              images_dir="r-plots")
    assert pngs  # the plots were drawn, '$\\frac$' and all (never mathtext)
    for raw in RAW:
        assert raw not in md, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md  # shown as text, not dropped
    assert not unescaped(md, "$") and not unescaped(md, "`")
    # a name's line break never breaks a heading, a list item or a table row
    assert not re.search(r"^(x|\\\$x)", md, flags=re.M)
    # every table row has as many cells as its header (no name's '|' splits a cell)
    header_cells = None
    for line in md.splitlines():
        if not line.startswith("| "):
            header_cells = None
            continue
        cells = len(re.findall(r"(?<!\\)\|", line))
        if header_cells is None:
            header_cells = cells
        assert cells == header_cells, line
    # every kind of user string reached the page (escaped): ids, periods, scenario names,
    # overrides, threshold changes, distributions, risk-averse labels and differences
    for name in ("chat-eu", "berlin-store", "wave-1", "worst", "sites\\[0\\].pue=1.5",
                 "moves", "triangular", "risk-averse", "steady", "example-hybrid"):
        assert name + "&lt;script&gt;" in md, name


def test_markdown_without_images_escapes_too(hostile: dict[str, Any]) -> None:
    md = build_report(hostile["plan"], hostile["inst"], hostile["analyses"], fmt="md")
    for raw in RAW:
        assert raw not in md, raw
    assert "_Plot (in the HTML report)" in md


def test_html_escapes_every_input_string(hostile: dict[str, Any]) -> None:
    page = build_report(hostile["plan"], hostile["inst"], hostile["analyses"], fmt="html")
    for raw in RAW:
        assert raw not in page, raw
    # the ids are in the page as text, in the tables and inside the SVG plots
    svg = page[page.index('<figure id="fig-placement-map">'):]
    svg = svg[:svg.index("</figure>")]
    assert "chat-eu&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "<title>Decision report: example-hybrid&lt;script&gt;" in page
    # no attribute carries a user string unescaped: every quote-delimited attribute value
    # is free of '<' and of a raw '"'
    for tag in re.findall(r"<[a-zA-Z][^<>]*>", page):
        assert "onerror" not in tag, tag


# --- the command -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Inputs for the command table: a plan, a scenarios result, and files that are not
    analysis results."""
    root = tmp_path_factory.mktemp("inputs")
    inst = load_instance("example:example")
    plan = solve(inst)
    out = {"plan": root / "plan.json", "scen": root / "scen.json"}
    out["plan"].write_text(plan.to_json(), encoding="utf-8")
    out["scen"].write_text(hostile_analyses(inst.name)[0].model_dump_json(), encoding="utf-8")
    docs = {
        "repair": {"kind": "repair", "instance": inst.name, "status": "feasible",
                   "message": ""},
        "instjson": yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")),
        "list": [1, 2],
        "nokind": {"instance": inst.name},
        "badkind": {"kind": 7},
        "longkind": {"kind": "x" * 500},
        "averse": {"kind": "risk-averse", "instance": inst.name},
        "other": json.loads(hostile_analyses("other-instance")[0].model_dump_json()),
        "pareto_bad": {"kind": "pareto", "instance": inst.name, "versus": "cost",
                       "points": []},
    }
    for name, doc in docs.items():
        out[name] = root / f"{name}.json"
        out[name].write_text(json.dumps(doc), encoding="utf-8")
    out["empty"] = root / "empty.json"
    out["empty"].write_text("", encoding="utf-8")
    out["root"] = root
    return out


# (command line with {name} placeholders for the files above and {tmp} for the output
# folder, expected exit code, fragment of the message)
CASES = [
    (["{plan}", "--analysis", "{repair}", "-o", "{tmp}/r.html"], 3,
     "is a 'repair' result, which the report cannot show; expected an analysis result"),
    (["{plan}", "--analysis", "{plan}", "-o", "{tmp}/r.html"], 3,
     "is a plan, not an analysis result"),
    (["{plan}", "--analysis", "{instjson}", "-o", "{tmp}/r.html"], 3,
     "is an instance, not an analysis result"),
    (["{plan}", "--analysis", "{list}", "-o", "{tmp}/r.html"], 3, "is a JSON list"),
    (["{plan}", "--analysis", "{nokind}", "-o", "{tmp}/r.html"], 3, "has no 'kind' field"),
    (["{plan}", "--analysis", "{badkind}", "-o", "{tmp}/r.html"], 3, "is a 7 result"),
    (["{plan}", "--analysis", "{longkind}", "-o", "{tmp}/r.html"], 3,
     "is a '" + "x" * 40 + "' result"),
    (["{plan}", "--analysis", "{averse}", "-o", "{tmp}/r.html"], 3,
     "is not a valid risk-averse result: weight: "),
    (["{plan}", "--analysis", "{pareto_bad}", "-o", "{tmp}/r.md"], 3,
     "is not a valid pareto result: versus: "),
    (["{plan}", "--analysis", "{scen}", "{repair}", "-o", "{tmp}/r.html"], 3,
     "repair.json: is a 'repair' result"),
    (["{plan}", "--analysis", "{empty}", "-o", "{tmp}/r.html"], 3, "file is empty"),
    (["{plan}", "--analysis", "{tmp}", "-o", "{tmp}/r.html"], 3, "is a directory"),
    (["{plan}", "--analysis", "{tmp}/nope.json", "-o", "{tmp}/r.html"], 3, "no such file"),
    (["{plan}", "--analysis", "{other}", "-o", "{tmp}/r.md"], 3,
     "is for instance 'other-instance'"),
    (["{scen}", "{plan}", "-o", "{tmp}/r.html"], 3,
     "is a 'scenarios' result, not a plan; the plan"),
    (["{plan}", "--analysis", "{scen}", "-o", "{scen}"], 1, "Refusing to overwrite an input"),
    (["{plan}", "{scen}", "-o", "{plan}"], 1, "Refusing to overwrite an input"),
    (["{plan}", "--analysis", "{tmp}/in-plots/s.json", "-o", "{tmp}/in.md"], 1,
     "Refusing to overwrite an input"),
    (["{plan}", "-o", "{tmp}/foreign.md"], 1,
     "holds files that are not report plots (notes.txt)"),
    (["{plan}", "-o", "{tmp}/clash.md"], 1, "exists and is not a directory"),
    (["{plan}", "--format", "md", "-o", "{tmp}"], 1, "Cannot write the report"),
    (["{plan}", "--format", "pdf", "-o", "{tmp}/r.pdf"], 2, "expected html or md"),
]


def _tree(root: Path) -> dict[str, bytes | None]:
    return {str(p.relative_to(root)): p.read_bytes() if p.is_file() else None
            for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize(("args", "code", "fragment"), CASES)
def test_hostile_report_commands(files: dict[str, Path], tmp_path: Path, args: list[str],
                                 code: int, fragment: str) -> None:
    (tmp_path / "in-plots").mkdir()
    (tmp_path / "in-plots" / "s.json").write_bytes(files["scen"].read_bytes())
    (tmp_path / "foreign-plots").mkdir()
    (tmp_path / "foreign-plots" / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "clash-plots").write_text("a file", encoding="utf-8")
    before, inputs = _tree(tmp_path), _tree(files["root"])
    argv = ["report", *(a.format(tmp=tmp_path, **{k: str(v) for k, v in files.items()})
                        for a in args)]
    r = runner.invoke(app, argv)
    assert_clean_exit(r, code)
    assert fragment in "".join(r.output.split("\n")), r.output
    assert _tree(tmp_path) == before  # nothing written, nothing removed
    assert _tree(files["root"]) == inputs


def test_one_problem_names_the_file(files: dict[str, Path], tmp_path: Path) -> None:
    r = runner.invoke(app, ["report", str(files["plan"]), "--analysis", str(files["averse"]),
                            "-o", str(tmp_path / "r.html")])
    assert_clean_exit(r, 3)
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert lines[0].startswith("Invalid analysis results file (1 problem)")
    assert len(lines) == 2 and str(files["averse"]) in lines[1]
    assert "Input should be" not in r.output and "pydantic" not in r.output.lower()
