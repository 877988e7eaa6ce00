"""docs/formulation.md is generated from the code's docstrings and must not drift."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_formulation_doc_matches_docstrings() -> None:
    script = ROOT / "scripts" / "gen_formulation_docs.py"
    spec = importlib.util.spec_from_file_location("gen", script)
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    committed = (ROOT / "docs" / "formulation.md").read_text()
    assert committed == gen.render(), "stale: run python scripts/gen_formulation_docs.py"
