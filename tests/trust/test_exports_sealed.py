"""Issue 14, point 3: an export is sealed with its member's key, expires after the
governed number of days, and goes with the member's erasure."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from django.test import Client

from commonwork.core import clock
from commonwork.governance.parameters import read_parameter
from commonwork.members import actions as member_actions
from commonwork.members.models import MembershipStatus
from commonwork.vault import actions as vault_actions
from commonwork.vault.actions.retention import expire_all
from commonwork.vault.models import DataExport


def _export(member: Any, django_capture_on_commit_callbacks: Any) -> DataExport:
    with django_capture_on_commit_callbacks(execute=True):
        export = vault_actions.request_export(actor=member)
    return DataExport.objects.get(pk=export.pk)


def test_an_export_is_stored_sealed_and_downloads_open(
    bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    export = _export(bob, django_capture_on_commit_callbacks)
    stored = bytes(export.archive or b"")
    assert not stored.startswith(b"PK")  # not a readable zip in the database
    assert b"bob@example.org" not in stored
    client = Client()
    client.force_login(bob)
    response = client.get(f"/my-data/exports/{export.pk}/")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "identity.json" in names


def test_an_export_expires_after_the_governed_days(
    bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    export = _export(bob, django_capture_on_commit_callbacks)
    days = int(read_parameter("export_retention_days"))
    expire_all(clock.now() + dt.timedelta(days=days) - dt.timedelta(minutes=1))
    assert DataExport.objects.filter(pk=export.pk).exists()
    expire_all(clock.now() + dt.timedelta(days=days, minutes=1))
    assert not DataExport.objects.filter(pk=export.pk).exists()


def test_an_erased_members_exports_go_with_them(
    alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _export(bob, django_capture_on_commit_callbacks)
    member_actions.change_membership_status(
        actor=alice, membership_id=bob.membership.pk, status=MembershipStatus.LEFT, reason="Left."
    )
    vault_actions.erase_member(actor=bob)
    assert not DataExport.objects.filter(member=bob).exists()
