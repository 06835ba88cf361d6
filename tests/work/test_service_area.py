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
