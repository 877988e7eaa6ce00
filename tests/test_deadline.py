"""A phase with no clock of its own (reading and validating an instance) is ended by the
command's time limit: exit 5 with a message saying where the time went."""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

import placement.cli.app as app_module
from placement.cli.app import app
from placement.cli.signals import OutOfTime, deadline


def _forever(*_args: object) -> None:
    while True:  # only the deadline can end this
        time.sleep(0.01)


def test_deadline_ends_a_block_that_would_never_end() -> None:
    with pytest.raises(OutOfTime), deadline(0.05):
        _forever()


def test_no_limit_and_a_quick_block_leave_no_timer_behind() -> None:
    with deadline(None):
        pass
    with deadline(5.0):
        pass
    import signal

    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_solve_stops_when_loading_outlives_the_time_limit(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: object) -> None:
    monkeypatch.setattr(app_module, "load_input", _forever)
    monkeypatch.setattr(app_module, "LOAD_GRACE_SECONDS", 0.0)
    result = CliRunner().invoke(app, ["solve", "example:example", "--time-limit", "0.2", "-q"])
    assert result.exit_code == 5, result.output
    assert "reading and validating example:example" in " ".join(result.output.split())
    assert result.exception is None or isinstance(result.exception, SystemExit)
