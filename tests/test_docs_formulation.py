"""docs/formulation.md is generated from the code's docstrings and must not drift."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_formulation_doc_matches_docstrings() -> None:
    script = ROOT / "scripts" / "gen_formulation_docs.py"
    result = subprocess.run([sys.executable, str(script), "--check"], cwd=ROOT)
    assert result.returncode == 0, "run: python scripts/gen_formulation_docs.py"
