"""A located task on the road: arrived, picked up, delivered with the recipient's code or
a photo; who may see the photo and for how long."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from commonwork.core import clock
from commonwork.core.errors import DomainError
from commonwork.vault import providers
from commonwork.work import actions
from commonwork.work.actions.tasks import image_type
from commonwork.work.models import DeliveryProof, Task
from tests.conftest import log_in

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def under_way(open_task: Task, bob: Any) -> Task:
    actions.set_availability(actor=bob, available=True)
    actions.take_task(actor=bob, task_id=open_task.pk)
    return actions.start_task(actor=bob, task_id=open_task.pk)


def test_the_steps_are_noted_once_and_in_order(under_way: Task, bob: Any) -> None:
    task = actions.record_step(actor=bob, task_id=under_way.pk, step="arrived")
    arrived = task.arrived_at
    assert arrived is not None
    assert task.picked_up_at is None
    task = actions.record_step(actor=bob, task_id=under_way.pk, step="arrived")
    assert task.arrived_at == arrived  # a second tap changes nothing
    task = actions.record_step(actor=bob, task_id=under_way.pk, step="picked_up")
    assert task.picked_up_at is not None


def test_only_the_worker_of_a_located_task_under_way_takes_steps(
    under_way: Task, bob: Any, carol: Any, make_task: Any
) -> None:
    with pytest.raises(DomainError) as other:
        actions.record_step(actor=carol, task_id=under_way.pk, step="arrived")
    assert other.value.status in (403, 404)
    with pytest.raises(DomainError) as unknown:
        actions.record_step(actor=bob, task_id=under_way.pk, step="teleported")
    assert unknown.value.field == "step"
    remote = make_task(kind="remote", pickup=None, dropoff=None)
    actions.take_task(actor=bob, task_id=remote.pk)
    actions.start_task(actor=bob, task_id=remote.pk)
    with pytest.raises(DomainError) as not_located:
        actions.record_step(actor=bob, task_id=remote.pk, step="arrived")
    assert not_located.value.code == "illegal_transition"


def test_the_right_code_proves_the_delivery_and_a_wrong_one_changes_nothing(
    under_way: Task, bob: Any
) -> None:
    wrong = "0000" if under_way.recipient_code != "0000" else "1111"
    with pytest.raises(DomainError) as refused:
        actions.deliver_task(actor=bob, task_id=under_way.pk, code=wrong)
    assert refused.value.field == "code"
    under_way.refresh_from_db()
    assert under_way.status == "in_progress"
    assert not DeliveryProof.objects.exists()
    task = actions.deliver_task(actor=bob, task_id=under_way.pk, code=under_way.recipient_code)
    assert task.status == "delivered"
    assert DeliveryProof.objects.get().kind == "code"


def test_a_photo_is_read_from_its_bytes_not_its_name() -> None:
    assert image_type(PNG) == "image/png"
    assert image_type(JPEG) == "image/jpeg"
    assert image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert image_type(b"<svg onload=alert(1)>") is None
    assert image_type(b"%PDF-1.7") is None


def test_something_else_than_a_picture_is_refused(under_way: Task, bob: Any) -> None:
    with pytest.raises(DomainError) as refused:
        actions.deliver_task(actor=bob, task_id=under_way.pk, photo=b"<html>not a photo</html>")
    assert refused.value.field == "photo"
    under_way.refresh_from_db()
    assert under_way.status == "in_progress"


def _photo_page(client: Client, task: Task) -> Any:
    proof = DeliveryProof.objects.get(task=task)
    return client.get(f"/tasks/{task.pk}/proofs/{proof.pk}/")


def test_the_photo_is_sealed_and_shown_to_the_client_until_they_accept(
    under_way: Task, bob: Any, dan: Any, carol: Any
) -> None:
    actions.deliver_task(actor=bob, task_id=under_way.pk, photo=PNG)
    proof = DeliveryProof.objects.get()
    assert proof.sealed_photo is not None
    assert PNG not in bytes(proof.sealed_photo)  # sealed with bob's key
    client = Client()
    assert log_in(client, "dan")
    shown = _photo_page(client, under_way)
    assert shown.status_code == 200
    assert shown.content == PNG
    assert shown["Content-Type"] == "image/png"
    page = client.get(f"/tasks/{under_way.pk}/")
    assert b'class="proof"' in page.content
    other = Client()
    assert log_in(other, "carol")
    assert _photo_page(other, under_way).status_code == 404
    actions.complete_task(actor=dan, task_id=under_way.pk)
    assert _photo_page(client, under_way).status_code == 404  # accepted: no longer shown
    worker = Client()
    assert log_in(worker, "bob")
    assert _photo_page(worker, under_way).status_code == 200  # the worker's own


def test_photos_go_after_the_governed_time_and_with_erasure(
    under_way: Task, bob: Any, make_task: Any
) -> None:
    actions.deliver_task(actor=bob, task_id=under_way.pk, photo=JPEG)
    from commonwork.work.actions.personal_data import expire_delivery_proofs

    assert expire_delivery_proofs(clock.now() + dt.timedelta(days=29)) == 0
    assert expire_delivery_proofs(clock.now() + dt.timedelta(days=31)) == 1
    assert not DeliveryProof.objects.exists()


def test_erasure_leaves_no_proof_of_the_worker(under_way: Task, bob: Any) -> None:
    actions.deliver_task(actor=bob, task_id=under_way.pk, photo=JPEG)
    (provider,) = [p for p in providers.providers() if p.category == "delivery_proofs"]
    assert provider.count(bob.pk) == 1
    assert provider.rows(bob.pk)[0]["kind"] == "photo"  # in "My data" and the export
    provider.erase(bob.pk)
    assert not DeliveryProof.objects.exists()


def test_the_client_sees_the_code_and_the_worker_does_not(under_way: Task) -> None:
    client = Client()
    assert log_in(client, "dan")
    assert under_way.recipient_code.encode() in client.get(f"/tasks/{under_way.pk}/").content
    worker = Client()
    assert log_in(worker, "bob")
    page = worker.get(f"/tasks/{under_way.pk}/").content.decode()
    assert 'data-testid="recipient-code"' not in page
    assert 'data-testid="step-arrived"' in page
    assert "geo:52.52000,13.40500" in page  # open the pickup in the phone's map app


def test_the_delivery_form_keeps_the_task_when_the_code_is_wrong(under_way: Task) -> None:
    worker = Client()
    assert log_in(worker, "bob")
    wrong = "0000" if under_way.recipient_code != "0000" else "1111"
    answer = worker.post(f"/tasks/{under_way.pk}/deliver/", {"code": wrong})
    assert answer.status_code == 400
    assert "ask the recipient again" in answer.content.decode()
    answer = worker.post(f"/tasks/{under_way.pk}/deliver/", {"code": under_way.recipient_code})
    assert answer.status_code == 302
    under_way.refresh_from_db()
    assert under_way.status == "delivered"


def test_the_steps_left_follow_the_road() -> None:
    from commonwork.work.lifecycle import Step, steps_left

    assert steps_left(False, False) == [Step.ARRIVED, Step.PICKED_UP]
    assert steps_left(True, False) == [Step.PICKED_UP]
    assert steps_left(True, True) == []


def test_the_task_page_follows_the_worker_only_while_under_way(
    under_way: Task, bob: Any, dan: Any, make_member: Any
) -> None:
    """What the client's map polls: the status, and the worker's position while the task
    is in progress (read through the vault's gate); nothing of it for anyone else."""
    actions.report_location(actor=bob, lat=52.521, lon=13.404)
    client = Client()
    assert log_in(client, "dan")
    live = client.get(f"/tasks/{under_way.pk}/live/").json()
    assert live["status"] == "in_progress"
    assert live["worker"] == [52.521, 13.404]
    stranger = make_member("eve", "client")
    other = Client()
    other.force_login(stranger)
    assert other.get(f"/tasks/{under_way.pk}/live/").status_code == 404
    actions.deliver_task(actor=bob, task_id=under_way.pk)
    assert client.get(f"/tasks/{under_way.pk}/live/").json()["worker"] is None


def test_a_photo_over_the_limit_is_refused_before_it_is_read(under_way: Task) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    worker = Client()
    assert log_in(worker, "bob")
    big = SimpleUploadedFile("door.png", PNG + b"\x00" * 5_000_000, content_type="image/png")
    answer = worker.post(f"/tasks/{under_way.pk}/deliver/", {"photo": big})
    assert answer.status_code == 400
    assert "at most 5 MB" in answer.content.decode()
    under_way.refresh_from_db()
    assert under_way.status == "in_progress"
