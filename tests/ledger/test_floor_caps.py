"""Issue 20, the floor: engaged time counts only up to the day and week caps the members
voted (the caps dispatch enforces), and the statement says how much did not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from commonwork.core import clock
from commonwork.core.models import AuditEntry
from commonwork.governance.parameters import read_parameter
from commonwork.ledger import rules
from commonwork.ledger.actions.periods import close_period
from commonwork.ledger.models import Statement
from commonwork.work import actions as work_actions
from tests.ledger.conftest import FOUNDED, at

HOUR = 3600
DAY = 24 * HOUR


def test_a_switch_left_on_for_days_ends_by_itself(alice: Any, bob: Any) -> None:
    """Availability ends at the shift's end (the governed default, here): a worker who
    forgets the switch is floor-paid for that shift, not for the days after it."""
    with clock.set_to(at(FOUNDED, 9)):
        work_actions.set_availability(actor=bob, available=True)  # and never switched off
    with clock.set_to(at(FOUNDED + dt.timedelta(days=7), 1)):
        period = close_period(actor=alice)
    figures = Statement.objects.get(period=period, member=bob).figures
    assert figures["engaged_seconds"] == int(read_parameter("shift_default_hours")) * HOUR
    assert AuditEntry.objects.filter(action="availability.lapsed").exists()


def test_long_shifts_are_floor_paid_within_the_day_cap(alice: Any, bob: Any) -> None:
    """Six 12-hour shifts: each day counts the 10-hour cap dispatch enforces (neither
    calendar week reaches 48 hours), and the statement shows the hours past it."""
    longest = int(read_parameter("shift_max_hours"))
    for day in range(6):
        start = at(FOUNDED + dt.timedelta(days=day), 8)
        with clock.set_to(start):
            work_actions.set_availability(actor=bob, available=True, hours=longest)
        with clock.set_to(start + dt.timedelta(hours=6)):
            work_actions.confirm_availability(actor=bob)  # "still here"
        with clock.set_to(start + dt.timedelta(hours=longest)):
            work_actions.set_availability(actor=bob, available=False)
    with clock.set_to(at(FOUNDED + dt.timedelta(days=7), 1)):
        period = close_period(actor=alice)
    figures = Statement.objects.get(period=period, member=bob).figures
    day_cap = int(read_parameter("max_hours_per_day")) * HOUR
    assert figures["engaged_seconds"] == 6 * day_cap
    assert figures["beyond_caps_seconds"] == 6 * longest * HOUR - 6 * day_cap
    floor = int(read_parameter("pay_floor_per_hour"))
    assert figures["top_up_minor"] <= floor * 6 * day_cap // HOUR


CAPS = rules.HourCaps(
    day_starts=tuple(d * DAY for d in range(7)),
    week_starts=(0,),
    day_cap_seconds=10 * HOUR,
    week_cap_seconds=48 * HOUR,
)
intervals = st.lists(
    st.tuples(st.integers(0, 7 * DAY), st.integers(0, 12 * HOUR)).map(
        lambda t: (t[0], t[0] + t[1])
    ),
    max_size=12,
)


@given(available=intervals, on_task=intervals)
def test_counted_time_never_passes_a_cap_and_nothing_is_lost(
    available: list[tuple[int, int]], on_task: list[tuple[int, int]]
) -> None:
    window = (0, 7 * DAY)
    counted, beyond = rules.capped_engaged_seconds(
        available=available, on_task=on_task, window=window, caps=CAPS
    )
    total = rules.engaged_seconds(available=available, on_task=on_task, window=window)
    assert counted + beyond == total
    assert 0 <= counted <= CAPS.week_cap_seconds
    uncapped, none_beyond = rules.capped_engaged_seconds(
        available=available, on_task=on_task, window=window, caps=None
    )
    assert (uncapped, none_beyond) == (total, 0)


def test_the_pay_chart_has_an_axis_values_and_a_legend(
    alice: Any, bob: Any, complete_task: Any
) -> None:
    from django.test import Client

    from tests.conftest import log_in

    complete_task(bob, start=at(FOUNDED, 10))
    with clock.set_to(at(FOUNDED + dt.timedelta(days=7), 1)):
        close_period(actor=alice)
        client = Client()
        assert log_in(client, "bob")
        page = client.get("/money/").content.decode()
    chart = page.split('data-testid="pay-chart"')[1].split("</svg>")[0]
    assert chart.count('class="tick"') == 3  # zero, half and the top, in money
    assert "0.00 EUR" in chart
    assert 'data-testid="pay-value"' in chart
    assert "the pay floor" in chart
