"""Rough edges a new user hits (issue 14, item 6): each row a command, its exit code and
a fragment the output must (or must not) contain."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from placement.cli.app import app

runner = CliRunner()

ROWS = [
    (["solve", "example:hybrid-genai"], 0, "ms/SLO", True),
    (["solve", "example:hybrid-genai"], 0, "4910/6000", True),
    (["solve", "example:hybrid-genai"], 0, "→", True),
    (["examples"], 0, "in the range of public list prices.", True),
]


@pytest.mark.parametrize(("args", "code", "fragment", "present"), ROWS)
def test_ux_row(args: list[str], code: int, fragment: str, present: bool) -> None:
    res = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert res.exit_code == code
    assert (fragment in " ".join(res.output.split())) is present
