"""The public observatory charts the commons' weekly figures; a member sees their own
exact week beside the co-op's published one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from commonwork.commons import actions as commons
from commonwork.core import clock
from commonwork.observatory import selectors
from commonwork.vault.actions import consent_to_purpose
from commonwork.work import actions as work_actions

pytestmark = pytest.mark.django_db


def _monday(weeks_ago: int) -> dt.date:
    today = clock.now().date()
    return today - dt.timedelta(days=today.weekday() + 7 * weeks_ago)


def test_the_series_has_a_point_per_published_week_with_its_interval(alice: Any, bob: Any) -> None:
    consent_to_purpose(actor=bob, purpose_key="commons")
    for weeks_ago in (3, 2, 1):
        for statistic in commons.WEEKLY:
            commons.publish(
                actor=None,
                statistic=statistic,
                start=_monday(weeks_ago),
                weeks=1,
                epsilon=0.05,
                scheduled=True,
            )
    # A four-week release is not a week of the series.
    commons.publish(actor=alice, statistic="weekly_hours", start=_monday(4), weeks=4, epsilon=0.05)
    pay, hours, over = selectors.weekly_series()
    assert [p.week for p in pay.points] == [_monday(3), _monday(2), _monday(1)]
    assert all(p.low <= p.value <= p.high for p in pay.points + hours.points + over.points)
    assert [p.x for p in pay.points] == [0, 50, 100]
    assert all(0 <= p.y_high <= p.y <= p.y_low <= 40 for p in pay.points)
    page = Client().get("/zh-hans/observatory/").content.decode()
    assert page.count('data-testid="series"') == 3
    assert "<polyline" in page


def test_a_member_sees_their_exact_week_beside_the_coops(
    alice: Any, bob: Any, complete_task: Any
) -> None:
    monday = _monday(1)
    since = commons.period_start(monday)
    with clock.set_to(since + dt.timedelta(hours=9)):
        work_actions.set_availability(actor=bob, available=True)
    complete_task(bob, start=since + dt.timedelta(hours=10), minutes=60)
    with clock.set_to(since + dt.timedelta(hours=13)):
        work_actions.set_availability(actor=bob, available=False)
    consent_to_purpose(actor=bob, purpose_key="commons")
    commons.publish(
        actor=None,
        statistic="pay_per_engaged_hour",
        start=monday,
        weeks=1,
        epsilon=0.1,
        scheduled=True,
    )
    last, *older = selectors.my_weeks(bob)
    assert last.week == monday
    assert last.engaged_hours == pytest.approx(4)
    assert last.logged_in_hours == pytest.approx(4)
    assert last.pay_per_logged_in_hour == pytest.approx(last.pay_minor / 4)
    assert last.on_task_hours == pytest.approx(1)
    assert last.waiting_share == pytest.approx(0.75)
    assert last.pay_per_engaged_hour == pytest.approx(last.pay_minor / 4)
    assert last.coop_pay is not None
    assert last.coop_pay["low"] <= last.coop_pay["high"]
    assert all(w.engaged_hours == 0 and w.coop_pay is None for w in older)
    member = Client()
    member.force_login(bob)
    assert 'data-testid="my-weeks"' in member.get("/observatory/me/").content.decode()
    assert Client().get("/observatory/me/").status_code == 302  # members only
