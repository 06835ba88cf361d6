"""Fatigue and weather in dispatch: a break is due after the governed engaged time, a
weather alert at the governed level holds outdoor tasks back, each tested at its boundary,
and both explained to the people they affect."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from commonwork.core import clock
from commonwork.dispatch import solver, weather
from commonwork.dispatch.actions import record_weather_alerts, run_round
from commonwork.dispatch.alerts import CapDocument, CapFeed
from commonwork.dispatch.explain import explain
from commonwork.dispatch.models import DecisionKind, DispatchDecision, WeatherAlert
from commonwork.governance.actions.parameters import set_parameter
from commonwork.work import actions as work_actions
from commonwork.work.models import Offer

STORM = (Path(__file__).parents[1] / "fixtures/cap_storm.xml").read_text()
UTC = dt.UTC
IN_FORCE = dt.datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def storm_now() -> str:
    """The fixture's storm moved to now: sent an hour ago, in force until ten hours on."""
    now = clock.now()
    return (
        STORM.replace("2026-12-01T08:00:00+01:00", (now - dt.timedelta(hours=2)).isoformat())
        .replace("2026-12-01T09:00:00+01:00", (now - dt.timedelta(hours=1)).isoformat())
        .replace("2026-12-01T21:00:00+01:00", (now + dt.timedelta(hours=10)).isoformat())
    )


# --- the pure rules ----------------------------------------------------------------------


def test_a_cap_alert_is_read_with_its_areas_and_times() -> None:
    (alert,) = weather.parse_cap(STORM)
    assert (alert.event, alert.severity) == ("storm gusts", "Severe")
    assert alert.starts == dt.datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert alert.expires == dt.datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
    assert alert.covers(52.5210, 13.4060)  # in the circle
    assert alert.covers(52.515, 13.45)  # in the polygon
    assert not alert.covers(52.45, 13.30)  # elsewhere in the city
    assert alert.in_force(IN_FORCE)
    assert not alert.in_force(alert.expires)


@pytest.mark.parametrize(
    ("level", "binds"), [("Moderate", True), ("Severe", True), ("Extreme", False)]
)
def test_an_alert_binds_from_exactly_the_governed_level(level: str, binds: bool) -> None:
    alerts = weather.parse_cap(STORM)
    found = weather.binding(alerts, lat=52.52, lon=13.405, at=IN_FORCE, level=level)
    assert (found is not None) is binds


def test_cancelled_and_test_alerts_bind_nobody() -> None:
    cancelled = STORM.replace("<msgType>Alert</msgType>", "<msgType>Cancel</msgType>")
    exercise = STORM.replace("<status>Actual</status>", "<status>Exercise</status>")
    assert weather.parse_cap(cancelled) == []
    assert weather.parse_cap(exercise) == []


@pytest.mark.parametrize(
    "feed",
    [
        "not xml at all",
        STORM.replace("<expires>2026-12-01T21:00:00+01:00</expires>", ""),
        STORM.replace("<circle>52.5200,13.4050 2.0</circle>", "<circle>95,13 2</circle>"),
        STORM.replace("2026-12-01T09:00:00+01:00", "yesterday"),
        # An entity expansion bomb: refused, not expanded.
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "bbbbbbbbbb">]><a>&b;&b;</a>',
    ],
)
def test_a_feed_dispatch_cannot_place_or_date_is_refused(feed: str) -> None:
    with pytest.raises((weather.AlertFeedError, ValueError)):
        weather.parse_cap(feed)


def test_a_feed_address_must_be_a_web_address() -> None:
    with pytest.raises(weather.AlertFeedError):
        CapFeed("file:///etc/passwd")


@pytest.mark.parametrize(("pause_minutes", "stretch"), [(20, 1.0), (19, 3.0 + 19 / 60)])
def test_a_pause_counts_as_a_break_from_exactly_its_governed_length(
    pause_minutes: int, stretch: float
) -> None:
    """Two hours, a pause, then an hour up to now: a full break starts the count again."""
    pause = pause_minutes / 60
    spans = [(-3.0 - pause, -1.0 - pause), (-1.0, 0.0)]
    assert solver.continuous_engaged_hours(spans, 0.0, 20 / 60) == pytest.approx(stretch)


@pytest.mark.parametrize(
    ("spans", "rest"),
    [
        # Twelve hours off overnight, then four hours with a lunch pause: rested.
        ([(-20.0, -16.0), (-4.0, -2.0), (-1.5, 0.0)], 12.0),
        # The first stretch on record: a week's rest.
        ([(-3.0, 0.0)], 168.0),
        # Fourteen hours with half-hour pauses: past what a day allows, not rested.
        ([(-26.0, -15.0), (-14.5, -7.5), (-7.0, 0.0)], 0.5),
    ],
)
def test_a_short_pause_is_not_a_nights_rest(spans: list[tuple[float, float]], rest: float) -> None:
    assert solver.rest_before_stretch(spans, 0.0, 11.0) == pytest.approx(rest)


def _one_pair(continuous: float, minutes: int, alert: str = "") -> solver.RoundResult:
    return solver.solve(
        solver.RoundInput(
            tasks=(solver.TaskIn(1, 0.0, 0.0, minutes, weather_alert=alert),),
            workers=(solver.WorkerIn(7, 0.1, 0.0, continuous_hours=continuous),),
            params=solver.Params(max_continuous_hours=4.0),
        )
    )


def test_a_break_is_due_at_exactly_the_governed_engaged_time() -> None:
    assert len(_one_pair(3.5, 30).assignments) == 1  # ends at exactly 4 h: allowed
    refused = _one_pair(3.5, 31)
    assert not refused.assignments
    assert refused.idle[0].reason == solver.BREAK_DUE
    assert not _one_pair(4.0, 1).assignments


def test_a_task_under_an_alert_is_offered_to_nobody_and_says_why() -> None:
    result = _one_pair(0.0, 20, alert="storm-1")
    assert not result.assignments
    assert (result.unassigned[0].reason, result.unassigned[0].detail) == (
        solver.WEATHER_ALERT,
        {"alert": "storm-1"},
    )
    assert result.idle[0].reason == solver.WEATHER_ALERT


# --- in the platform ---------------------------------------------------------------------


def _available_at(worker: Any, lat: float, lon: float) -> None:
    work_actions.set_availability(actor=worker, available=True)
    work_actions.report_location(actor=worker, lat=lat, lon=lon)


@pytest.mark.django_db
def test_a_storm_holds_outdoor_tasks_and_the_worker_and_client_are_told(
    bob: Any, make_task: Any
) -> None:
    assert record_weather_alerts(CapDocument(storm_now(), "fixture")) == 1
    outdoor = make_task()
    remote = make_task(kind="remote", pickup=None, dropoff=None, title="Proofread")
    _available_at(bob, 52.5210, 13.4060)
    done = run_round()
    offered = Offer.objects.get()
    assert offered.task_id == remote.pk  # the remote task is not held back
    held = DispatchDecision.objects.get(round=done, kind=DecisionKind.UNASSIGNED)
    assert (held.task_id, held.reason) == (outdoor.pk, solver.WEATHER_ALERT)
    assert "storm gusts, severe, until" in explain(held)[0]


@pytest.mark.django_db
def test_an_alert_below_the_governed_level_holds_nothing(
    alice: Any, bob: Any, make_task: Any
) -> None:
    set_parameter(actor=alice, name="weather_alert_level", value="4", reason="Extreme only.")
    record_weather_alerts(CapDocument(storm_now(), "fixture"))
    task = make_task()
    _available_at(bob, 52.5210, 13.4060)
    run_round()
    assert Offer.objects.get().task_id == task.pk


@pytest.mark.django_db
def test_an_expired_alert_holds_nothing(bob: Any, make_task: Any) -> None:
    record_weather_alerts(CapDocument(storm_now(), "fixture"))
    after = WeatherAlert.objects.get().expires + dt.timedelta(minutes=1)
    with clock.set_to(after):
        task = make_task()
        _available_at(bob, 52.5210, 13.4060)
        run_round()
    assert Offer.objects.get().task_id == task.pk


@pytest.mark.django_db
def test_four_hours_without_a_break_and_the_why_page_says_so(
    bob: Any, make_task: Any, client: Any
) -> None:
    start = clock.now() + dt.timedelta(days=1)
    with clock.set_to(start):
        _available_at(bob, 52.5210, 13.4060)
    with clock.set_to(start + dt.timedelta(hours=3, minutes=50)):
        work_actions.report_location(actor=bob, lat=52.5210, lon=13.4060)
        make_task(estimated_minutes=25)  # would end at 4 h 15 min
        done = run_round()
    assert not Offer.objects.exists()
    idle = DispatchDecision.objects.get(round=done, kind=DecisionKind.IDLE)
    assert idle.reason == solver.BREAK_DUE
    client.force_login(bob)
    assert "A break is due" in client.get("/work/why/").content.decode()
    # A twenty-minute pause is a break: the next round offers the task.
    with clock.set_to(start + dt.timedelta(hours=3, minutes=51)):
        work_actions.set_availability(actor=bob, available=False)
    with clock.set_to(start + dt.timedelta(hours=4, minutes=11)):
        _available_at(bob, 52.5210, 13.4060)
        run_round()
    assert Offer.objects.filter(worker=bob).exists()


@pytest.mark.django_db
def test_under_the_supplement_rule_a_storm_task_is_offered_and_pays_the_hardship_supplement(
    alice: Any, bob: Any, complete_task: Any
) -> None:
    from commonwork.ledger.models import EntryKind, JournalEntry, Posting

    set_parameter(actor=alice, name="weather_rule", value="1", reason="Pay, do not hold.")
    set_parameter(actor=alice, name="weather_supplement_rate", value="0.5", reason="Half.")
    record_weather_alerts(CapDocument(storm_now(), "fixture"))
    task = complete_task(bob, start=clock.now() - dt.timedelta(minutes=40))
    entry = JournalEntry.objects.get(kind=EntryKind.COVER_BENEFIT, key=f"hardship:{task.pk}")
    to_bob = Posting.objects.get(entry=entry, account__owner=bob).amount_minor
    assert -to_bob == round(task.price_minor / 2)
    # A task outside the storm's areas earns none.
    elsewhere = complete_task(
        bob, start=clock.now() - dt.timedelta(minutes=40), pickup=(52.40, 13.20)
    )
    assert not JournalEntry.objects.filter(key=f"hardship:{elsewhere.pk}").exists()


@pytest.mark.django_db
def test_a_feed_that_cannot_be_read_keeps_the_stored_alerts_and_says_so(settings: Any) -> None:
    from commonwork.core.models import AuditEntry
    from commonwork.dispatch.tasks import read_weather_alerts

    record_weather_alerts(CapDocument(storm_now(), "fixture"))
    settings.WEATHER_FEED_URL = "http://127.0.0.1:9/cap.xml"  # nothing listens there
    assert read_weather_alerts.call() == 0
    assert WeatherAlert.objects.count() == 1
    assert AuditEntry.objects.filter(action="dispatch.weather_feed_failed").exists()
