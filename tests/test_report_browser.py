"""The report in a real browser: headless Chromium (Debian's ``chromium``; .ci/run installs
it when missing) opens the HTML offline, with no console error and no failed request; the
DOM has every section and plot; a screenshot is taken and is not blank.

Skipped only if no chromium binary can be found.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from placement import load_instance, solve
from placement.analysis.results import RiskResult, RiskStats, SensitivityResult, TornadoRow
from placement.report import build_report
from placement.report.text import SECTIONS

CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"),
                             "/usr/bin/chromium") if p and os.access(p, os.X_OK)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not found (Debian package "
                                "'chromium'; .ci/run installs it)")
TIMEOUT = 120


def decode_png(data: bytes) -> np.ndarray:
    """RGB pixels of a PNG (Pillow, which matplotlib brings)."""
    with Image.open(io.BytesIO(data)) as img:
        return np.asarray(img.convert("RGB"))


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inst = load_instance("example:example")
    plan = solve(inst)
    base = plan.npv or 0.0
    npvs = [base + (i - 50) * 900.0 for i in range(100)]
    results = [
        SensitivityResult(instance=inst.name, base_npv=base, delta=0.2, rows=[
            TornadoRow(parameter="rented", low=0.8, high=1.2, npv_low=base - 3e4,
                       npv_high=base + 3e4, changes_low=True, changes_high=False)]),
        RiskResult(instance=inst.name, samples=100, seed=1, level=0.95, distributions={},
                   plan=RiskStats(mean=base, p5=npvs[5], p50=npvs[50], p95=npvs[95],
                                  var=npvs[95], cvar=sum(npvs[95:]) / 5),
                   baseline=None, prob_plan_beats_baseline=None, plan_npvs=npvs),
    ]
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(build_report(plan, inst, results, bundled=True), encoding="utf-8")
    return path


def chromium(tmp: Path, page: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    cmd = [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
           "--mute-audio", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
           *extra, page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False,
                          env={**os.environ, "HOME": str(tmp)})


def console_problems(stderr: str) -> list[str]:
    """Console messages at error level, uncaught errors and failed requests in the log."""
    bad = []
    for line in stderr.splitlines():
        if re.search(r"CONSOLE|Uncaught|net::ERR_|Failed to load resource|"
                     r"Refused to (load|apply|execute)", line):
            bad.append(line)
    return bad


def test_dom_has_every_section_and_plot_and_no_console_error(report_file: Path,
                                                             tmp_path: Path) -> None:
    r = chromium(tmp_path, report_file, "--dump-dom")
    assert r.returncode == 0, r.stderr[-2000:]
    dom = r.stdout
    for sid in SECTIONS:
        assert f'id="{sid}"' in dom, sid
    for fig in ("cumulative-cost", "cost-breakdown", "placement-map", "units-over-time",
                "tornado-0", "risk-0"):
        assert f'id="fig-{fig}"' in dom, fig
    assert "break-even: month 15" in dom
    assert console_problems(r.stderr) == []


def test_screenshot_is_not_blank(report_file: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    r = chromium(tmp_path, report_file, f"--screenshot={shot}", "--window-size=1280,2000",
                 "--hide-scrollbars")
    assert r.returncode == 0 and shot.exists(), r.stderr[-2000:]
    img = decode_png(shot.read_bytes())
    assert img.shape[:2] == (2000, 1280)
    packed = (img[..., 0].astype(np.uint32) << 16) | (img[..., 1].astype(np.uint32) << 8) \
        | img[..., 2]
    colours = np.unique(packed)
    assert len(colours) > 50, f"only {len(colours)} colours: blank page?"
    white = (packed == 0xFFFFFF).mean()
    assert white < 0.97, f"{white:.1%} white"
    # the header band is dark navy across the top of the page
    assert img[20, 20].astype(int).sum() < 200
    assert console_problems(r.stderr) == []
