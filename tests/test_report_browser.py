"""The report in a real browser: headless Chromium (Debian's ``chromium``; .ci/run installs
it when missing) opens the HTML offline, with no console error and no failed request; the
DOM has every section and plot; a screenshot is taken and is not blank.

Skipped only if no chromium binary can be found.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

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
    """A tiny PNG decoder (8-bit RGB/RGBA, not interlaced): rows are unfiltered along
    anti-diagonals, so every step is a numpy operation over many pixels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    i, idat = 8, b""
    width = height = channels = 0
    while i < len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        kind, body = data[i + 4:i + 8], data[i + 8:i + 8 + n]
        i += 12 + n
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
    rows = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(height, 1 + width * channels)
    ftype = rows[:, 0].astype(np.int16)
    filt = rows[:, 1:].reshape(height, width, channels).astype(np.int16)
    out = np.zeros((height + 1, width + 1, channels), np.int16)  # zero row and column pad
    for d in range(height + width - 1):
        ys = np.arange(max(0, d - width + 1), min(height - 1, d) + 1)
        xs = d - ys
        a, b, c = out[ys + 1, xs], out[ys, xs + 1], out[ys, xs]
        p = a + b - c
        pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
        paeth = np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))
        f = ftype[ys][:, None]
        pred = np.select([f == 1, f == 2, f == 3, f == 4],
                         [a, b, (a + b) // 2, paeth], default=0)
        out[ys + 1, xs + 1] = (filt[ys, xs] + pred) & 255
    return out[1:, 1:, :3].astype(np.uint8)


def test_png_decoder_round_trip() -> None:
    img = (np.arange(5 * 4 * 3).reshape(5, 4, 3) * 7 % 256).astype(np.uint8)
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(5))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 5, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    assert (decode_png(png) == img).all()


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
