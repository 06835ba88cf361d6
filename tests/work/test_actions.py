"""The work lifecycle through its actions: who may do what, and what refusal leaves behind."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from commonwork.core import clock
from commonwork.core.errors import DomainError, Forbidden, NotFound
from commonwork.core.models import AuditEntry
from commonwork.members.models import User
from commonwork.work import actions, selectors
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import AvailabilityPeriod, Dispute, Offer, OfferStatus, Task


def _status(task: Task) -> str:
    task.refresh_from_db()
    return task.status


def _audit_count() -> int:
    return AuditEntry.objects.count()


# --- posting ----------------------------------------------------------------------


def test_a_located_task_is_priced_from_the_published_tariff(open_task, tariff):
    # An independent equirectangular estimate agrees with the stored great-circle distance.
    mean_lat = math.radians((52.5200 + 52.5300) / 2)
    dx = math.radians(13.4200 - 13.4050) * math.cos(mean_lat) * 6371.0
    dy = math.radians(52.5300 - 52.5200) * 6371.0
    assert open_task.distance_km == pytest.approx(math.hypot(dx, dy), rel=0.005)
    # base + per started 100 m + per minute, from the tariff's own numbers
    tenths = math.ceil(round(open_task.distance_km * 10, 6))
    expected = (
        tariff.base_minor
        + (tariff.per_km_minor * tenths + 5) // 10
        + tariff.per_minute_minor * open_task.estimated_minutes
    )
    assert open_task.price_minor == expected
    assert open_task.tariff == tariff
    assert open_task.status == TaskStatus.OPEN


def test_a_remote_task_has_no_coordinates_and_no_distance(make_task, tariff):
    task = make_task(kind="remote", pickup=None, dropoff=None, skills=["translation"])
    assert task.pickup_lat is None
    assert task.distance_km == 0
    assert task.price_minor == tariff.base_minor + tariff.per_minute_minor * 25


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"pickup": (91.0, 13.0)}, "pickup_lat"),
        ({"dropoff": (52.0, -180.5)}, "dropoff_lon"),
        ({"pickup": (float("nan"), 13.0)}, "pickup_lat"),
        ({"pickup": None}, "pickup_lat"),
        ({"estimated_minutes": 0}, "estimated_minutes"),
        ({"deadline": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, "deadline"),
        ({"title": "   "}, "title"),
        ({"kind": "teleported"}, "kind"),
        ({"kind": "remote"}, "kind"),
    ],
)
def test_bad_task_input_is_refused_and_changes_nothing(make_task, overrides, field):
    before = (Task.objects.count(), _audit_count())
    with pytest.raises(DomainError) as refused:
        make_task(**overrides)
    assert refused.value.field == field
    assert (Task.objects.count(), _audit_count()) == before


def test_a_negative_tariff_is_refused(alice):
    with pytest.raises(DomainError) as refused:
        actions.publish_tariff(
            actor=alice, name="bad", base_minor=-1, per_km_minor=1, per_minute_minor=1
        )
    assert refused.value.field == "base_minor"


def test_a_client_cannot_post_into_another_clients_project(alice, project, make_task):
    other = actions.create_project(actor=alice, title="Steward's", purpose="Testing")
    with pytest.raises(NotFound):
        make_task(project_id=other.pk)


def test_workers_do_not_post_tasks(bob, project, make_task):
    with pytest.raises(Forbidden):
        make_task(actor=bob)


# --- the happy path and its guards ---------------------------------------------------


def test_a_task_goes_from_the_board_to_completed(bob, dan, open_task):
    actions.take_task(actor=bob, task_id=open_task.pk)
    assert _status(open_task) == TaskStatus.ACCEPTED
    actions.start_task(actor=bob, task_id=open_task.pk)
    actions.deliver_task(actor=bob, task_id=open_task.pk)
    actions.complete_task(actor=dan, task_id=open_task.pk)
    open_task.refresh_from_db()
    assert open_task.status == TaskStatus.COMPLETED
    assert open_task.worker == bob
    actions_logged = [entry.action for entry, _name in selectors.task_history(dan, open_task.pk)]
    assert actions_logged == [
        "task.posted",
        "task.take",
        "task.start",
        "task.deliver",
        "task.complete",
    ]


def test_completing_an_open_task_is_an_illegal_transition(dan, open_task):
    before = _audit_count()
    with pytest.raises(DomainError) as refused:
        actions.complete_task(actor=dan, task_id=open_task.pk)
    assert refused.value.code == "illegal_transition"
    assert _status(open_task) == TaskStatus.OPEN
    assert _audit_count() == before


def test_a_taken_task_answers_already_taken(bob, carol, open_task):
    actions.take_task(actor=bob, task_id=open_task.pk)
    with pytest.raises(DomainError) as refused:
        actions.take_task(actor=carol, task_id=open_task.pk)
    assert refused.value.code == "already_taken"
    open_task.refresh_from_db()
    assert open_task.worker == bob


def test_a_worker_without_the_skills_cannot_take_it(bob, make_task):
    task = make_task(kind="remote", pickup=None, dropoff=None, skills=["translation"])
    with pytest.raises(DomainError) as refused:
        actions.take_task(actor=bob, task_id=task.pk)
    assert refused.value.code == "missing_skills"
    assert _status(task) == TaskStatus.OPEN


def test_only_the_assigned_worker_moves_the_task(bob, carol, open_task):
    actions.take_task(actor=bob, task_id=open_task.pk)
    with pytest.raises(NotFound):
        actions.start_task(actor=carol, task_id=open_task.pk)
    assert _status(open_task) == TaskStatus.ACCEPTED


def test_only_the_client_accepts_the_delivery(bob, carol, dan, open_task):
    actions.take_task(actor=bob, task_id=open_task.pk)
    actions.start_task(actor=bob, task_id=open_task.pk)
    actions.deliver_task(actor=bob, task_id=open_task.pk)
    with pytest.raises(Forbidden):
        actions.complete_task(actor=bob, task_id=open_task.pk)
    with pytest.raises(NotFound):
        actions.complete_task(actor=carol, task_id=open_task.pk)
    assert _status(open_task) == TaskStatus.DELIVERED


def test_a_worker_cannot_cancel_a_clients_task(bob, open_task):
    with pytest.raises(Forbidden):
        actions.cancel_task(actor=bob, task_id=open_task.pk)
    assert _status(open_task) == TaskStatus.OPEN


def test_a_client_cannot_see_or_touch_another_clients_draft(make_member, make_task):
    draft = make_task(publish=False)
    eve = make_member("eve", "client")
    with pytest.raises(NotFound):
        actions.publish_task(actor=eve, task_id=draft.pk)
    with pytest.raises(NotFound):
        actions.cancel_task(actor=eve, task_id=draft.pk)
    assert _status(draft) == TaskStatus.DRAFT


def test_releasing_returns_the_task_to_the_board_without_penalty(bob, open_task):
    actions.take_task(actor=bob, task_id=open_task.pk)
    actions.release_task(actor=bob, task_id=open_task.pk)
    open_task.refresh_from_db()
    assert open_task.status == TaskStatus.OPEN
    assert open_task.worker is None
    assert open_task in selectors.open_board(bob)


def test_an_unknown_task_is_not_found(bob):
    with pytest.raises(NotFound):
        actions.take_task(actor=bob, task_id=123_456)


def test_a_draft_is_invisible_to_workers_until_published(bob, dan, make_task):
    draft = make_task(publish=False)
    assert draft not in selectors.open_board(bob)
    with pytest.raises(NotFound):
        actions.take_task(actor=bob, task_id=draft.pk)
    actions.publish_task(actor=dan, task_id=draft.pk)
    actions.take_task(actor=bob, task_id=draft.pk)
    assert _status(draft) == TaskStatus.ACCEPTED


# --- disputes and cancellation -----------------------------------------------------


def _delivered(bob: User, task: Task) -> None:
    actions.take_task(actor=bob, task_id=task.pk)
    actions.start_task(actor=bob, task_id=task.pk)
    actions.deliver_task(actor=bob, task_id=task.pk)


@pytest.mark.parametrize(
    ("outcome", "final"),
    [("pay", TaskStatus.COMPLETED), ("redo", TaskStatus.IN_PROGRESS), ("cancel", "cancelled")],
)
def test_a_steward_resolves_a_dispute(alice, bob, dan, open_task, outcome, final):
    _delivered(bob, open_task)
    dispute = actions.dispute_task(actor=dan, task_id=open_task.pk, reason="Basket arrived wet")
    assert _status(open_task) == TaskStatus.DISPUTED
    actions.resolve_dispute(actor=alice, dispute_id=dispute.pk, outcome=outcome, note="Heard both")
    assert _status(open_task) == final
    dispute.refresh_from_db()
    assert dispute.status == "resolved"


def test_a_dispute_needs_a_reason_and_a_delivery(bob, dan, open_task):
    with pytest.raises(DomainError) as refused:
        actions.dispute_task(actor=dan, task_id=open_task.pk, reason="Too slow")
    assert refused.value.code == "illegal_transition"
    _delivered(bob, open_task)
    with pytest.raises(DomainError) as refused:
        actions.dispute_task(actor=dan, task_id=open_task.pk, reason=" ")
    assert refused.value.field == "reason"
    assert Dispute.objects.count() == 0
    assert _status(open_task) == TaskStatus.DELIVERED


def test_workers_cannot_resolve_disputes(bob, carol, dan, open_task):
    _delivered(bob, open_task)
    dispute = actions.dispute_task(actor=dan, task_id=open_task.pk, reason="Wrong address")
    with pytest.raises(Forbidden):
        actions.resolve_dispute(actor=carol, dispute_id=dispute.pk, outcome="pay", note="x")
    assert _status(open_task) == TaskStatus.DISPUTED


def test_a_client_cancels_before_work_starts_but_not_after(bob, dan, make_task):
    task = make_task()
    actions.cancel_task(actor=dan, task_id=task.pk, reason="Plans changed")
    assert _status(task) == TaskStatus.CANCELLED
    started = make_task()
    actions.take_task(actor=bob, task_id=started.pk)
    actions.start_task(actor=bob, task_id=started.pk)
    with pytest.raises(DomainError) as refused:
        actions.cancel_task(actor=dan, task_id=started.pk)
    assert refused.value.code == "illegal_transition"


# --- offers --------------------------------------------------------------------------


def test_offers_go_only_to_available_workers(alice, bob, open_task):
    with pytest.raises(DomainError) as refused:
        actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    assert refused.value.code == "not_available"
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    assert _status(open_task) == TaskStatus.OFFERED
    assert offer.status == OfferStatus.PENDING


def test_accepting_an_offer_assigns_the_task(alice, bob, open_task):
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    actions.accept_offer(actor=bob, offer_id=offer.pk)
    open_task.refresh_from_db()
    assert (open_task.status, open_task.worker) == (TaskStatus.ACCEPTED, bob)


def test_nobody_accepts_someone_elses_offer(alice, bob, carol, open_task):
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    with pytest.raises(NotFound):
        actions.accept_offer(actor=carol, offer_id=offer.pk)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING


def test_declining_returns_the_task_to_open_and_leaves_no_mark(alice, bob, open_task):
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    actions.decline_offer(actor=bob, offer_id=offer.pk)
    assert _status(open_task) == TaskStatus.OPEN
    # The worker can still take the same task from the board, and be offered others.
    actions.take_task(actor=bob, task_id=open_task.pk)
    assert _status(open_task) == TaskStatus.ACCEPTED


def test_an_expired_offer_returns_the_task_and_cannot_be_accepted(alice, bob, open_task):
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(
        actor=alice, task_id=open_task.pk, worker_id=bob.pk, ttl=dt.timedelta(seconds=-1)
    )
    with pytest.raises(DomainError) as refused:
        actions.accept_offer(actor=bob, offer_id=offer.pk)
    assert refused.value.code == "offer_expired"
    offer.refresh_from_db()
    assert offer.status == OfferStatus.EXPIRED
    assert _status(open_task) == TaskStatus.OPEN


def test_expire_offers_sweeps_only_due_offers(alice, bob, carol, make_task):
    first, second = make_task(), make_task()
    for worker in (bob, carol):
        actions.set_availability(actor=worker, available=True)
    due = actions.offer_task(
        actor=alice, task_id=first.pk, worker_id=bob.pk, ttl=dt.timedelta(seconds=-1)
    )
    fresh = actions.offer_task(actor=alice, task_id=second.pk, worker_id=carol.pk)
    assert actions.expire_offers() == 1
    assert actions.expire_offers() == 0
    due.refresh_from_db()
    fresh.refresh_from_db()
    assert (due.status, fresh.status) == (OfferStatus.EXPIRED, OfferStatus.PENDING)


def test_a_worker_holds_one_pending_offer_at_a_time(alice, bob, make_task):
    first, second = make_task(), make_task()
    actions.set_availability(actor=bob, available=True)
    actions.offer_task(actor=alice, task_id=first.pk, worker_id=bob.pk)
    with pytest.raises(DomainError) as refused:
        actions.offer_task(actor=alice, task_id=second.pk, worker_id=bob.pk)
    assert refused.value.code == "conflict"
    assert _status(second) == TaskStatus.OPEN


def test_cancelling_an_offered_task_withdraws_the_offer(alice, bob, dan, open_task):
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    actions.cancel_task(actor=dan, task_id=open_task.pk)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN


# --- availability --------------------------------------------------------------------


def test_availability_periods_are_recorded_and_toggling_twice_changes_nothing(bob):
    actions.set_availability(actor=bob, available=True)
    actions.set_availability(actor=bob, available=True)
    assert AvailabilityPeriod.objects.filter(worker=bob).count() == 1
    actions.set_availability(actor=bob, available=False)
    actions.set_availability(actor=bob, available=False)
    period = AvailabilityPeriod.objects.get(worker=bob)
    assert period.ended_at is not None
    assert period.ended_at >= period.started_at
    assert not selectors.is_available(bob)


def test_going_unavailable_withdraws_a_waiting_offer(alice, bob, open_task):
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    actions.set_availability(actor=bob, available=False)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert _status(open_task) == TaskStatus.OPEN


def test_clients_have_no_availability_switch(dan):
    with pytest.raises(Forbidden):
        actions.set_availability(actor=dan, available=True)


def test_clock_is_timezone_aware():
    assert clock.now().tzinfo is not None


def test_offers_keep_a_history_of_answers(alice, bob, open_task):
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    actions.decline_offer(actor=bob, offer_id=offer.pk)
    assert list(Offer.objects.values_list("status", flat=True)) == [OfferStatus.DECLINED]


def test_an_offer_waits_as_long_as_the_members_decided(alice, bob, open_task):
    from commonwork.governance.actions import set_parameter

    set_parameter(actor=alice, name="dispatch.offer_ttl_seconds", value="45", reason="Busy city")
    actions.set_availability(actor=bob, available=True)
    offer = actions.offer_task(actor=alice, task_id=open_task.pk, worker_id=bob.pk)
    assert offer.expires_at - offer.offered_at == dt.timedelta(seconds=45)
