"""A member's own data through the JSON API."""

from __future__ import annotations

from typing import Any

from commonwork.vault import gate
from commonwork.vault.models import ConsentGrant


def test_consent_given_read_and_revoked_through_the_api(
    as_member: Any, bob: Any, carol: Any
) -> None:
    consent = {
        "recipient_id": carol.pk,
        "categories": ["earnings"],
        "purpose": "A study of pay.",
        "valid_days": 30,
        "retention_days": 90,
        "jurisdiction": "EU",
    }
    status, refused = as_member(bob).post(
        "/me/consents", {**consent, "categories": ["shoe_size"]}, key="c0"
    )
    assert (status, refused["field"]) == (400, "categories")
    status, record = as_member(bob).post("/me/consents", consent, key="c1")
    assert (status, record["state"], record["personal_data_categories"]) == (
        201,
        "given",
        ["earnings"],
    )
    assert as_member(bob).post("/me/consents", consent, key="c1")[0] == 201  # a retry
    assert ConsentGrant.objects.count() == 1
    gate.read(actor=carol, subject_id=bob.pk, category="earnings", purpose="study")
    status, log = as_member(bob).get("/me/access-log")
    assert (status, log[0]["actor"], log[0]["basis"]) == (
        200,
        "carol",
        f"consent:{record['record_id']}",
    )
    assert as_member(carol).call("DELETE", f"/me/consents/{record['record_id']}")[0] == 404
    status, revoked = as_member(bob).call("DELETE", f"/me/consents/{record['record_id']}")
    assert (status, revoked["state"]) == (200, "withdrawn")
    assert as_member(bob).call("DELETE", f"/me/consents/{record['record_id']}")[0] == 409


def test_an_export_through_the_api_belongs_to_its_member(
    as_member: Any, bob: Any, carol: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        status, export = as_member(bob).post("/me/exports", key="e1")
    assert status == 202
    status, ready = as_member(bob).get(f"/me/exports/{export['id']}")
    assert (status, ready["status"]) == (200, "ready")
    assert as_member(carol).get(f"/me/exports/{export['id']}")[0] == 404


def test_the_inventory_is_public_and_lists_no_surveillance_metrics(as_member: Any) -> None:
    status, inventory = as_member(None).get("/data/inventory")
    assert status == 200
    assert inventory["surveillance_metrics"] == []
    assert {c["key"] for c in inventory["categories"]} >= {"location", "earnings"}
