"""A worker's location and limits: only while available, only by themselves."""

from __future__ import annotations

import pytest

from commonwork.core.errors import DomainError, Forbidden
from commonwork.vault.location import point
from commonwork.work import actions, selectors
from commonwork.work.models import LocationPing


def test_a_location_is_recorded_only_while_available(bob):
    with pytest.raises(DomainError) as refused:
        actions.report_location(actor=bob, lat=52.52, lon=13.40)
    assert refused.value.code == "not_available"
    actions.set_availability(actor=bob, available=True)
    actions.report_location(actor=bob, lat=52.52, lon=13.40)
    latest = LocationPing.objects.get(worker=bob)
    # Sealed at rest with Bob's own key: not in clear in the row, readable through it.
    assert b"52.52" not in bytes(latest.sealed)
    assert point(bob.pk, latest.sealed) == (52.52, 13.40)


@pytest.mark.parametrize(
    ("lat", "lon", "field"), [(90.5, 0, "lat"), (0, 181, "lon"), (float("inf"), 0, "lat")]
)
def test_a_location_off_the_earth_is_refused(bob, lat, lon, field):
    actions.set_availability(actor=bob, available=True)
    with pytest.raises(DomainError) as refused:
        actions.report_location(actor=bob, lat=lat, lon=lon)
    assert refused.value.field == field
    assert not LocationPing.objects.exists()


def test_clients_send_no_location(dan):
    with pytest.raises(Forbidden):
        actions.report_location(actor=dan, lat=1, lon=1)


def test_a_worker_sets_and_replaces_their_own_limits(bob):
    actions.set_work_preferences(
        actor=bob, max_distance_km=2.5, kinds=["located"], areas=[[52.4, 13.3, 52.6, 13.5]]
    )
    actions.set_work_preferences(actor=bob, max_distance_km=None, kinds=[], areas=[])
    preferences = selectors.work_preferences(bob)
    assert preferences is not None
    assert (preferences.max_distance_km, preferences.kinds, preferences.areas) == (None, [], [])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"max_distance_km": -1}, "max_distance_km"),
        ({"max_distance_km": float("nan")}, "max_distance_km"),
        ({"kinds": ["teleport"]}, "kinds"),
        ({"areas": [[1, 2, 3]]}, "areas"),
        ({"areas": [[53, 13, 52, 14]]}, "areas"),
    ],
)
def test_impossible_limits_are_refused(bob, overrides, field):
    fields = {"max_distance_km": 3.0, "kinds": [], "areas": [], **overrides}
    with pytest.raises(DomainError) as refused:
        actions.set_work_preferences(actor=bob, **fields)
    assert refused.value.field == field
    assert selectors.work_preferences(bob) is None
