"""The data commons on the platform: only members who share are counted, and revoking
stops the next release; the budget's ledger refuses past the quarter's cap before
anything is read, and its chain shows any change; the weekly job publishes each week
once; the pages, files and API a reader uses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from frictionless import Package

from commonwork.commons import actions, budget, units
from commonwork.commons.models import BudgetCharge, Release
from commonwork.core import clock
from commonwork.core.errors import DomainError
from commonwork.governance.actions.parameters import set_parameter
from commonwork.vault.actions import consent_to_purpose, revoke_consent
from commonwork.vault.gate import consented_reads
from commonwork.vault.models import AccessLogEntry, ConsentGrant
from commonwork.work import actions as work_actions

pytestmark = pytest.mark.django_db


def _monday_weeks_ago(weeks: int) -> dt.date:
    today = clock.now().date()
    return today - dt.timedelta(days=today.weekday() + 7 * weeks)


@pytest.fixture
def shared(alice: Any, bob: Any, carol: Any) -> list[Any]:
    for member in (bob, carol):
        consent_to_purpose(actor=member, purpose_key="commons")
    return [bob, carol]


def _publish(alice: Any, statistic: str = "pay_per_engaged_hour", **kw: Any) -> Release:
    fields: dict[str, Any] = {"start": _monday_weeks_ago(2), "weeks": 1, "epsilon": 0.1}
    fields.update(kw)
    return actions.publish(actor=alice, statistic=statistic, **fields)


def test_only_members_who_share_are_read_and_revoking_stops_the_next_release(
    alice: Any, bob: Any, carol: Any, shared: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[list[int]] = []
    real = units.units

    def spy(ids: list[int], *args: Any) -> Any:
        read.append(list(ids))
        return real(ids, *args)

    monkeypatch.setitem(units.SOURCES, "commons", spy)
    _publish(alice)
    assert read[-1] == sorted([bob.pk, carol.pk])
    logged = AccessLogEntry.objects.filter(subject=bob, purpose="commons")
    assert set(logged.values_list("category", flat=True)) == {
        "availability",
        "tasks",
        "earnings",
        "disputes",
    }
    assert all(basis.startswith("consent:") for basis in logged.values_list("basis", flat=True))
    grant = ConsentGrant.objects.get(subject=carol, purpose_key="commons")
    assert grant.recipient_id is None
    revoke_consent(actor=carol, record_id=str(grant.record_id))
    _publish(alice, start=_monday_weeks_ago(3))
    assert read[-1] == [bob.pk]
    assert consented_reads(purpose="commons") == [bob.pk]
    # Consenting twice keeps one live record.
    assert consent_to_purpose(actor=bob, purpose_key="commons") == consent_to_purpose(
        actor=bob, purpose_key="commons"
    )


def test_a_release_past_the_cap_is_refused_before_anything_is_read(
    alice: Any, bob: Any, shared: list[Any]
) -> None:
    set_parameter(actor=alice, name="commons.epsilon_per_quarter", value="0.3", reason="Test.")
    first = _publish(alice, epsilon=0.2)
    assert BudgetCharge.objects.get().release == first
    reads_before = AccessLogEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        _publish(alice, epsilon=0.2, start=_monday_weeks_ago(3))
    assert refused.value.code == "conflict"
    assert refused.value.params == {"spent": "0.2", "requested": "0.2", "cap": "0.3"}
    assert Release.objects.count() == 1
    assert AccessLogEntry.objects.count() == reads_before  # nothing read
    _publish(alice, epsilon=0.1, start=_monday_weeks_ago(3))  # what is left may be spent
    assert budget.spent_this_quarter(clock.now()) == pytest.approx(0.3)


def test_the_ledger_chain_shows_a_changed_removed_or_moved_charge(
    alice: Any, shared: list[Any]
) -> None:
    for weeks_ago in (2, 3, 4):
        _publish(alice, start=_monday_weeks_ago(weeks_ago), epsilon=0.05)
    assert budget.verify() == []
    charges = list(BudgetCharge.objects.order_by("seq"))
    BudgetCharge.objects.filter(pk=charges[1].pk).update(epsilon=0.001)
    assert any("#2" in problem for problem in budget.verify())
    BudgetCharge.objects.filter(pk=charges[1].pk).update(epsilon=charges[1].epsilon)
    assert budget.verify() == []
    moved = [charges[0], charges[2], charges[1]]
    assert budget.verify(moved, head_hash=charges[2].entry_hash)
    BudgetCharge.objects.filter(pk=charges[2].pk).delete()  # the tail
    assert budget.verify() == ["the ledger's end does not match its head: charges were removed"]


def test_bad_requests_are_refused_with_a_reason(alice: Any, bob: Any, shared: list[Any]) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"statistic": "salaries"}, "statistic"),
        ({"epsilon": 0}, "epsilon"),
        ({"epsilon": 11}, "epsilon"),
        ({"start": _monday_weeks_ago(2) + dt.timedelta(days=1)}, "period_start"),
        ({"weeks": 14}, "weeks"),
        ({"start": _monday_weeks_ago(0)}, "period_start"),  # this week has not ended
    ]
    for change, field in cases:
        with pytest.raises(DomainError) as refused:
            _publish(alice, **change)
        assert refused.value.field == field
    with pytest.raises(DomainError):
        _publish(bob)  # stewards publish
    assert not Release.objects.exists()
    assert not BudgetCharge.objects.exists()


def test_the_weekly_job_publishes_each_week_once(alice: Any, shared: list[Any]) -> None:
    now = clock.now()
    first = actions.publish_weekly(now)
    assert sorted(r.statistic for r in first) == sorted(actions.WEEKLY)
    assert all(r.scheduled and r.published_by is None for r in first)
    assert actions.publish_weekly(now) == []  # a retry, or a second scheduler
    assert Release.objects.count() == len(actions.WEEKLY)
    set_parameter(actor=alice, name="commons.weekly_epsilon", value="0", reason="Test.")
    assert actions.publish_weekly(now + dt.timedelta(days=7)) == []


def test_the_units_count_pay_hours_zones_and_disputes(
    alice: Any, bob: Any, complete_task: Any, make_task: Any
) -> None:
    start = _monday_weeks_ago(1)
    since = actions.period_start(start)
    with clock.set_to(since + dt.timedelta(hours=9)):
        work_actions.set_availability(actor=bob, available=True)
    complete_task(bob, start=since + dt.timedelta(hours=10), minutes=30, region="north")
    complete_task(bob, start=since + dt.timedelta(hours=11), minutes=30, region="north")
    complete_task(bob, start=since + dt.timedelta(hours=12), minutes=30, region="south")
    with clock.set_to(since + dt.timedelta(hours=13)):
        work_actions.set_availability(actor=bob, available=False)
    (unit,) = units.units([bob.pk], since, 1)
    assert unit.engaged_minutes == 4 * 60
    assert unit.on_task_minutes == 90
    assert unit.tasks_by_zone == {"north": 2, "south": 1}
    assert unit.zone == "north"
    assert unit.pay_minor > 0
    assert units.zones(since, 1) == ["north", "south"]


def test_the_pages_files_and_api(alice: Any, bob: Any, shared: list[Any], tmp_path: Path) -> None:
    empty = _publish(alice, "zones")  # no zone had work: said so, no chart
    assert "No figures" in Client().get(f"/commons/releases/{empty.pk}/").content.decode()
    release = _publish(alice, start=_monday_weeks_ago(3))
    public = Client()
    index = public.get("/commons/").content.decode()
    assert 'data-testid="releases"' in index
    assert 'data-testid="sharing"' not in index
    page = public.get(f"/commons/releases/{release.pk}/").content.decode()
    assert 'data-testid="chart"' in page
    assert 'data-testid="figures"' in page
    ledger = public.get("/commons/budget/").content.decode()
    assert "The ledger verifies" in ledger
    assert public.get("/commons/releases/9999/").status_code == 404
    # The Data Package validates, its CSV beside it.
    (tmp_path / "datapackage.json").write_bytes(
        public.get(f"/commons/releases/{release.pk}/datapackage.json").content
    )
    (tmp_path / "data.csv").write_bytes(
        public.get(f"/commons/releases/{release.pk}/data.csv").content
    )
    report = Package(str(tmp_path / "datapackage.json")).validate()  # type: ignore[misc]
    assert report.valid, report.flatten(["type", "note"])
    record = json.loads(public.get(f"/commons/releases/{release.pk}/registry.json").content)
    loss = record["deployment"]["privacy_loss"]
    assert loss["privacy_unit"] == "worker × period"
    assert loss["privacy_parameters"]["epsilon"] == release.epsilon
    api = public.get("/api/v1/commons/releases").json()
    assert [r["id"] for r in api] == [release.pk, empty.pk]
    assert public.get("/api/v1/commons/releases/9999").json()["code"] == "not_found"
    # A member chooses; the Chinese page says it in Chinese.
    member = Client()
    member.force_login(bob)
    assert 'data-testid="stop-sharing"' in member.get("/commons/").content.decode()
    member.post("/commons/share/", {"share": "no"})
    assert 'data-testid="start-sharing"' in member.get("/zh-hans/commons/").content.decode()
    assert consented_reads(purpose="commons") != []
    assert bob.pk not in consented_reads(purpose="commons")


def test_a_steward_publishes_from_the_page_once_per_form(alice: Any, shared: list[Any]) -> None:
    steward = Client()
    steward.force_login(alice)
    form = {
        "statistic": "weekly_hours",
        "period_start": _monday_weeks_ago(2).isoformat(),
        "weeks": "1",
        "epsilon": "0.1",
        "key": "form-1",
    }
    first = steward.post("/commons/publish/", form)
    again = steward.post("/commons/publish/", form)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Release.objects.count() == 1
    refused = steward.post("/commons/publish/", {**form, "epsilon": "20", "key": "form-2"})
    assert refused.status_code == 400
    set_parameter(actor=alice, name="commons.epsilon_per_quarter", value="0.15", reason="Test.")
    past_cap = steward.post("/commons/publish/", {**form, "key": "form-3"})
    assert past_cap.status_code == 409
    assert "0.1 spent this quarter" in past_cap.content.decode()
