"""Where the co-op works: no Sydney to Berlin delivery, a service area when the members set
one, and free text within its limits — each refused with the limit in the error."""

from __future__ import annotations

from typing import Any

import pytest

from commonwork.core.errors import DomainError
from commonwork.governance.actions.parameters import set_parameter

pytestmark = pytest.mark.django_db

SYDNEY, BERLIN = (-33.8688, 151.2093), (52.5200, 13.4050)


def test_a_trip_longer_than_the_governed_limit_is_refused_with_the_limit(make_task: Any) -> None:
    with pytest.raises(DomainError) as refused:
        make_task(pickup=SYDNEY, dropoff=BERLIN)
    assert refused.value.params["limit"] == 50
    assert refused.value.params["distance"] == "16,095"


def test_a_pickup_outside_the_service_area_is_refused(alice: Any, make_task: Any) -> None:
    for name, value in {
        "service_area_lat": "52.52",
        "service_area_lon": "13.405",
        "service_area_radius_km": "15",
    }.items():
        set_parameter(actor=alice, name=name, value=value, reason="Berlin.")
    make_task()  # inside
    with pytest.raises(DomainError) as refused:
        make_task(pickup=(52.40, 13.05), dropoff=(52.41, 13.06))  # Potsdam
    assert refused.value.field == "pickup_lat"
    assert refused.value.params["radius"] == "15"


def test_a_description_has_a_limit_and_says_it(make_task: Any) -> None:
    with pytest.raises(DomainError) as refused:
        make_task(description="x" * 50_000)
    assert refused.value.params["limit"] == 2000


def test_the_database_keeps_the_text_limits_too(make_task: Any, dan: Any) -> None:
    """A write that skipped the actions' checks still cannot store an over-long text."""
    from django.db import IntegrityError, transaction

    from commonwork.work.models import Task

    task = make_task()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(description="x" * 2001)
    Task.objects.filter(pk=task.pk).update(description="x" * 2000)


def test_a_dispute_reason_has_a_limit_and_says_it(open_task: Any, bob: Any, dan: Any) -> None:
    from commonwork.work import actions

    actions.take_task(actor=bob, task_id=open_task.pk)
    actions.start_task(actor=bob, task_id=open_task.pk)
    actions.deliver_task(actor=bob, task_id=open_task.pk)
    with pytest.raises(DomainError) as refused:
        actions.dispute_task(actor=dan, task_id=open_task.pk, reason="x" * 2001)
    assert refused.value.params["limit"] == 2000
