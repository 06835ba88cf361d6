"""Governed values in the units people think in: money in the currency, shares in
percent; the registry keeps cents and exact fractions."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonwork.governance.labels import DISPLAY_UNITS, display_unit, from_display, to_display
from commonwork.governance.registry import PARAMETERS


@pytest.mark.parametrize(
    ("unit", "typed", "stored"),
    [
        ("minor units per engaged hour", "12.50", "1250"),
        ("minor units per engaged hour", "12,5", "1250"),
        ("minor units", "150 EUR", "15000"),
        ("fraction of the price", "8", "0.08"),
        ("fraction of the price", "7.5 %", "0.075"),
        ("fraction of yes and no", "200/3", "2/3"),
        ("minutes", "30", "30"),
        ("hours", "0.5", "0.5"),
    ],
)
def test_typed_values_become_what_the_registry_stores(unit: str, typed: str, stored: str) -> None:
    assert from_display(unit, typed) == stored


@pytest.mark.parametrize("typed", ["abc", "", "1/0", "12..5"])
def test_nonsense_is_no_number(typed: str) -> None:
    with pytest.raises((ValueError, ZeroDivisionError)):
        from_display("minor units", typed)


@given(st.sampled_from(sorted(DISPLAY_UNITS)), st.fractions(min_value=0, max_value=10**6))
def test_showing_then_typing_gives_back_the_stored_value(unit: str, value: Fraction) -> None:
    stored = value.limit_denominator(10_000)
    assert Fraction(from_display(unit, to_display(unit, stored))) == stored


def test_every_money_and_share_rule_is_shown_in_a_people_unit() -> None:
    for spec in PARAMETERS.values():
        if spec.unit.startswith(("minor units", "fraction of")):
            assert spec.unit in DISPLAY_UNITS, spec.name
    assert display_unit("minor units per engaged hour", currency="EUR") == "EUR an engaged hour"
    assert display_unit("fraction of the fee") == "% of the fee"
    assert display_unit("days") == "days"
