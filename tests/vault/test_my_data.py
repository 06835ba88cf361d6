"""The member's own data: the pages, the export zip, retention, and dispatch's reads
showing up in the worker's access log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any

from django.test import Client

from commonwork.core import clock
from commonwork.vault.actions.retention import expire_all
from commonwork.vault.export import SCHEMA_VERSION, build_export
from commonwork.vault.location import point
from commonwork.vault.models import AccessLogEntry, ConsentGrant, DataExport, ExportStatus
from commonwork.vault.registry import CATEGORIES
from commonwork.work import actions as work_actions
from commonwork.work.models import LocationPing


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_dispatch_reading_a_location_shows_in_the_workers_log_with_the_bylaw(
    bob: Any, open_task: Any
) -> None:
    from commonwork.dispatch.actions import run_round

    work_actions.set_availability(actor=bob, available=True)
    work_actions.report_location(actor=bob, lat=52.5210, lon=13.4060)
    run_round()
    entry = AccessLogEntry.objects.get(subject=bob, category="location")
    assert (entry.actor_label, entry.actor_kind, entry.basis) == (
        "dispatch",
        "job",
        "bylaws:dispatch",
    )
    page = _client(bob).get("/my-data/").content.decode()
    assert "Dispatch reads a worker&#x27;s current location" in page
    zh = _client(bob).get("/zh-hans/my-data/").content.decode()
    assert "谁读取了我的数据" in zh


def test_the_export_holds_every_category_as_json_and_csv_with_a_readme(
    bob: Any, carol: Any, complete_task: Any
) -> None:
    from tests.ledger.conftest import FOUNDED, at

    complete_task(bob, start=at(FOUNDED, 10))
    archive = zipfile.ZipFile(io.BytesIO(build_export(bob.pk)))
    names = set(archive.namelist())
    for key in CATEGORIES:
        assert {f"{key}.json", f"{key}.csv"} <= names
    assert {"README.md", "access_log.json", "access_log.csv"} <= names
    assert SCHEMA_VERSION in archive.read("README.md").decode()
    tasks = json.loads(archive.read("tasks.json"))
    assert [row["as"] for row in tasks] == ["worker"]
    earnings = list(csv.DictReader(io.StringIO(archive.read("earnings.csv").decode())))
    assert any(row["record"] == "posting" for row in earnings)
    identity = json.loads(archive.read("identity.json"))
    assert identity[0]["username"] == "bob"
    assert b"carol" not in archive.read("identity.json")


def test_an_export_is_prepared_in_the_background_and_only_its_owner_downloads_it(
    bob: Any, carol: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert _client(bob).post("/my-data/export/").status_code == 302
    export = DataExport.objects.get()
    assert export.status == ExportStatus.READY
    download = _client(bob).get(f"/my-data/exports/{export.pk}/")
    assert download["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(download.content)).testzip() is None
    assert _client(carol).get(f"/my-data/exports/{export.pk}/").status_code == 404
    assert b"download-export" in _client(bob).get("/my-data/exports/").content


def test_consent_is_given_and_revoked_from_the_page(bob: Any, carol: Any) -> None:
    client = _client(bob)
    form = {
        "recipient": "carol",
        "categories": ["earnings"],
        "purpose": "Carol's study of pay.",
        "valid_days": "30",
        "retention_days": "90",
        "jurisdiction": "EU",
    }
    assert client.post("/my-data/consents/", {**form, "recipient": "nobody"}).status_code == 404
    assert client.post("/my-data/consents/", {**form, "categories": ["x"]}).status_code == 400
    assert client.post("/my-data/consents/", form).status_code == 302
    grant = ConsentGrant.objects.get()
    assert b'data-testid="revoke-consent"' in client.get("/my-data/").content
    url = f"/my-data/consents/{grant.record_id}/revoke/"
    assert _client(carol).post(url).status_code == 404
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 409
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_the_public_inventory_says_there_is_no_surveillance_in_both_languages(db: Any) -> None:
    page = Client().get("/data/").content.decode()
    assert 'data-testid="no-surveillance"' in page
    assert page.count('data-testid="category"') == len(CATEGORIES)
    zh = Client().get("/zh-hans/data/").content.decode()
    assert "位置轨迹" in zh


def test_old_location_points_are_deleted_by_the_retention_job(bob: Any) -> None:
    from commonwork.governance.parameters import read_parameter

    work_actions.set_availability(actor=bob, available=True)
    days = int(read_parameter("location_retention_days"))
    with clock.set_to(clock.now() - dt.timedelta(days=days, minutes=1)):
        work_actions.report_location(actor=bob, lat=52.52, lon=13.40)
    work_actions.report_location(actor=bob, lat=52.53, lon=13.41)
    assert expire_all(clock.now()) == 1
    kept = LocationPing.objects.get()
    assert point(bob.pk, kept.sealed) == (52.53, 13.41)


def test_a_steward_reading_bank_details_and_statements_shows_in_the_members_log(
    alice: Any, bob: Any, complete_task: Any
) -> None:
    from commonwork.ledger.actions.payouts import prepare_payout_batch, set_payout_account
    from commonwork.ledger.actions.periods import close_period
    from commonwork.ledger.models import PayoutBatch, Statement
    from tests.ledger.conftest import FOUNDED, at
    from tests.ledger.test_periods import IBAN_BOB, WEEK_LATER

    # Four hours engaged for one task: the floor's top-up makes the co-op owe him money.
    with clock.set_to(at(FOUNDED, 9)):
        work_actions.set_availability(actor=bob, available=True)
    complete_task(bob, start=at(FOUNDED, 10))
    with clock.set_to(at(FOUNDED, 13)):
        work_actions.set_availability(actor=bob, available=False)
    set_payout_account(actor=bob, holder="Bob", iban=IBAN_BOB)
    with clock.set_to(at(WEEK_LATER, 1)):
        period = close_period(actor=alice)
        prepare_payout_batch(actor=alice, period_id=period.pk)
    batch = PayoutBatch.objects.get()
    steward = _client(alice)
    assert steward.get(f"/books/payouts/{batch.pk}.csv").status_code == 200
    reads = set(
        AccessLogEntry.objects.filter(subject=bob, actor=alice).values_list("category", "purpose")
    )
    assert reads == {("identity", "payout"), ("earnings", "payout")}
    statement = Statement.objects.get(member=bob)
    # Read again within minutes for the same purpose: the same read, logged once.
    assert steward.get(f"/money/statements/{statement.pk}/").status_code == 200
    assert AccessLogEntry.objects.filter(subject=bob, actor=alice).count() == 2
    # Later, it is a new read.
    with clock.set_to(clock.now() + dt.timedelta(minutes=11)):
        assert steward.get(f"/money/statements/{statement.pk}/").status_code == 200
    assert AccessLogEntry.objects.filter(subject=bob, actor=alice).count() == 3
    # Bob reading his own statement is not a read by someone else.
    assert _client(bob).get(f"/money/statements/{statement.pk}/").status_code == 200
    assert AccessLogEntry.objects.filter(subject=bob, actor=bob).count() == 0


def test_a_client_sees_the_workers_name_only_while_the_task_is_in_hand(
    bob: Any, dan: Any, make_task: Any
) -> None:
    task = make_task()
    work_actions.take_task(actor=bob, task_id=task.pk)
    page = _client(dan).get(f"/tasks/{task.pk}/").content.decode()
    assert 'data-testid="worker-name">Bob<' in page
    logged = AccessLogEntry.objects.get(subject=bob, actor=dan)
    assert (logged.category, logged.purpose) == ("identity", "active_task")
    work_actions.start_task(actor=bob, task_id=task.pk)
    work_actions.deliver_task(actor=bob, task_id=task.pk)
    work_actions.complete_task(actor=dan, task_id=task.pk)
    page = _client(dan).get(f"/tasks/{task.pk}/").content.decode()
    assert 'data-testid="worker-name">—<' in page  # history is not the client's to keep
    assert "Bob" not in page  # nor in the task's history
    assert "Bob" not in _client(dan).get("/client/").content.decode()


def test_the_steward_console_reads_members_and_applicants_through_the_gate(
    alice: Any, bob: Any, erin: Any
) -> None:
    from commonwork.members import actions as member_actions

    member_actions.submit_application(actor=erin, role="worker", motivation="I ride.", skills=[])
    assert _client(alice).get("/steward/").status_code == 200
    assert AccessLogEntry.objects.filter(subject=bob, actor=alice, purpose="membership").exists()
    assert AccessLogEntry.objects.filter(subject=erin, actor=alice, purpose="admission").exists()
    assert not AccessLogEntry.objects.filter(subject=alice).exists()  # her own row is hers


def test_a_consent_form_sent_twice_grants_once(bob: Any, carol: Any) -> None:
    form = {
        "key": "consent-form-1",
        "recipient": "carol",
        "categories": ["earnings"],
        "purpose": "A study.",
        "valid_days": "30",
        "retention_days": "90",
        "jurisdiction": "EU",
    }
    client = _client(bob)
    assert client.post("/my-data/consents/", form).status_code == 302
    assert client.post("/my-data/consents/", form).status_code == 302
    assert ConsentGrant.objects.count() == 1
    client.post("/my-data/export/", {"key": "export-1"})
    client.post("/my-data/export/", {"key": "export-1"})
    assert DataExport.objects.count() == 1


def test_the_task_history_api_hides_the_worker_from_the_client_afterwards(
    bob: Any, dan: Any, make_task: Any
) -> None:
    from commonwork.members.actions import create_api_token

    task = make_task()
    for step in (work_actions.take_task, work_actions.start_task, work_actions.deliver_task):
        step(actor=bob, task_id=task.pk)
    work_actions.complete_task(actor=dan, task_id=task.pk)
    _token, plain = create_api_token(actor=dan, name="history")
    history = (
        Client()
        .get(f"/api/v1/tasks/{task.pk}/history", headers={"Authorization": f"Bearer {plain}"})
        .json()
    )
    assert "Bob" not in {entry["actor"] for entry in history}
    assert "the worker" in {entry["actor"] for entry in history}


def test_the_access_log_on_my_data_is_paged(alice: Any, bob: Any) -> None:
    from commonwork.vault import access_log
    from commonwork.vault.actions.access_log import append_batch

    append_batch(
        {
            bob.pk: [
                access_log.Read(
                    alice.pk, "alice", "steward", "identity", "membership", f"bylaws:m{n}"
                )
                for n in range(60)
            ]
        }
    )
    client = _client(bob)
    first = client.get("/my-data/").content.decode()
    assert first.count('data-testid="access-entry"') == 25
    assert 'data-testid="reads-older"' in first
    last = client.get("/my-data/?reads=3").content.decode()
    assert last.count('data-testid="access-entry"') == 10
    assert 'data-testid="reads-older"' not in last
    assert client.get("/my-data/?reads=abc").status_code == 200
