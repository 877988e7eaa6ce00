"""The v2 fields of the instance format: accepted when valid, refused with their path when
not (every problem at once), and absent from a v1 instance without changing it.

Each bad case is ``tests/instances/v2-all-fields.yaml`` (which uses every v2 field; its
indices are in its header) with one mutation. Readings: docs/v2-readings.md.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_bad_inputs import (
    NAN,
    Mutation,
    assert_exactly,
    assert_refused,
    both,
    drop,
    dup,
    mutated,
    put,
    refusal,
)
from typer.testing import CliRunner

import placement
from placement import load_instance
from placement.cli.app import app
from placement.schema import Instance
from placement.validate import validate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
V2_PATH = HERE / "instances" / "v2-all-fields.yaml"
V2: dict[str, Any] = yaml.safe_load(V2_PATH.read_text(encoding="utf-8"))
EXAMPLE = Path(placement.__file__).parent / "instances" / "example.yaml"
TIERS = [{"up_to_gb": 100, "per_gb": 0.09}, {"per_gb": 0.05}]


def on_edge_tiers(tiers: list[dict[str, Any]]) -> Mutation:
    """Tiers on site 2 (edge), alone in its default egress group."""
    return put(tiers, "sites", 2, "egress_tiers")


# (id, mutation, expected path, message fragment)
BAD: list[tuple[str, Mutation, str, str]] = [
    # per-period values
    ("price-list-short", put([1.0], "offers", 0, "price_per_hour"), "offers[0].price_per_hour",
     "has 1 values but the horizon has 2 periods"),
    ("spot-price-list-long", put([1, 2, 3], "offers", 0, "spot", "price_per_hour"),
     "offers[0].spot.price_per_hour", "has 3 values but the horizon has 2 periods"),
    ("capex-list-long", put([1, 2, 3], "hardware", 1, "capex"), "hardware[1].capex",
     "has 3 values"),
    ("energy-list-short", put([0.3], "sites", 2, "energy_per_kwh"), "sites[2].energy_per_kwh",
     "has 1 values"),
    ("carbon-list-long", put([1, 2, 3], "sites", 0, "carbon_g_per_kwh"),
     "sites[0].carbon_g_per_kwh", "has 3 values"),
    ("carbon-list-empty", put([], "sites", 0, "carbon_g_per_kwh"), "sites[0].carbon_g_per_kwh",
     "empty list"),
    ("negative-in-price-list", put([1.0, -1.0], "offers", 0, "price_per_hour"),
     "offers[0].price_per_hour", ">= 0"),
    ("string-in-capex-list", put([2000, "cheap"], "hardware", 1, "capex"), "hardware[1].capex",
     "expected a number"),
    ("nan-in-energy-list", put([0.3, NAN], "sites", 2, "energy_per_kwh"),
     "sites[2].energy_per_kwh", "finite"),
    ("bool-carbon", put(True, "sites", 2, "carbon_g_per_kwh"), "sites[2].carbon_g_per_kwh",
     "expected a number"),
    # commitments
    ("commitment-missing-term", drop("offers", 0, "commitments", 0, "term_months"),
     "offers[0].commitments[0].term_months", "missing required field"),
    ("commitment-zero-term", put(0, "offers", 0, "commitments", 0, "term_months"),
     "offers[0].commitments[0].term_months", "greater than or equal to 0.000001"),
    ("commitment-negative-price", put(-0.6, "offers", 0, "commitments", 0, "price_per_hour"),
     "offers[0].commitments[0].price_per_hour", "greater than or equal to 0"),
    ("commitment-price-list", put([0.6, 0.5], "offers", 0, "commitments", 0, "price_per_hour"),
     "offers[0].commitments[0].price_per_hour", "valid number"),
    ("commitment-duplicate-id", dup("offers", 0, "commitments", 0),
     "offers[0].commitments[1]", "duplicate id '1y'"),
    ("commitment-typo", lambda d: d["offers"][0]["commitments"][0].update(term_month=12),
     "offers[0].commitments[0].term_month", "did you mean 'term_months'"),
    ("commitment-on-owned", put([{"id": "1y", "term_months": 12, "price_per_hour": 0.5}],
                                "offers", 2, "commitments"),
     "offers[2].commitments", "only rented hardware has commitments"),
    # spot
    ("spot-on-owned", put({"price_per_hour": 0.1}, "offers", 2, "spot"), "offers[2].spot",
     "only rented hardware has spot units"),
    ("spot-missing-price", drop("offers", 0, "spot", "price_per_hour"),
     "offers[0].spot.price_per_hour", "missing required field"),
    ("spot-overhead-one", put(1, "offers", 0, "spot", "interruption_overhead"),
     "offers[0].spot.interruption_overhead", "less than 1"),
    ("spot-overhead-negative", put(-0.1, "offers", 0, "spot", "interruption_overhead"),
     "offers[0].spot.interruption_overhead", "greater than or equal to 0"),
    ("spot-max-units-float", put(2.5, "offers", 0, "spot", "max_units"),
     "offers[0].spot.max_units", "integer"),
    ("spot-as-list", put([{"price_per_hour": 0.4}], "offers", 0, "spot"), "offers[0].spot",
     "dictionary"),
    # workloads and the market of a current placement
    ("interruptible-string", put("yes", "workloads", 1, "interruptible"),
     "workloads[1].interruptible", "boolean"),
    ("output-tokens-zero", put(0, "workloads", 0, "output_tokens"), "workloads[0].output_tokens",
     "greater than or equal to 0.000001"),
    ("input-tokens-negative", put(-5, "workloads", 0, "input_tokens"),
     "workloads[0].input_tokens", "greater than or equal to 0"),
    ("market-unknown", put("reserved", "workloads", 1, "current", "market"),
     "workloads[1].current[0].market", "'on_demand' or 'spot'"),
    ("spot-market-not-interruptible", put(False, "workloads", 1, "interruptible"),
     "workloads[1].current[0].market", "not interruptible"),
    ("spot-market-offer-without-spot", put("cloud-b", "workloads", 1, "current", "site"),
     "workloads[1].current[0].market", "offer 'cloud-b/gpu' has no spot"),
    # egress tiers and groups
    ("tiers-empty", put([], "sites", 0, "egress_tiers"), "sites[0].egress_tiers",
     "at least 1 item"),
    ("tiers-not-increasing", on_edge_tiers([{"up_to_gb": 100, "per_gb": 0.1},
                                            {"up_to_gb": 100, "per_gb": 0.05},
                                            {"per_gb": 0.01}]),
     "sites[2].egress_tiers[1].up_to_gb", "must be above the previous tier's 100 GB"),
    ("tiers-decreasing", on_edge_tiers([{"up_to_gb": 100, "per_gb": 0.1},
                                        {"up_to_gb": 50, "per_gb": 0.05}, {"per_gb": 0.01}]),
     "sites[2].egress_tiers[1].up_to_gb", "increasing"),
    ("tiers-open-tier-not-last", on_edge_tiers([{"per_gb": 0.1}, {"per_gb": 0.05}]),
     "sites[2].egress_tiers[0].up_to_gb", "only the last tier has no upper end"),
    ("tiers-last-has-upper-end", on_edge_tiers([{"up_to_gb": 10, "per_gb": 0.1}]),
     "sites[2].egress_tiers[0].up_to_gb", "the last tier has no upper end"),
    ("tiers-negative-price", put(-0.09, "sites", 0, "egress_tiers", 0, "per_gb"),
     "sites[0].egress_tiers[0].per_gb", "greater than or equal to 0"),
    ("tiers-zero-upper-end", put(0, "sites", 0, "egress_tiers", 0, "up_to_gb"),
     "sites[0].egress_tiers[0].up_to_gb", "greater than or equal to 0.000001"),
    ("tiers-missing-price", drop("sites", 0, "egress_tiers", 1, "per_gb"),
     "sites[0].egress_tiers[1].per_gb", "missing required field"),
    ("tiers-and-flat-price", put(0.05, "sites", 0, "egress_per_gb"), "sites[0].egress_per_gb",
     "egress_tiers replace egress_per_gb"),
    ("group-different-tiers", put(0.08, "sites", 1, "egress_tiers", 1, "per_gb"),
     "sites[1].egress_tiers", "egress group 'acct': the tiers differ from those of site "
     "'cloud-a'"),
    ("group-mixes-tiers", drop("sites", 1, "egress_tiers"), "sites[1].egress_tiers",
     "mixes sites with and without tiers: 'cloud-a' gives egress_tiers"),
    ("group-named-after-a-site", both(drop("sites", 1, "egress_group"),
                                      put("cloud-b", "sites", 2, "egress_group"),
                                      put("cloud-b", "sites", 0, "egress_group")),
     "sites[2].egress_tiers", "egress group 'cloud-b' mixes"),
    # hardware
    ("embodied-on-rented", put(0.2, "hardware", 0, "embodied_t"), "hardware[0].embodied_t",
     "owned hardware only"),
    ("license-negative", put(-20, "hardware", 0, "license_per_month"),
     "hardware[0].license_per_month", "greater than or equal to 0"),
    # models
    ("registry-unknown-node", put("cloud-nod", "models", 0, "registry"), "models[0].registry",
     "unknown node 'cloud-nod' (did you mean 'cloud-node'?)"),
    ("updates-without-registry", drop("models", 0, "registry"), "models[0].updates_per_month",
     "needs a registry"),
    ("registry-egress-without-registry", both(drop("models", 0, "registry"),
                                              put(0, "models", 0, "updates_per_month")),
     "models[0].registry_egress_per_gb", "needs a registry"),
    ("size-negative", put(-1, "models", 0, "variants", 0, "size_gb"),
     "models[0].variants[0].size_gb", "greater than or equal to 0"),
    ("updates-negative", put(-1, "models", 0, "updates_per_month"),
     "models[0].updates_per_month", "greater than or equal to 0"),
    # carbon
    ("carbon-price-negative", put(-50, "policy", "carbon_price_per_t"),
     "policy.carbon_price_per_t", "greater than or equal to 0"),
    ("carbon-cap-negative", put(-5, "horizon", "periods", 1, "carbon_cap_t"),
     "horizon.periods[1].carbon_cap_t", "greater than or equal to 0"),
    # profiles
    ("profile-rps-and-tokens", put(2.0, "profiles", 1, "rps"), "profiles[1].tokens_per_s",
     "give either rps or tokens_per_s, not both"),
    ("profile-neither", drop("profiles", 1, "tokens_per_s"), "profiles[1].rps",
     "missing: give rps, or tokens_per_s"),
    ("profile-token-with-latency", put(300, "profiles", 1, "latency_ms"),
     "profiles[1].latency_ms", "ttft_ms + tpot_ms x output_tokens"),
    ("profile-rps-with-ttft", put(50, "profiles", 0, "ttft_ms"), "profiles[0].ttft_ms",
     "only a token-based profile"),
    ("profile-rps-with-tpot", put(2, "profiles", 0, "tpot_ms"), "profiles[0].tpot_ms",
     "only a token-based profile"),
    ("profile-zero-tokens", put(0, "profiles", 1, "tokens_per_s"), "profiles[1].tokens_per_s",
     "greater than or equal to 0.000001"),
    ("profile-tokens-typo", lambda d: d["profiles"][1].update(tokens_per_sec=1),
     "profiles[1].tokens_per_sec", "did you mean 'tokens_per_s'"),
    # locations
    ("location-unknown-node", put({"lat": 1, "lon": 1}, "network", "locations", "usres"),
     "network.locations.usres", "unknown node 'usres' (did you mean 'users'?)"),
    ("location-lat-above-90", put(91, "network", "locations", "users", "lat"),
     "network.locations.users.lat", "less than or equal to 90"),
    ("location-lon-below-180", put(-181, "network", "locations", "users", "lon"),
     "network.locations.users.lon", "greater than or equal to -180"),
    ("location-missing-lon", drop("network", "locations", "users", "lon"),
     "network.locations.users.lon", "missing required field"),
    ("location-typo", lambda d: d["network"]["locations"]["users"].update(lng=1),
     "network.locations.users.lng", "unknown field 'lng'"),
    ("locations-as-list", put([{"lat": 1, "lon": 2}], "network", "locations"),
     "network.locations", "dictionary"),
]


def test_the_v2_instance_is_valid() -> None:
    inst = load_instance(V2_PATH)
    assert inst.offers[0].commitments[0].id == "1y"
    assert inst.offers[0].spot is not None and inst.offers[0].spot.max_units == 4
    assert inst.workloads[1].current is not None
    assert inst.workloads[1].current[0].market == "spot"
    assert inst.network.locations is not None and inst.network.locations["users"].lat == 48.14
    assert inst.models[0].variants[1].size == 6  # size_gb defaults to memory_gb


@pytest.mark.parametrize(("mutation", "path", "fragment"),
                         [pytest.param(m, p, f, id=i) for i, m, p, f in BAD])
def test_bad_v2_input_is_refused(mutation: Mutation, path: str, fragment: str) -> None:
    assert_refused(mutated(mutation, V2), path, fragment)


def test_v2_problems_are_reported_together() -> None:
    """Schema and cross-reference problems of v2 fields, all in one refusal."""
    problems = refusal(mutated(both(
        put([1.0], "offers", 0, "price_per_hour"),
        put(1, "offers", 0, "spot", "interruption_overhead"),
        put({"price_per_hour": 0.1}, "offers", 2, "spot"),
        put(False, "workloads", 1, "interruptible"),
        put(0.08, "sites", 1, "egress_tiers", 1, "per_gb"),
        put(0.2, "hardware", 0, "embodied_t"),
        put("nowhere", "models", 0, "registry"),
        put(2.0, "profiles", 1, "rps"),
        put(91, "network", "locations", "users", "lat"),
        put({"lat": 1, "lon": 1}, "network", "locations", "mars"),
        dup("offers", 0, "commitments", 0),
    ), V2))
    expected = [
        ("offers[0].price_per_hour", "has 1 values"),
        ("offers[0].spot.interruption_overhead", "less than 1"),
        ("offers[2].spot", "only rented hardware"),
        ("workloads[1].current[0].market", "not interruptible"),
        ("sites[1].egress_tiers", "differ"),
        ("hardware[0].embodied_t", "owned hardware only"),
        ("models[0].registry", "unknown node 'nowhere'"),
        ("profiles[1].tokens_per_s", "not both"),
        ("network.locations.users.lat", "less than or equal to 90"),
        ("network.locations.mars", "unknown node 'mars'"),
        ("offers[0].commitments[1]", "duplicate id '1y'"),
    ]
    assert_exactly(problems, expected)


def test_problems_are_labelled_with_ids() -> None:
    problems = refusal(mutated(dup("offers", 0, "commitments", 0), V2))
    assert [p.label for p in problems] == ["offers[0] (cloud-a/gpu).commitments[1] (1y)"]


def test_a_v2_instance_round_trips_through_validate() -> None:
    inst = load_instance(V2_PATH)
    assert validate(inst.model_dump()) == inst
    assert validate(json.loads(inst.model_dump_json())) == inst
    assert validate(json.loads(json.dumps(inst.model_dump(mode="json")))) == inst


def test_a_v1_instance_gets_v2_defaults_and_keeps_its_values() -> None:
    """The bundled v1 example: every v2 field at its default, every v1 value unchanged,
    scalars still scalars (no list expanded)."""
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    inst = load_instance(copy.deepcopy(raw))
    assert inst.offers[0].price_per_hour == raw["offers"][0]["price_per_hour"]
    assert isinstance(inst.offers[0].price_per_hour, float)
    assert all(o.commitments == [] and o.spot is None for o in inst.offers)
    assert all(s.egress_tiers is None and s.carbon_g_per_kwh == 0.0 for s in inst.sites)
    assert all(s.billing_group == s.id for s in inst.sites)
    assert all(h.license_per_month == 0.0 and h.embodied_t == 0.0 for h in inst.hardware)
    assert all(m.registry is None and m.updates_per_month == 0.0 for m in inst.models)
    assert all(p.tokens_per_s is None and p.rps is not None for p in inst.profiles)
    assert all(not w.interruptible and w.output_tokens is None for w in inst.workloads)
    assert all(c.market == "on_demand" for w in inst.workloads for c in w.current or [])
    assert inst.policy.carbon_price_per_t == 0.0 and inst.network.locations is None
    assert all(p.carbon_cap_t is None for p in inst.horizon.periods)
    dumped = inst.model_dump()
    for i, offer in enumerate(raw["offers"]):
        for key, value in offer.items():
            assert dumped["offers"][i][key] == value, (i, key)


def test_the_draft_v2_estate_validates() -> None:
    """instances/hybrid-genai-v2.yaml, written against the v2 text before this
    schema existed, is a valid v2 instance."""
    inst = load_instance(ROOT / "instances" / "hybrid-genai-v2.yaml")
    assert any(o.commitments for o in inst.offers)
    assert any(p.tokens_per_s is not None for p in inst.profiles)


def test_placement_schema_lists_the_v2_fields() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    defs = json.loads(result.stdout)["$defs"]
    expected = {
        "Offer": {"commitments", "spot", "price_per_hour"},
        "Commitment": {"id", "term_months", "price_per_hour"},
        "Spot": {"price_per_hour", "max_units", "interruption_overhead"},
        "Site": {"carbon_g_per_kwh", "egress_tiers", "egress_group", "energy_per_kwh"},
        "EgressTier": {"up_to_gb", "per_gb"},
        "Hardware": {"license_per_month", "embodied_t", "capex"},
        "Model": {"registry", "updates_per_month", "registry_egress_per_gb"},
        "Variant": {"size_gb"},
        "Profile": {"tokens_per_s", "ttft_ms", "tpot_ms"},
        "Workload": {"interruptible", "output_tokens", "input_tokens"},
        "Placement": {"market"},
        "Period": {"carbon_cap_t"},
        "Policy": {"carbon_price_per_t"},
        "Network": {"locations"},
        "Location": {"lat", "lon"},
    }
    for model, fields in expected.items():
        assert fields <= set(defs[model]["properties"]), model
    price = defs["Offer"]["properties"]["price_per_hour"]
    assert "array" in json.dumps(price), price  # a scalar or one value per period
    assert Instance.model_json_schema() == json.loads(result.stdout)
