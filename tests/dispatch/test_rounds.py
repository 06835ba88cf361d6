"""Dispatch rounds in the platform: offers flow to available workers, every decision is
stored with its reason, declining costs nothing, and a stored round replays identically."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from commonwork.dispatch.actions import replay, run_round
from commonwork.dispatch.models import DecisionKind, DispatchDecision
from commonwork.work import actions as work_actions
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Offer, OfferStatus, Task

pytestmark = pytest.mark.django_db


def go_available_at(worker: Any, lat: float, lon: float) -> None:
    work_actions.set_availability(actor=worker, available=True)
    work_actions.report_location(actor=worker, lat=lat, lon=lon)


def test_a_round_offers_the_task_to_the_nearest_available_worker(
    bob: Any, carol: Any, open_task: Task
) -> None:
    go_available_at(bob, 52.5210, 13.4060)  # about 130 m from the pickup
    go_available_at(carol, 52.5300, 13.4300)  # about 2 km away
    done = run_round()
    assert (done.task_count, done.worker_count, done.offered_count) == (1, 2, 1)
    offer = Offer.objects.get(task=open_task)
    assert offer.worker_id == bob.pk
    assert Task.objects.get(pk=open_task.pk).status == TaskStatus.OFFERED
    decision = DispatchDecision.objects.get(round=done, kind=DecisionKind.ASSIGNED)
    assert decision.offer_id == offer.pk
    assert decision.data["distance_km"] == pytest.approx(0.13, abs=0.02)
    assert decision.data["alternative"]["worker_id"] == carol.pk
    idle = DispatchDecision.objects.get(round=done, kind=DecisionKind.IDLE)
    assert (idle.worker_id, idle.reason) == (carol.pk, "tasks_went_to_others")


def test_unavailable_workers_are_never_offered_work(bob: Any, open_task: Task) -> None:
    done = run_round()
    assert done.worker_count == 0
    assert not Offer.objects.exists()
    unassigned = DispatchDecision.objects.get(round=done, kind=DecisionKind.UNASSIGNED)
    assert unassigned.task_id == open_task.pk


def test_a_second_round_offers_nothing_twice(bob: Any, open_task: Task) -> None:
    go_available_at(bob, 52.5210, 13.4060)
    run_round()
    again = run_round()
    assert (again.task_count, again.worker_count, again.offered_count) == (0, 0, 0)
    assert Offer.objects.filter(status=OfferStatus.PENDING).count() == 1


def test_declining_costs_nothing_the_next_round_offers_again(bob: Any, open_task: Task) -> None:
    go_available_at(bob, 52.5210, 13.4060)
    run_round()
    offer = Offer.objects.get(status=OfferStatus.PENDING)
    work_actions.decline_offer(actor=bob, offer_id=offer.pk)
    assert Task.objects.get(pk=open_task.pk).status == TaskStatus.OPEN
    run_round()
    assert Offer.objects.get(status=OfferStatus.PENDING).worker_id == bob.pk


def test_a_worker_without_a_position_gets_remote_work_only(
    bob: Any, make_task: Any, open_task: Task
) -> None:
    work_actions.set_availability(actor=bob, available=True)
    done = run_round()
    assert done.offered_count == 0
    idle = DispatchDecision.objects.get(round=done, kind=DecisionKind.IDLE)
    assert idle.reason == "location_unknown"
    remote = make_task(kind="remote", pickup=None, dropoff=None, title="Proofread", skills=[])
    run_round()
    assert Offer.objects.get(status=OfferStatus.PENDING).task_id == remote.pk


def test_a_stored_round_replays_identically(bob: Any, carol: Any, open_task: Task) -> None:
    go_available_at(bob, 52.5210, 13.4060)
    go_available_at(carol, 52.5300, 13.4300)
    done = run_round()
    identical, digest = replay(done)
    assert identical
    assert digest == done.result_digest
    call_command("dispatch_replay", str(done.pk))


def test_replay_notices_a_tampered_result(bob: Any, open_task: Task) -> None:
    go_available_at(bob, 52.5210, 13.4060)
    done = run_round()
    done.result_digest = "0" * 64
    done.save(update_fields=["result_digest"])
    with pytest.raises(CommandError, match="differs"):
        call_command("dispatch_replay", str(done.pk))
    with pytest.raises(CommandError, match="no dispatch round"):
        call_command("dispatch_replay", "999999")


def test_the_task_page_and_the_workers_why_page_explain_the_round(
    bob: Any, carol: Any, dan: Any, open_task: Task
) -> None:
    from django.test import Client

    go_available_at(bob, 52.5210, 13.4060)
    go_available_at(carol, 52.5300, 13.4300)
    run_round()
    client = Client()
    client.force_login(dan)
    page = client.get(f"/tasks/{open_task.pk}/").content.decode()
    assert "Offered to the best-placed worker" in page
    assert "Carol" not in page.split("How dispatch decided")[1].split("History")[0]
    client.force_login(carol)
    why = client.get("/work/why/").content.decode()
    assert "went to workers who were closer" in why
    chinese = client.get("/zh-hans/work/why/").content.decode()
    assert "Why did I" not in chinese
    rounds = client.get("/dispatch/rounds/")
    assert rounds.status_code == 200


def test_the_rounds_page_is_for_members_only(erin: Any) -> None:
    from django.test import Client

    client = Client()
    client.force_login(erin)
    assert client.get("/dispatch/rounds/").status_code == 403


def test_a_quiet_scheduled_round_is_not_stored_again(alice: Any, open_task: Task) -> None:
    from commonwork.dispatch.models import DispatchRound
    from commonwork.dispatch.tasks import dispatch_round

    # Nobody is available: the task stays unassigned, round after round.
    dispatch_round.enqueue()
    dispatch_round.enqueue()
    assert DispatchRound.objects.count() == 1
    # A manual round is always stored, and so is any round whose input changed.
    run_round()
    assert DispatchRound.objects.count() == 2


def test_a_scheduled_round_runs_anew_when_its_input_changes(bob: Any, open_task: Task) -> None:
    from commonwork.dispatch.models import DispatchRound
    from commonwork.dispatch.tasks import dispatch_round

    dispatch_round.enqueue()
    go_available_at(bob, 52.5201, 13.4049)
    offers = dispatch_round.enqueue().return_value
    assert offers == 1
    assert DispatchRound.objects.count() == 2


def test_the_scheduled_job_runs_a_round_per_region_then_a_city_wide_one(
    bob: Any, carol: Any, make_task: Any
) -> None:
    from commonwork.dispatch.models import DispatchRound
    from commonwork.dispatch.tasks import dispatch_regions

    north = make_task(region="north")
    south = make_task(region="south", pickup=(52.5305, 13.4305))
    loose = make_task(pickup=(52.5215, 13.4065))
    go_available_at(bob, 52.5210, 13.4060)
    go_available_at(carol, 52.5300, 13.4300)
    assert dispatch_regions.enqueue().return_value == 3  # two regions' jobs, the city's
    rounds = {r.region: r for r in DispatchRound.objects.all()}
    assert set(rounds) == {"north", "south", ""}
    assert Offer.objects.get(task=north).worker_id == bob.pk
    assert Offer.objects.get(task=south).worker_id == carol.pk
    # The city-wide round came last: both workers were taken, so the task without a
    # region waits, and nobody holds two offers.
    assert rounds[""].task_count == 1
    assert not Offer.objects.filter(task=loose).exists()


def test_a_round_without_workers_says_nobody_was_available_not_zero_km(
    open_task: Task,
) -> None:
    from commonwork.dispatch.explain import explain

    done = run_round()
    decision = DispatchDecision.objects.get(round=done, kind=DecisionKind.UNASSIGNED)
    assert decision.reason == "no_workers_available"
    (sentence,) = explain(decision)
    assert "0.00 km" not in sentence
    assert "No worker was available" in sentence


def test_the_why_page_says_why_a_worker_with_a_task_in_hand_is_left_out(
    bob: Any, open_task: Task, client: Any
) -> None:
    go_available_at(bob, 52.5210, 13.4060)
    work_actions.take_task(actor=bob, task_id=open_task.pk)
    client.force_login(bob)
    page = client.get("/work/why/").content.decode()
    assert "You have a task in hand" in page
    assert open_task.title in page


def test_an_offer_is_drawn_with_the_next_best_worker_at_their_distance(
    bob: Any, carol: Any, dan: Any, open_task: Task, client: Any
) -> None:
    go_available_at(bob, 52.5210, 13.4060)  # about 130 m from the pickup
    go_available_at(carol, 52.5300, 13.4300)  # about 2 km away
    run_round()
    client.force_login(dan)
    page = client.get(f"/tasks/{open_task.pk}/").content.decode()
    assert 'data-testid="round-sketch"' in page
    assert 'class="chosen"' in page
    assert 'class="next"' in page
    client.force_login(bob)
    assert 'data-testid="round-sketch"' in client.get("/work/why/").content.decode()


def test_the_sketch_draws_distances_to_scale_and_nothing_without_a_distance() -> None:
    import re

    from commonwork.dispatch.sketch import SIZE, sketch

    assert sketch(radius_km=3.0, chosen_km=None, next_km=None) == ""
    svg = sketch(radius_km=3.0, chosen_km=1.0, next_km=2.0)
    radius = float(re.findall(r'r="([\d.]+)" class="radius"', svg)[0])
    lines = re.findall(r'<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"', svg)
    lengths = [
        ((float(a) - float(c)) ** 2 + (float(b) - float(d)) ** 2) ** 0.5 for a, b, c, d in lines
    ]
    assert lengths[1] == pytest.approx(2 * lengths[0], rel=0.01)  # to scale
    assert radius == pytest.approx(3 * lengths[0], rel=0.01)
    assert radius <= SIZE / 2


@pytest.mark.django_db(transaction=True)
def test_each_region_is_its_own_job_and_the_city_round_comes_after_them(
    bob: Any, carol: Any, make_task: Any, settings: Any
) -> None:
    """On a real queue (the database's): the scheduled job enqueues one job per region and
    the city-wide one; a worker runs them, and the city round starts after the regional
    rounds of its tick have ended."""
    from django.core.management import call_command

    from commonwork.dispatch.models import DispatchRound
    from commonwork.dispatch.tasks import dispatch_regions

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_task(region="north")
    make_task(region="south", pickup=(52.5305, 13.4305))
    make_task(pickup=(52.5215, 13.4065))
    go_available_at(bob, 52.5210, 13.4060)
    go_available_at(carol, 52.5300, 13.4300)

    dispatch_regions.call()
    assert DispatchRound.objects.count() == 0  # enqueued, not run
    call_command("db_worker", batch=True, verbosity=0)

    rounds = {r.region: r for r in DispatchRound.objects.all()}
    assert set(rounds) == {"north", "south", ""}
    assert rounds[""].started_at >= max(rounds["north"].finished_at, rounds["south"].finished_at)
    assert Offer.objects.filter(status="pending").values("worker").distinct().count() == 2


def test_the_city_round_waits_for_an_unfinished_regional_round_then_runs_anyway(
    make_task: Any, settings: Any, monkeypatch: Any, caplog: Any
) -> None:
    from commonwork.dispatch import tasks as dispatch_tasks
    from commonwork.dispatch.models import DispatchRound

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(dispatch_tasks, "CITY_ROUND_WAITS_SECONDS", 0.5)
    make_task(region="north")
    pending = dispatch_tasks.dispatch_round.enqueue("north")  # no worker runs it

    dispatch_tasks.dispatch_city_round.call([pending.id])

    assert "ran before 1 regional rounds ended" in caplog.text
    assert list(DispatchRound.objects.values_list("region", flat=True)) == [""]
