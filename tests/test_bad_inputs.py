"""Bad instances are refused before solving, every problem with its field path.

Each case is the bundled example (``instances/example.yaml``) with one mutation,
or a raw file text. The refusal must be an :class:`placement.InstanceError` whose
``.problems`` hold the expected path (exact string) with a message containing the
expected fragment; every message is one line, and free of Python/pydantic noise.

Indices in the example: workloads 0 chat-eu, 1 assistant-us (replicas 2), 2 images-us;
hardware 0-1 rented, 2 orin-agx-64 and 3 l40s-server owned; offers 0-3 rented (cloud),
4 berlin-store/orin-agx-64 (max_units 6), 5 nyc-onprem/l40s-server.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import placement
from placement import InstanceError, Problem, load_instance

EXAMPLE_PATH = Path(placement.__file__).parent / "instances" / "example.yaml"
EXAMPLE_TEXT = EXAMPLE_PATH.read_text(encoding="utf-8")
BASE: dict[str, Any] = yaml.safe_load(EXAMPLE_TEXT)

NOISE = ("ValidationError", "pydantic", "Traceback", "Value error", "For further information",
         "<class", "PydanticUndefined", "typing.", "input_value")

Mutation = Callable[[dict[str, Any]], None]


# --- mutations --------------------------------------------------------------------------

def _at(d: Any, keys: tuple[Any, ...]) -> Any:
    for k in keys:
        d = d[k]
    return d


def drop(*keys: Any) -> Mutation:
    """Remove the key at the end of ``keys``."""
    return lambda d: _at(d, keys[:-1]).pop(keys[-1])


def put(value: Any, *keys: Any) -> Mutation:
    """Set the key at the end of ``keys`` to ``value`` (adding it if absent)."""

    def f(d: dict[str, Any]) -> None:
        _at(d, keys[:-1])[keys[-1]] = value

    return f


def dup(*keys: Any, **changes: Any) -> Mutation:
    """Append a copy of the list item at ``keys`` to its list (with ``changes`` applied)."""

    def f(d: dict[str, Any]) -> None:
        item = copy.deepcopy(_at(d, keys))
        item.update(changes)
        _at(d, keys[:-1]).append(item)

    return f


def both(*fs: Mutation) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        for g in fs:
            g(d)

    return f


def reversed_link(d: dict[str, Any]) -> None:
    lk = d["network"]["links"][0]
    d["network"]["links"].append({**lk, "a": lk["b"], "b": lk["a"]})


NAN, INF = float("nan"), float("inf")
CUR_BAD_OFFER = {"site": "berlin-store", "hardware": "g5-xlarge", "variant": "int4"}
CUR_BAD_VARIANT = {"site": "aws-eu-central-1", "hardware": "g5-xlarge", "variant": "fp8"}


# (id, mutation, expected path (or a tuple of acceptable paths), message fragment)
MUTATIONS: list[tuple[str, Mutation, str | tuple[str, ...], str]] = [
    # missing required fields
    ("missing-name", drop("name"), "name", "missing required field"),
    ("missing-horizon-periods", drop("horizon", "periods"), "horizon.periods", "missing"),
    ("missing-network-links", drop("network", "links"), "network.links", "missing"),
    ("missing-link-latency", drop("network", "links", 1, "latency_ms"),
     "network.links[1].latency_ms", "missing required field"),
    ("missing-site-kind", drop("sites", 2, "kind"), "sites[2].kind", "missing required field"),
    ("missing-site-id", drop("sites", 0, "id"), "sites[0].id", "missing"),
    ("missing-hardware-memory", drop("hardware", 0, "memory_gb"), "hardware[0].memory_gb",
     "missing"),
    ("missing-owned-capex", drop("hardware", 2, "capex"), "hardware[2].capex",
     "required for owned hardware"),
    ("missing-owned-lifetime", drop("hardware", 3, "lifetime_months"),
     "hardware[3].lifetime_months", "required for owned hardware"),
    ("missing-rented-price", drop("offers", 1, "price_per_hour"), "offers[1].price_per_hour",
     "required for rented"),
    ("missing-variant-memory", drop("models", 0, "variants", 1, "memory_gb"),
     "models[0].variants[1].memory_gb", "missing"),
    ("missing-profile-rps", drop("profiles", 3, "rps"), "profiles[3].rps", "missing"),
    ("missing-demand", drop("workloads", 0, "demand_rps"), "workloads[0].demand_rps",
     "missing required field"),
    ("missing-slo", drop("workloads", 2, "latency_slo_ms"), "workloads[2].latency_slo_ms",
     "missing required field"),
    ("missing-origin", drop("workloads", 1, "origin"), "workloads[1].origin", "missing"),
    # unknown references
    ("unknown-offer-site", put("aws-eu-west-9", "offers", 1, "site"), "offers[1].site",
     "unknown site 'aws-eu-west-9'"),
    ("unknown-offer-hardware", put("h100", "offers", 1, "hardware"), "offers[1].hardware",
     "unknown hardware 'h100'"),
    ("unknown-profile-model", put("mistral", "profiles", 0, "model"), "profiles[0].model",
     "unknown model 'mistral'"),
    ("unknown-profile-variant", put("fp8", "profiles", 0, "variant"), "profiles[0].variant",
     "no variant 'fp8'"),
    ("unknown-profile-hardware", put("h100", "profiles", 0, "hardware"),
     "profiles[0].hardware", "unknown hardware 'h100'"),
    ("unknown-workload-model", put("gpt-5", "workloads", 1, "model"), "workloads[1].model",
     "unknown model 'gpt-5'"),
    ("unknown-origin-node", put("berlin", "workloads", 2, "origin"), "workloads[2].origin",
     "unknown node 'berlin'"),
    ("unknown-origin-hint", put("users-berln", "workloads", 0, "origin"),
     "workloads[0].origin", "did you mean 'users-berlin'"),
    ("current-without-offer", put(CUR_BAD_OFFER, "workloads", 0, "current"),
     "workloads[0].current[0]", "no offer of hardware 'g5-xlarge' at 'berlin-store'"),
    ("current-unknown-site", put({**CUR_BAD_VARIANT, "variant": "fp16", "site": "gcp"},
                                 "workloads", 0, "current"),
     "workloads[0].current[0]", "no offer"),
    ("current-variant-not-in-model", put(CUR_BAD_VARIANT, "workloads", 0, "current"),
     "workloads[0].current[0].variant", "no variant 'fp8'"),
    ("current-site-twice", put("aws-us-east-1", "workloads", 1, "current", 1, "site"),
     "workloads[1].current[1].site", "listed twice"),
    # wrong types
    ("string-for-number", put("fast", "workloads", 0, "latency_slo_ms"),
     "workloads[0].latency_slo_ms", "valid number"),
    ("numeric-string-for-number", put("300", "network", "links", 0, "latency_ms"),
     "network.links[0].latency_ms", "valid number"),
    ("string-for-demand", put("lots", "workloads", 2, "demand_rps"), "workloads[2].demand_rps",
     "expected a number"),
    ("list-for-mapping", put([0.8], "policy"), "policy", "dictionary"),
    ("list-for-horizon", put([{"name": "p", "months": 1}], "horizon"), "horizon", "dictionary"),
    ("string-for-list", put("EU", "workloads", 0, "residency"), "workloads[0].residency",
     "valid list"),
    ("mapping-for-list", put({"a": 1}, "sites"), "sites", "valid list"),
    ("bool-for-int", put(True, "offers", 0, "max_units"), "offers[0].max_units",
     "valid integer"),
    ("bool-for-replicas", put(True, "workloads", 0, "replicas"), "workloads[0].replicas",
     "valid integer"),
    ("bool-for-number", put(True, "network", "links", 0, "latency_ms"),
     "network.links[0].latency_ms", "valid number"),
    ("bool-in-demand-list", put([1, True, 2], "workloads", 0, "demand_rps"),
     "workloads[0].demand_rps", "expected a number"),
    ("float-for-int", put(2.5, "offers", 4, "max_units"), "offers[4].max_units", "integer"),
    ("string-for-bool", put("yes", "sites", 0, "active_at_start"), "sites[0].active_at_start",
     "boolean"),
    ("null-name", put(None, "name"), "name", "valid string"),
    ("bad-site-kind", put("fog", "sites", 0, "kind"), "sites[0].kind", "'cloud', 'edge'"),
    ("bad-hardware-kind", put("leased", "hardware", 0, "kind"), "hardware[0].kind", "'rented'"),
    ("bad-criticality", put("medium", "workloads", 0, "criticality"),
     "workloads[0].criticality", "'low' or 'high'"),
    ("bad-allowed-kind", put(["cloud", "space"], "workloads", 0, "allowed_kinds"),
     "workloads[0].allowed_kinds[1]", "'cloud', 'edge'"),
    # negative numbers
    ("negative-latency", put(-1, "network", "links", 0, "latency_ms"),
     "network.links[0].latency_ms", "greater than or equal to 0"),
    ("negative-price", put(-1.459, "offers", 0, "price_per_hour"), "offers[0].price_per_hour",
     ">= 0"),
    ("negative-capex", put(-1999, "hardware", 2, "capex"), "hardware[2].capex", ">= 0"),
    ("negative-discount-rate", put(-0.08, "horizon", "discount_rate"), "horizon.discount_rate",
     "greater than or equal to 0"),
    ("negative-existing-units", put(-1, "offers", 4, "existing_units"),
     "offers[4].existing_units", "greater than or equal to 0"),
    ("negative-demand", put(-2, "workloads", 2, "demand_rps"), "workloads[2].demand_rps",
     ">= 0"),
    ("negative-demand-in-list", put([1, -1.5, 2], "workloads", 0, "demand_rps"),
     "workloads[0].demand_rps", ">= 0"),
    ("zero-rps", put(0, "profiles", 0, "rps"), "profiles[0].rps",
     "greater than or equal to 0.000001"),
    ("zero-bandwidth", put(0, "network", "links", 0, "bandwidth_mbps"),
     "network.links[0].bandwidth_mbps", "greater than or equal to 0.000001"),
    ("zero-lifetime", put(0, "hardware", 2, "lifetime_months"), "hardware[2].lifetime_months",
     "greater than or equal to 0.000001"),
    ("pue-below-one", put(0.9, "sites", 2, "pue"), "sites[2].pue", "greater than or equal to 1"),
    # NaN and infinity
    ("nan-price", put(NAN, "offers", 0, "price_per_hour"), "offers[0].price_per_hour",
     "finite number"),
    ("inf-latency", put(INF, "network", "links", 2, "latency_ms"),
     "network.links[2].latency_ms", "finite number"),
    ("minus-inf-rate", put(-INF, "horizon", "discount_rate"), "horizon.discount_rate", "finite"),
    ("nan-demand", put(NAN, "workloads", 2, "demand_rps"), "workloads[2].demand_rps", "finite"),
    ("inf-in-demand-list", put([1, INF, 2], "workloads", 0, "demand_rps"),
     "workloads[0].demand_rps", "finite"),
    # fractions and ranges
    ("load-factor-above-one", put(1.5, "workloads", 0, "load_factor"),
     "workloads[0].load_factor", "less than or equal to 1"),
    ("min-quality-above-one", put(2, "workloads", 0, "min_quality"), "workloads[0].min_quality",
     "less than or equal to 1"),
    ("quality-above-one", put(1.2, "models", 0, "variants", 1, "quality"),
     "models[0].variants[1].quality", "less than or equal to 1"),
    ("negative-rebate", put(-0.1, "sites", 3, "capex_rebate"), "sites[3].capex_rebate",
     "greater than or equal to 0"),
    ("rebate-above-one", put(1.1, "sites", 3, "capex_rebate"), "sites[3].capex_rebate",
     "less than or equal to 1"),
    ("max-utilization-zero", put(0, "policy", "max_utilization"), "policy.max_utilization",
     "greater than 0"),
    ("max-utilization-1.5", put(1.5, "policy", "max_utilization"), "policy.max_utilization",
     "less than or equal to 1"),
    ("months-zero", put(0, "horizon", "periods", 1, "months"), "horizon.periods[1].months",
     "greater than or equal to 0.000001"),
    ("months-negative", put(-3, "horizon", "periods", 0, "months"), "horizon.periods[0].months",
     "greater than or equal to 0.000001"),
    ("no-periods", put([], "horizon", "periods"), "horizon.periods", "at least 1 item"),
    ("no-variants", put([], "models", 1, "variants"), "models[1].variants", "at least 1 item"),
    ("empty-id", put("", "sites", 0, "id"), "sites[0].id", "at least 1 character"),
    # demand length
    ("demand-list-too-short", put([1.0, 1.5], "workloads", 0, "demand_rps"),
     "workloads[0].demand_rps", "has 2 values but the horizon has 3 periods"),
    ("demand-list-too-long", put([1, 2, 3, 4], "workloads", 1, "demand_rps"),
     "workloads[1].demand_rps", "has 4 values"),
    ("demand-list-empty", put([], "workloads", 1, "demand_rps"), "workloads[1].demand_rps",
     "empty list"),
    # duplicate ids
    ("duplicate-site", dup("sites", 1), "sites[4]", "duplicate id 'aws-us-east-1'"),
    ("duplicate-workload", dup("workloads", 0), "workloads[3]", "duplicate id 'chat-eu'"),
    ("duplicate-hardware", dup("hardware", 2), "hardware[4]", "duplicate id 'orin-agx-64'"),
    ("duplicate-model", dup("models", 1), "models[2]", "duplicate id 'sdxl'"),
    ("duplicate-variant", dup("models", 0, "variants", 0, quality=0.9),
     "models[0].variants[2]", "duplicate id 'fp16'"),
    ("duplicate-offer", dup("offers", 0, price_per_hour=1.0), "offers[6]",
     "duplicate id 'aws-eu-central-1/g5-xlarge'"),
    ("duplicate-profile", dup("profiles", 0, rps=2.0), "profiles[10]", "duplicate id"),
    ("duplicate-period", both(dup("horizon", "periods", 2),
                              put(1.0, "workloads", 0, "demand_rps"),
                              put(1.0, "workloads", 1, "demand_rps")),
     "horizon.periods[3]", "duplicate id 'steady'"),
    ("duplicate-link", dup("network", "links", 2, latency_ms=1), "network.links[5]",
     "duplicate id 'us-east|users-nyc'"),
    ("duplicate-link-reversed", reversed_link, "network.links[5]",
     "duplicate id 'berlin-edge|users-berlin'"),
    ("link-to-itself", put("users-berlin", "network", "links", 0, "b"), "network.links[0]",
     "to itself"),
    # unknown keys
    ("typo-lantency", lambda d: d["network"]["links"][0].update(lantency_ms=2),
     "network.links[0].lantency_ms", "did you mean 'latency_ms'"),
    ("typo-top-level", put([], "workload"), "workload", "did you mean 'workloads'"),
    ("typo-jurisdication", put("EU", "sites", 0, "jurisdication"), "sites[0].jurisdication",
     "did you mean 'jurisdiction'"),
    ("typo-demand", lambda d: d["workloads"][2].update(demand=1),
     "workloads[2].demand", "unknown field 'demand'"),
    ("unknown-key-no-hint", put(1, "policy", "zzzz"), "policy.zzzz", "unknown field 'zzzz'"),
    # replicas, current, units
    ("replicas-zero", put(0, "workloads", 2, "replicas"), "workloads[2].replicas",
     "greater than or equal to 1"),
    ("current-fewer-than-replicas", put(3, "workloads", 1, "replicas"), "workloads[1].current",
     "lists 2 placements but replicas is 3"),
    ("current-one-for-two-replicas", put(2, "workloads", 0, "replicas"), "workloads[0].current",
     "lists 1 placements but replicas is 2"),
    ("current-more-than-replicas", put(1, "workloads", 1, "replicas"), "workloads[1].current",
     "replicas is 1"),
    ("existing-units-above-max", put(7, "offers", 4, "existing_units"),
     "offers[4].existing_units", "7 exceeds max_units 6"),
    ("existing-units-on-rented", put(2, "offers", 0, "existing_units"),
     "offers[0].existing_units", "only owned hardware"),
    ("price-on-owned", put(1.0, "offers", 5, "price_per_hour"), "offers[5].price_per_hour",
     "owned hardware has capex"),
]


def mutated(mutation: Mutation, base: dict[str, Any] = BASE) -> dict[str, Any]:
    """A copy of ``base`` (default: the example) with ``mutation`` applied."""
    data = copy.deepcopy(base)
    mutation(data)
    return data



def refusal(source: Any) -> list[Problem]:
    with pytest.raises(InstanceError) as info:
        load_instance(source)
    problems = info.value.problems
    assert problems, "an InstanceError must list at least one problem"
    return problems



def assert_refused(source: Any, path: str | tuple[str, ...], fragment: str) -> None:
    """``source`` is refused with a problem at ``path`` containing ``fragment``, and every
    problem is clean."""
    problems = refusal(source)
    assert_reported(problems, path, fragment)
    assert_clean(problems)


def assert_clean(problems: list[Problem]) -> None:
    """Every problem: a path, one line, no Python or pydantic noise."""
    for p in problems:
        text = str(p)
        assert p.path, f"problem without a path: {text!r}"
        assert p.message, f"problem without a message: {text!r}"
        assert "\n" not in text and "\r" not in text, f"not one line: {text!r}"
        assert text.startswith(f"{p.where}: "), text
        bare = p.where.replace(" ", "").split("(")[0]  # the label only adds "(id)" after indices
        assert p.path.startswith(bare), (p.path, p.where)
        for word in NOISE:
            assert word not in text, f"{word!r} in {text!r}"


def assert_reported(problems: list[Problem], path: str | tuple[str, ...], fragment: str) -> None:
    paths = (path,) if isinstance(path, str) else path
    hits = [p for p in problems if p.path in paths and fragment in p.message]
    assert hits, (f"expected a problem at {' or '.join(paths)} containing {fragment!r}; got:\n"
                  + "\n".join(str(p) for p in problems))


def assert_exactly(problems: list[Problem], expected: list[tuple[str, str]]) -> None:
    """Exactly the ``expected`` (path, fragment) problems, each reported, all clean."""
    for path, fragment in expected:
        assert_reported(problems, path, fragment)
    assert len(problems) == len(expected), "\n".join(map(str, problems))
    assert_clean(problems)


def test_the_example_itself_is_valid() -> None:
    inst = load_instance(copy.deepcopy(BASE))
    assert inst.name == "example-hybrid"


@pytest.mark.parametrize(("mutation", "path", "fragment"),
                         [pytest.param(m, p, f, id=i) for i, m, p, f in MUTATIONS])
def test_bad_instance_is_refused(mutation: Mutation, path: str | tuple[str, ...],
                                 fragment: str) -> None:
    assert_refused(mutated(mutation), path, fragment)


def _dup_key(text: str, line: str) -> str:
    assert text.count(line) == 1, line
    return text.replace(line, line + line)


def _json_with(mutation: Mutation) -> str:
    return json.dumps(mutated(mutation))


# (id, file text, file suffix, expected path (None: the file's path), message fragment)
TEXTS: list[tuple[str, str, str, str | None, str]] = [
    ("empty-file", "", ".yaml", None, "file is empty"),
    ("blank-file", "  \n\n\t\n", ".yaml", None, "file is empty"),
    ("only-a-comment", "# nothing here yet\n", ".yaml", None, "got nothing"),
    ("not-yaml", "name: [unclosed\n  horizon: {", ".yaml", None, "not valid YAML"),
    ("yaml-tab-indent", "name: x\n\thorizon: 1\n", ".yaml", None, "not valid YAML"),
    ("top-level-list", "- name: x\n- name: y\n", ".yaml", None, "got list"),
    ("top-level-scalar", "just some words\n", ".yaml", None, "got str"),
    ("duplicate-yaml-key", _dup_key(EXAMPLE_TEXT, "name: example-hybrid\n"), ".yaml", None,
     "duplicate key 'name'"),
    ("duplicate-nested-yaml-key", _dup_key(EXAMPLE_TEXT, "  max_utilization: 0.8\n"), ".yaml",
     None, "duplicate key 'max_utilization'"),
    ("yaml-nan", EXAMPLE_TEXT.replace("latency_slo_ms: 1200", "latency_slo_ms: .nan"), ".yaml",
     "workloads[1].latency_slo_ms", "finite number"),
    ("yaml-inf", EXAMPLE_TEXT.replace("demand_rps: 2.0", "demand_rps: .inf"), ".yaml",
     "workloads[2].demand_rps", "finite"),
    ("yaml-typo", EXAMPLE_TEXT.replace("latency_ms: 45,", "lantency_ms: 45,"), ".yaml",
     "network.links[4].lantency_ms", "did you mean 'latency_ms'"),
    ("json-bad-origin", _json_with(put("berlin", "workloads", 2, "origin")), ".json",
     "workloads[2].origin", "unknown node 'berlin'"),
    ("json-missing-field", _json_with(drop("workloads", 0, "latency_slo_ms")), ".json",
     "workloads[0].latency_slo_ms", "missing required field"),
    ("json-nan", _json_with(lambda d: None).replace('"latency_slo_ms": 2000',
                                                    '"latency_slo_ms": NaN'), ".json",
     "workloads[0].latency_slo_ms", "finite number"),
    ("json-syntax-error", '{"name": "x",}', ".json", None, "not valid JSON"),
    ("json-top-level-list", "[1, 2, 3]", ".json", None, "got list"),
    ("json-in-a-yaml-file", _json_with(put(0, "policy", "max_utilization")), ".yaml",
     "policy.max_utilization", "greater than 0"),
]


@pytest.mark.parametrize(("text", "suffix", "path", "fragment"),
                         [pytest.param(t, s, p, f, id=i) for i, t, s, p, f in TEXTS])
def test_bad_file_is_refused(tmp_path: Path, text: str, suffix: str, path: str | None,
                             fragment: str) -> None:
    f = tmp_path / f"instance{suffix}"
    f.write_text(text, encoding="utf-8")
    problems = refusal(f)
    assert_reported(problems, path if path is not None else str(f), fragment)
    assert_clean(problems)


def test_unreadable_sources_are_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert_reported(refusal(missing), str(missing), "no such file")
    assert_reported(refusal(tmp_path), str(tmp_path), "directory")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00name: \x9c")
    assert_reported(refusal(binary), str(binary), "UTF-8")
    assert_reported(refusal("example:no-such-example"), "example:no-such-example",
                    "no bundled instance")


def test_valid_json_file_is_accepted(tmp_path: Path) -> None:
    f = tmp_path / "instance.json"
    f.write_text(json.dumps(BASE), encoding="utf-8")
    assert load_instance(f) == load_instance(EXAMPLE_PATH)


def test_current_may_be_one_placement_or_a_list() -> None:
    one = load_instance(copy.deepcopy(BASE))
    listed = mutated(lambda d: d["workloads"][0].update(current=[d["workloads"][0]["current"]]))
    assert load_instance(listed).workloads[0].current == one.workloads[0].current


def test_several_schema_problems_are_reported_together() -> None:
    problems = refusal(mutated(both(
        drop("name"),
        put(-1, "network", "links", 0, "latency_ms"),
        lambda d: d["network"]["links"][1].update(lantency_ms=3),
        put(0, "policy", "max_utilization"),
        put("fast", "workloads", 1, "latency_slo_ms"),
        put(NAN, "offers", 0, "price_per_hour"),
        drop("sites", 2, "kind"),
    )))
    expected = [
        ("name", "missing required field"),
        ("network.links[0].latency_ms", "greater than or equal to 0"),
        ("network.links[1].lantency_ms", "did you mean 'latency_ms'"),
        ("policy.max_utilization", "greater than 0"),
        ("workloads[1].latency_slo_ms", "valid number"),
        ("offers[0].price_per_hour", "finite number"),
        ("sites[2].kind", "missing required field"),
    ]
    assert_exactly(problems, expected)


def test_several_reference_problems_are_reported_together() -> None:
    problems = refusal(mutated(both(
        put("berlin", "workloads", 2, "origin"),
        put("h100", "profiles", 0, "hardware"),
        put([1.0, 2.0], "workloads", 0, "demand_rps"),
        dup("sites", 1),
        put(7, "offers", 4, "existing_units"),
        put(2, "offers", 0, "existing_units"),
        put(3, "workloads", 1, "replicas"),
        put(CUR_BAD_VARIANT, "workloads", 0, "current"),
    )))
    expected = [
        ("workloads[2].origin", "unknown node 'berlin'"),
        ("profiles[0].hardware", "unknown hardware 'h100'"),
        ("workloads[0].demand_rps", "has 2 values"),
        ("sites[4]", "duplicate id 'aws-us-east-1'"),
        ("offers[4].existing_units", "exceeds max_units"),
        ("offers[0].existing_units", "only owned hardware"),
        ("workloads[1].current", "replicas is 3"),
        ("workloads[0].current[0].variant", "no variant 'fp8'"),
    ]
    assert_exactly(problems, expected)


def test_schema_and_reference_problems_are_reported_together() -> None:
    problems = refusal(mutated(both(
        put(-1, "network", "links", 0, "latency_ms"),
        put("berlin", "workloads", 2, "origin"),
    )))
    assert_reported(problems, "network.links[0].latency_ms", "greater than or equal to 0")
    assert_reported(problems, "workloads[2].origin", "unknown node 'berlin'")


def test_duplicate_json_key_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "instance.json"
    text = json.dumps(BASE)
    f.write_text(text.replace('"name": "example-hybrid"',
                              '"name": "example-hybrid", "name": "other"', 1), encoding="utf-8")
    assert_reported(refusal(f), str(f), "duplicate key 'name'")
