"""Hostile output paths: an input as output, devices, pipes, unwritable places (issue 14)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import placement
from placement.cli.app import app
from tests.test_cli import assert_clean_exit

runner = CliRunner()
EXAMPLE = Path(placement.__file__).parent / "instances" / "example.yaml"


@pytest.fixture
def inst(tmp_path: Path) -> Path:
    p = tmp_path / "inst.yaml"
    shutil.copy(next(iter(sorted(EXAMPLE.parent.glob("*.yaml")))) if not EXAMPLE.exists()
                else EXAMPLE, p)
    return p


# (command line with {inst} / {tmp} placeholders, expected exit code, message fragment)
CASES = [
    (["solve", "{inst}", "-o", "{inst}"], 1, "Refusing to overwrite an input"),
    (["solve", "{inst}", "-o", "{tmp}/link.yaml"], 1, "Refusing to overwrite an input"),
    (["solve", "{inst}", "-o", "{tmp}/./inst.yaml"], 1, "Refusing to overwrite an input"),
    (["risk", "{inst}", "--samples", "5", "-o", "{inst}"], 1, "Refusing to overwrite an input"),
    (["pareto", "{inst}", "-o", "{inst}"], 1, "Refusing to overwrite an input"),
    (["scenarios", "{inst}", "-o", "{inst}"], 1, "Refusing to overwrite an input"),
    (["sensitivity", "{inst}", "-o", "{inst}"], 1, "Refusing to overwrite an input"),
    (["solve", "{inst}", "-q", "-o", "{tmp}"], 1, "Cannot write the plan"),
    (["solve", "{inst}", "-q", "-o", "{inst}/x.json"], 1, "Cannot write the plan"),
    (["generate", "--workloads", "1", "--sites", "1", "--periods", "1", "--seed", "0",
      "-o", "{tmp}"], 1, "Cannot write the instance"),
]


@pytest.mark.parametrize(("args", "code", "fragment"), CASES)
def test_hostile_output_paths(inst: Path, tmp_path: Path, args: list[str], code: int,
                              fragment: str) -> None:
    (tmp_path / "link.yaml").symlink_to(inst)
    before = inst.read_bytes()
    argv = [a.format(inst=inst, tmp=tmp_path) for a in args]
    r = runner.invoke(app, argv)
    assert_clean_exit(r, code)
    assert fragment in r.output
    assert inst.read_bytes() == before  # the input is never lost
    assert (tmp_path / "link.yaml").is_symlink()


def test_dev_null_is_written_not_replaced(inst: Path) -> None:
    from placement.output import write_output

    write_output("/dev/null", "x")
    assert Path("/dev/null").is_char_device()


def test_fifo_is_written_in_place(tmp_path: Path) -> None:
    import os
    import threading

    from placement.output import write_output

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    write_output(fifo, "plan")
    reader.join(10)
    assert got == ["plan"]
    assert fifo.is_fifo()


def test_plan_file_written_even_when_stdout_closes(inst: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    p = subprocess.Popen([sys.executable, "-m", "placement.cli.app", "solve", str(inst),
                          "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout is not None
    p.stdout.readline()
    p.stdout.close()
    _, errs = p.communicate(timeout=120)
    assert b"Traceback" not in errs and b"Internal error" not in errs
    assert out.exists() and out.read_text().startswith("{")


# Hostile INPUT files other than the instance (plans, analysis results, distributions,
# scenarios): every one read through placement.io.read_text, bounded and regular files only.
# (command line with {inst} / {tmp} / {fifo} / {plan}, expected exit code, message fragment)
INPUT_CASES = [
    (["check", "{inst}", "/dev/zero"], 3, "not a regular file"),
    (["check", "{inst}", "{fifo}"], 3, "not a regular file"),
    (["check", "{inst}", "{tmp}"], 3, "is a directory"),
    (["check", "{inst}", "{tmp}/none.json"], 3, "no such file"),
    (["check", "{inst}", "{big}"], 3, "larger than the limit"),
    (["diff", "/dev/zero", "{plan}"], 3, "not a regular file"),
    (["diff", "{plan}", "{fifo}"], 3, "not a regular file"),
    (["report", "/dev/zero", "-o", "{tmp}/r.html"], 3, "not a regular file"),
    (["report", "{plan}", "--analysis", "{fifo}", "-o", "{tmp}/r.html"], 3,
     "not a regular file"),
    (["report", "{plan}", "--analysis", "{big}", "-o", "{tmp}/r.html"], 3,
     "larger than the limit"),
    (["risk", "{inst}", "--plan", "/dev/zero"], 3, "not a regular file"),
    (["risk", "{inst}", "--distributions", "{fifo}"], 3, "not a regular file"),
    (["scenarios", "{inst}", "--scenarios", "/dev/zero"], 3, "not a regular file"),
]


@pytest.mark.parametrize(("args", "code", "fragment"), INPUT_CASES)
def test_hostile_input_files(inst: Path, tmp_path: Path, args: list[str], code: int,
                             fragment: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from placement import io

    monkeypatch.setattr(io, "MAX_BYTES", 50_000)  # {big} is over it; the instance is not
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # no writer: a blocking read would hang for ever
    big = tmp_path / "big.json"
    big.write_text("[" + "0," * 50_000 + "0]")
    plan = tmp_path / "plan.json"
    plan.write_text(placement.solve(str(inst)).to_json())  # a real plan, under the limit
    argv = [a.format(inst=inst, tmp=tmp_path, fifo=fifo, big=big, plan=plan) for a in args]
    r = runner.invoke(app, argv)
    assert_clean_exit(r, code)
    assert fragment in " ".join(r.output.split())
