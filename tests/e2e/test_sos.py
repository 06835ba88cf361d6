"""SOS on a phone, in both languages: on the page of the task they are doing, a worker
presses SOS; the phone's (faked) position goes to the stewards and their contact, once,
and the page says who was told. The screenshots are kept in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from commonwork.protection import actions as protection
from commonwork.protection.models import SosCall
from commonwork.vault.keys import unseal
from commonwork.work import actions as work_actions
from tests.e2e.test_worker_and_client_journey import _log_in

pytestmark = pytest.mark.django_db(transaction=True)

HERE = {"latitude": 52.5163, "longitude": 13.3777}


@pytest.mark.parametrize(
    ("language", "prefix", "told"),
    [("en", "", "Help is on its way"), ("zh", "/zh-hans", "已发出求助")],
)
def test_sos_from_a_phone_sends_the_position_once(
    live_server: Any,
    phone_page: Any,
    alice: Any,
    bob: Any,
    make_task: Any,
    artifacts: Path,
    language: str,
    prefix: str,
    told: str,
) -> None:
    protection.set_emergency_contact(actor=bob, name="Ana", email="ana@example.org")
    task = make_task()
    work_actions.take_task(actor=bob, task_id=task.pk)
    work_actions.start_task(actor=bob, task_id=task.pk)
    phone_page.context.grant_permissions(["geolocation"])
    phone_page.context.set_geolocation(HERE)
    _log_in(phone_page, live_server.url, "bob")
    phone_page.goto(f"{live_server.url}{prefix}/tasks/{task.pk}/")
    expect(phone_page.get_by_test_id("task-help")).to_be_visible()
    phone_page.get_by_test_id("sos").click()
    expect(phone_page.get_by_test_id("sos-sent")).to_have_text(told)
    phone_page.screenshot(path=str(artifacts / f"sos-phone-{language}.png"), full_page=True)
    call = SosCall.objects.get()
    assert (call.worker_id, call.task_id, call.contact_told) == (bob.pk, task.pk, True)
    assert unseal(bob.pk, call.sealed_position) == "52.516300,13.377700"
    assert {a for m in mail.outbox for a in m.to} >= {"ana@example.org"}
    assert all("mlat=52.516300&mlon=13.377700" in m.body for m in mail.outbox)
