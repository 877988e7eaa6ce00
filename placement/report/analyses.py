"""Reading an analysis result for the report: which JSON documents it can show, and a
one-line reason for any it cannot."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from placement.analysis.results import (
    ParetoResult,
    RiskResult,
    ScenariosResult,
    SensitivityResult,
    ThresholdsResult,
)
from placement.analysis.risk import RiskAverseResult
from placement.errors import Problem
from placement.report.model import AnalysisModel, ReportInputError

#: The results the report shows, by their ``kind``, in the order of the report's sections.
KINDS: dict[str, type[BaseModel]] = {
    "scenarios": ScenariosResult,
    "sensitivity": SensitivityResult,
    "thresholds": ThresholdsResult,
    "risk": RiskResult,
    "risk-averse": RiskAverseResult,
    "pareto": ParetoResult,
}

EXPECTED = ("expected an analysis result (the -o output of placement scenarios, sensitivity, "
            "thresholds, risk, risk --cvar-weight or pareto: kind "
            + ", ".join(KINDS) + ")")


def _json_type(data: Any) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null",
            int: "number", float: "number"}.get(type(data), type(data).__name__)


def _refuse(where: str, what: str) -> ReportInputError:
    return ReportInputError([Problem(where, what)])


def parse_analysis(data: Any, where: str) -> AnalysisModel:
    """An analysis result from a parsed JSON document; ``where`` names it in errors.
    Raises ReportInputError with one problem: what the document is and what was expected."""
    if not isinstance(data, dict):
        raise _refuse(where, f"is a JSON {_json_type(data)}, not an object; {EXPECTED}")
    kind = data.get("kind")
    if kind is None:
        if "periods" in data and "status" in data:
            what = ("is a plan, not an analysis result (the plan is the report's first "
                    "argument)")
        elif "horizon" in data and "workloads" in data:
            what = "is an instance, not an analysis result (give it with --instance)"
        else:
            what = "has no 'kind' field"
        raise _refuse(where, f"{what}; {EXPECTED}")
    if not isinstance(kind, str) or kind not in KINDS:
        shown = repr(kind) if not isinstance(kind, str) else f"'{kind[:40]}'"
        raise _refuse(where, f"is a {shown} result, which the report cannot show; {EXPECTED}")
    try:
        return KINDS[kind].model_validate(data)  # type: ignore[return-value]
    except ValidationError as exc:
        from placement.validate import schema_problems

        problems = schema_problems(exc)
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise _refuse(where, f"is not a valid {kind} result: {first}{more}; it must be "
                      f"the unedited -o output of the command that wrote it") from None


__all__ = ["EXPECTED", "KINDS", "parse_analysis"]
