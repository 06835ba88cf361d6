"""Task prices from the published tariff: base + per km + per minute, in minor units.

Pure functions; the tariff's numbers are data the co-op publishes (work.Tariff).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


@dataclass(frozen=True)
class TariffRates:
    base_minor: int
    per_km_minor: int
    per_minute_minor: int


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two WGS 84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def quote_minor(rates: TariffRates, *, distance_km: float, minutes: int) -> int:
    """The price of a task. Distance is charged per started 100 m, rounded half up."""
    if distance_km < 0 or minutes < 0:
        raise ValueError("distance and minutes cannot be negative")
    tenths_of_km = math.ceil(round(distance_km * 10, 6))
    distance_part = (rates.per_km_minor * tenths_of_km + 5) // 10
    return rates.base_minor + distance_part + rates.per_minute_minor * minutes
