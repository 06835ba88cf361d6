"""Governed parameters: one registry, exact values, bounds, history, audited changes."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from commonwork.core.errors import DomainError, Forbidden
from commonwork.core.models import AuditEntry
from commonwork.governance.actions import set_parameter
from commonwork.governance.models import ParameterValue
from commonwork.governance.parameters import read_parameter, snapshot
from commonwork.governance.registry import PARAMETERS, ParameterError, format_value, spec_of


def test_every_default_lies_within_its_own_bounds():
    for spec in PARAMETERS.values():
        assert Fraction(spec.minimum) <= spec.default_value <= Fraction(spec.maximum), spec.name
        assert spec.description
        assert spec.unit
        assert spec.reader


@given(st.fractions(min_value=0, max_value=10**6, max_denominator=10**6))
def test_stored_text_reads_back_as_the_same_exact_value(value):
    assert Fraction(format_value(value)) == value


def test_a_decimal_rate_is_exact():
    assert spec_of("fee_rate").parse("0.08") == Fraction(2, 25)
    assert format_value(Fraction(2, 25)) == "0.08"


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("fee_rate", "0.9"),
        ("max_hours_per_week", "4.5"),
        ("max_hours_per_week", "lots"),
        ("min_rest_hours", "-1"),
    ],
)
def test_out_of_bounds_or_malformed_values_are_refused(name, raw):
    with pytest.raises(ParameterError, match=name):
        spec_of(name).parse(raw)


def test_unknown_parameters_are_refused():
    with pytest.raises(ParameterError, match="no such"):
        spec_of("fee_rat")


def test_defaults_apply_until_a_value_is_set(db):
    assert read_parameter("fee_rate") == spec_of("fee_rate").default_value
    assert snapshot().version == 0


def test_a_steward_changes_a_value_and_the_history_keeps_both(alice):
    first = set_parameter(actor=alice, name="fee_rate", value="0.07", reason="Costs fell")
    second = set_parameter(actor=alice, name="fee_rate", value="0.065", reason="Costs fell more")
    assert read_parameter("fee_rate") == Fraction(65, 1000)
    assert list(ParameterValue.objects.filter(name="fee_rate").values_list("value", flat=True)) == [
        "0.065",
        "0.07",
    ]
    assert snapshot().version == second.pk > first.pk
    entry = AuditEntry.objects.filter(action="parameter.changed").last()
    assert entry is not None
    assert entry.data == {
        "name": "fee_rate",
        "from": "0.07",
        "to": "0.065",
        "reason": "Costs fell more",
    }


def test_workers_cannot_change_parameters(bob):
    with pytest.raises(Forbidden):
        set_parameter(actor=bob, name="fee_rate", value="0.5", reason="I'd like that")
    assert not ParameterValue.objects.exists()


def test_a_refused_value_changes_nothing(alice):
    with pytest.raises(DomainError) as refused:
        set_parameter(actor=alice, name="max_hours_per_week", value="90", reason="More")
    assert refused.value.field == "value"
    assert read_parameter("max_hours_per_week") == 48
    assert not AuditEntry.objects.filter(action="parameter.changed").exists()


def test_the_command_sets_and_shows_values(alice, capsys):
    call_command(
        "set_parameter", "dispatch.radius_km", "2.5", reason="Denser city", steward="alice"
    )
    call_command("show_parameters")
    out = capsys.readouterr().out
    assert "dispatch.radius_km" in out
    assert "2.5" in out
    with pytest.raises(CommandError, match="outside"):
        call_command("set_parameter", "dispatch.radius_km", "500", reason="x", steward="alice")
