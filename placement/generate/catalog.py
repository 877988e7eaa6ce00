"""The fixed catalogue the generator draws from: metros, providers, hardware, model families.

Figures are public-list-price-like; nothing is measured (docs/data-provenance.md has the
measured figures of the bundled instances).
"""

from __future__ import annotations

from dataclasses import dataclass

# name, continent, jurisdiction, latitude, longitude, population weight
METROS: tuple[tuple[str, str, str, float, float, float], ...] = (
    ("frankfurt", "eu", "EU", 50.1, 8.7, 1.0),
    ("amsterdam", "eu", "EU", 52.4, 4.9, 0.8),
    ("paris", "eu", "EU", 48.9, 2.35, 1.0),
    ("dublin", "eu", "EU", 53.3, -6.3, 0.5),
    ("stockholm", "eu", "EU", 59.3, 18.1, 0.5),
    ("milan", "eu", "EU", 45.5, 9.2, 0.6),
    ("madrid", "eu", "EU", 40.4, -3.7, 0.6),
    ("warsaw", "eu", "EU", 52.2, 21.0, 0.5),
    ("london", "eu", "UK", 51.5, -0.1, 1.0),
    ("zurich", "eu", "CH", 47.4, 8.5, 0.4),
    ("virginia", "na", "US", 38.9, -77.5, 1.0),
    ("ohio", "na", "US", 40.0, -83.0, 0.6),
    ("oregon", "na", "US", 45.6, -121.2, 0.6),
    ("california", "na", "US", 37.4, -122.0, 1.0),
    ("texas", "na", "US", 32.8, -96.8, 0.8),
    ("chicago", "na", "US", 41.9, -87.6, 0.8),
    ("atlanta", "na", "US", 33.7, -84.4, 0.5),
    ("toronto", "na", "CA", 43.7, -79.4, 0.6),
    ("montreal", "na", "CA", 45.5, -73.6, 0.3),
    ("tokyo", "ap", "JP", 35.7, 139.7, 1.0),
    ("osaka", "ap", "JP", 34.7, 135.5, 0.4),
    ("singapore", "ap", "SG", 1.35, 103.8, 0.8),
    ("sydney", "ap", "AU", -33.9, 151.2, 0.6),
    ("mumbai", "ap", "IN", 19.1, 72.9, 0.8),
    ("seoul", "ap", "KR", 37.6, 127.0, 0.5),
    ("hong-kong", "ap", "HK", 22.3, 114.2, 0.4),
    ("sao-paulo", "sa", "BR", -23.5, -46.6, 0.5),
)
CONTINENT_WEIGHT = {"eu": 0.40, "na": 0.40, "ap": 0.17, "sa": 0.03}
CONTINENT_PRICE = {"eu": 1.10, "na": 1.00, "ap": 1.20, "sa": 1.35}
# provider: price multiplier, internet egress $/GB, intercontinental backbone $/GB
PROVIDERS = {"aws": (1.00, 0.09, 0.02), "gcp": (0.95, 0.12, 0.08), "azure": (1.02, 0.087, 0.05)}


@dataclass(frozen=True)
class Hw:
    id: str
    kind: str  # rented | owned
    memory_gb: float
    speed: float  # throughput relative to one L40S
    latency: float  # response time relative to one L40S
    price: float = 0.0  # rented: base $/h
    capex: float = 0.0
    lifetime: float = 0.0
    power_w: float = 0.0
    maintenance: float = 0.0
    lead_time: float = 0.0


HARDWARE: tuple[Hw, ...] = (
    Hw("l4-24g", "rented", 24, 0.42, 1.8, price=0.80, power_w=72),
    Hw("l40s-48g", "rented", 48, 1.0, 1.0, price=1.90, power_w=350),
    Hw("h100-80g", "rented", 80, 2.8, 0.55, price=12.0, power_w=700),
    Hw("jetson-orin-64", "owned", 64, 0.10, 4.5, capex=1999, lifetime=36, power_w=60,
       maintenance=15, lead_time=0),
    Hw("l40s-server-4x", "owned", 192, 3.6, 0.8, capex=48000, lifetime=48, power_w=1800,
       maintenance=350, lead_time=3),
    Hw("h100-server-8x", "owned", 640, 20.0, 0.45, capex=280000, lifetime=60, power_w=10200,
       maintenance=2500, lead_time=6),
)
HW = {h.id: h for h in HARDWARE}
RENTED = [h.id for h in HARDWARE if h.kind == "rented"]


@dataclass(frozen=True)
class Family:
    id: str
    apps: tuple[str, ...]
    weight: float
    rps: float  # fp16 on one L40S
    latency_ms: float  # fp16 on one L40S
    variants: tuple[tuple[str, float, float, float, float], ...]  # id, GB, quality, speed, lat
    demand: tuple[float, float]  # first-period peak rps range (log-uniform)
    request_kb: float
    response_kb: float
    slack: tuple[float, float]  # SLO / latency of the stay placement
    no_profile: tuple[str, ...] = ()  # hardware with no measured profile


FAMILIES: tuple[Family, ...] = (
    Family("llama3-8b", ("chat", "support-bot", "summarize"), 0.30, 3.0, 1200,
           (("fp16", 16, 1.0, 1.0, 1.0), ("int8", 9, 0.99, 1.4, 0.8),
            ("int4", 6, 0.96, 1.8, 0.7)),
           (1.0, 40.0), 6, 3, (1.2, 2.5)),
    Family("llama3-70b", ("assistant", "rag", "analyst"), 0.15, 0.45, 3500,
           (("fp16", 140, 1.0, 1.0, 1.0), ("fp8", 72, 0.99, 1.6, 0.75),
            ("int4", 40, 0.95, 2.0, 0.7)),
           (0.5, 8.0), 12, 4, (1.2, 2.0), ("jetson-orin-64",)),
    Family("mixtral-8x7b", ("code-assist", "agent"), 0.10, 1.4, 2000,
           (("fp16", 94, 1.0, 1.0, 1.0), ("int4", 26, 0.95, 1.9, 0.7)),
           (0.5, 15.0), 10, 3, (1.2, 2.0), ("jetson-orin-64",)),
    Family("sdxl", ("image-gen", "product-shots"), 0.10, 0.6, 2200,
           (("fp16", 10, 1.0, 1.0, 1.0), ("fp8", 7, 0.98, 1.3, 0.85)),
           (0.3, 5.0), 2, 1500, (1.3, 3.0)),
    Family("whisper-large", ("transcribe", "captions"), 0.15, 10.0, 500,
           (("fp16", 4, 1.0, 1.0, 1.0), ("int8", 2.5, 0.99, 1.5, 0.8)),
           (2.0, 60.0), 320, 2, (1.1, 1.6)),
    Family("bge-large", ("embed-search", "rerank"), 0.20, 150.0, 40,
           (("fp16", 1.4, 1.0, 1.0, 1.0), ("int8", 0.8, 0.99, 1.6, 0.8)),
           (20.0, 600.0), 4, 8, (1.1, 1.5)),
)
FAMILY = {f.id: f for f in FAMILIES}
METRO = {m[0]: m for m in METROS}


def pos(metro: str) -> tuple[float, float]:
    """Latitude and longitude of a metro."""
    m = METRO[metro]
    return (m[3], m[4])
