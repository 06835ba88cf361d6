"""The tariff rule, property by property."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonwork.work.pricing import TariffRates, haversine_km, quote_minor

rates = st.builds(
    TariffRates,
    base_minor=st.integers(0, 10_000),
    per_km_minor=st.integers(0, 10_000),
    per_minute_minor=st.integers(0, 1_000),
)
latitudes = st.floats(-90, 90, allow_nan=False)
longitudes = st.floats(-180, 180, allow_nan=False)


@given(rates, st.floats(0, 500, allow_nan=False), st.integers(0, 10_000))
def test_a_price_is_never_below_the_base_and_grows_with_time(rate, km, minutes):
    price = quote_minor(rate, distance_km=km, minutes=minutes)
    assert price >= rate.base_minor
    assert quote_minor(rate, distance_km=km, minutes=minutes + 1) - price == rate.per_minute_minor


@given(rates, st.floats(0, 500, allow_nan=False), st.floats(0, 500, allow_nan=False))
def test_a_longer_trip_never_costs_less(rate, a, b):
    short, long_ = sorted((a, b))
    assert quote_minor(rate, distance_km=short, minutes=10) <= quote_minor(
        rate, distance_km=long_, minutes=10
    )


def test_negative_inputs_are_refused():
    with pytest.raises(ValueError, match="negative"):
        quote_minor(TariffRates(1, 1, 1), distance_km=-0.1, minutes=1)


@given(latitudes, longitudes, latitudes, longitudes)
def test_distance_is_symmetric_and_bounded_by_half_the_circumference(lat1, lon1, lat2, lon2):
    there = haversine_km(lat1, lon1, lat2, lon2)
    back = haversine_km(lat2, lon2, lat1, lon1)
    assert there == pytest.approx(back, abs=1e-6)
    assert 0 <= there <= math.pi * 6371.0088 + 1e-6


def test_one_degree_of_latitude_is_about_111_km():
    assert haversine_km(0, 0, 1, 0) == pytest.approx(2 * math.pi * 6371.0088 / 360, rel=1e-9)
