"""The access gate: every category × every kind of reader, allowed or refused as the
bylaws and consents say, with a log entry for every allowed read by someone else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from commonwork.core import clock
from commonwork.vault import access_log, actions, gate
from commonwork.vault.errors import VaultError
from commonwork.vault.models import AccessLogEntry
from commonwork.vault.registry import CATEGORIES, PURPOSES
from commonwork.work import actions as work_actions

ALL = set(CATEGORIES)
# What each reader may read of a worker's data, written from the issue, not the registry.
EXPECTED: dict[str, set[str]] = {
    "self": ALL,
    "another member": set(),
    "steward": {
        "identity",
        "earnings",
        "tasks",
        "disputes",
        "claims",
        "availability",
        "delivery_proofs",
    },
    "client with an active task": {"identity", "location", "delivery_proofs"},
    "client without an active task": set(),
    "anonymous": set(),
    "another member's API token": set(),
    "job with a declared purpose": {
        "platform_imports",
        "location",
        "availability",
        "tasks",
        "earnings",
        "identity",
        "claims",
        "equity",
        "delivery_proofs",
    },
    "job without a declared purpose": set(),
}


def _person_can_read(
    reader: Any, subject: Any, category: str, *, via_token: bool, task_id: int | None = None
) -> bool:
    """Whether any purpose lets this person read (trying each, as a page would its own);
    every refusal is a "forbidden"."""
    codes: set[str] = set()
    for purpose in PURPOSES:
        try:
            gate.read(
                actor=reader,
                subject_id=subject.pk,
                category=category,
                purpose=purpose,
                via_token=via_token,
                task_id=task_id,
            )
        except VaultError as refused:
            codes.add(refused.code)
            continue
        return True
    assert codes == {"forbidden"}
    return False


def _job_can_read(subject: Any, category: str, purpose: str) -> bool:
    try:
        gate.job_reads(
            job="a-job", purpose=purpose, subject_ids=[subject.pk], categories=[category]
        )
    except VaultError:
        return False
    return True


@pytest.fixture
def in_progress(bob: Any, make_task: Any) -> Any:
    task = make_task()
    work_actions.take_task(actor=bob, task_id=task.pk)
    work_actions.start_task(actor=bob, task_id=task.pk)
    return task


@pytest.mark.parametrize("category", sorted(ALL))
@pytest.mark.parametrize("reader", sorted(EXPECTED))
def test_every_reader_and_category(
    reader: str,
    category: str,
    alice: Any,
    bob: Any,
    carol: Any,
    dan: Any,
    make_member: Any,
    in_progress: Any,
) -> None:
    from django.contrib.auth.models import AnonymousUser

    before = AccessLogEntry.objects.filter(subject=bob).count()
    if reader == "self":
        allowed = _person_can_read(bob, bob, category, via_token=False)
    elif reader == "another member":
        allowed = _person_can_read(carol, bob, category, via_token=False)
    elif reader == "steward":
        allowed = _person_can_read(alice, bob, category, via_token=False)
    elif reader == "client with an active task":
        allowed = _person_can_read(dan, bob, category, via_token=False, task_id=in_progress.pk)
    elif reader == "client without an active task":
        allowed = _person_can_read(make_member("eve", "client"), bob, category, via_token=False)
    elif reader == "anonymous":
        allowed = _person_can_read(AnonymousUser(), bob, category, via_token=False)
    elif reader == "another member's API token":
        allowed = _person_can_read(carol, bob, category, via_token=True)
    elif reader == "job with a declared purpose":
        allowed = any(
            _job_can_read(bob, category, key) for key, p in PURPOSES.items() if p.reader == "job"
        )
    else:
        allowed = _job_can_read(bob, category, "marketing")
    assert allowed == (category in EXPECTED[reader])
    logged = AccessLogEntry.objects.filter(subject=bob).count() - before
    assert logged == (1 if allowed and reader != "self" else 0)
    assert access_log.verify(bob.pk) == []


def test_a_client_never_sees_the_location_once_the_task_is_delivered(
    bob: Any, dan: Any, in_progress: Any
) -> None:
    read = {"actor": dan, "subject_id": bob.pk, "purpose": "active_task", "task_id": in_progress.pk}
    gate.read(category="location", **read)
    work_actions.deliver_task(actor=bob, task_id=in_progress.pk)
    with pytest.raises(VaultError):
        gate.read(category="location", **read)
    gate.read(category="identity", **read)
    work_actions.complete_task(actor=dan, task_id=in_progress.pk)
    with pytest.raises(VaultError):  # and never history
        gate.read(category="identity", **read)


def test_a_consent_allows_its_categories_until_revoked_and_the_next_read_is_refused(
    bob: Any, carol: Any
) -> None:
    grant = actions.grant_consent(
        actor=bob,
        recipient_id=carol.pk,
        categories=["earnings"],
        purpose="A study of pay in delivery co-ops.",
        valid_days=30,
        retention_days=365,
        jurisdiction="EU",
    )
    basis = gate.read(actor=carol, subject_id=bob.pk, category="earnings", purpose="research")
    assert basis == f"consent:{grant.record_id}"
    with pytest.raises(VaultError):
        gate.read(actor=carol, subject_id=bob.pk, category="location", purpose="research")
    actions.revoke_consent(actor=bob, record_id=str(grant.record_id))
    with pytest.raises(VaultError):
        gate.read(actor=carol, subject_id=bob.pk, category="earnings", purpose="research")
    entry = AccessLogEntry.objects.get(subject=bob)
    assert (entry.actor_id, entry.category, entry.basis) == (carol.pk, "earnings", basis)


def test_an_expired_consent_allows_nothing(bob: Any, carol: Any) -> None:
    grant = actions.grant_consent(
        actor=bob,
        recipient_id=carol.pk,
        categories=["tasks"],
        purpose="Help me plan my week.",
        valid_days=1,
        retention_days=0,
        jurisdiction="EU",
    )
    with clock.set_to(grant.valid_until + dt.timedelta(seconds=1)), pytest.raises(VaultError):
        gate.read(actor=carol, subject_id=bob.pk, category="tasks", purpose="planning")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"categories": ["shoe_size"]}, "invalid"),
        ({"categories": []}, "invalid"),
        ({"valid_days": 0}, "invalid"),
        ({"purpose": "  "}, "invalid"),
        ({"jurisdiction": ""}, "invalid"),
        ({"recipient_id": 0}, "not_found"),
    ],
)
def test_bad_consent_requests_are_refused(
    bob: Any, carol: Any, change: dict[str, Any], code: str
) -> None:
    from commonwork.core.errors import DomainError
    from commonwork.vault.models import ConsentGrant

    request: dict[str, Any] = {
        "recipient_id": carol.pk,
        "categories": ["earnings"],
        "purpose": "Research.",
        "valid_days": 30,
        "retention_days": 30,
        "jurisdiction": "EU",
        **change,
    }
    with pytest.raises(DomainError) as refused:
        actions.grant_consent(actor=bob, **request)
    assert refused.value.code == code
    assert not ConsentGrant.objects.exists()


def test_revoking_twice_or_another_members_consent_is_refused(bob: Any, carol: Any) -> None:
    from commonwork.core.errors import DomainError

    grant = actions.grant_consent(
        actor=bob,
        recipient_id=carol.pk,
        categories=["earnings"],
        purpose="Research.",
        valid_days=30,
        retention_days=30,
        jurisdiction="EU",
    )
    with pytest.raises(DomainError) as not_hers:
        actions.revoke_consent(actor=carol, record_id=str(grant.record_id))
    assert not_hers.value.code == "not_found"
    actions.revoke_consent(actor=bob, record_id=str(grant.record_id))
    with pytest.raises(VaultError) as twice:
        actions.revoke_consent(actor=bob, record_id=str(grant.record_id))
    assert twice.value.code == "conflict"


def test_consent_records_carry_the_iso_27560_fields(bob: Any, carol: Any) -> None:
    import json

    grant = actions.grant_consent(
        actor=bob,
        recipient_id=carol.pk,
        categories=["earnings", "tasks"],
        purpose="Research.",
        valid_days=30,
        retention_days=90,
        jurisdiction="EU",
    )
    record = json.loads(json.dumps(actions.consent_record(grant)))
    for field in (
        "record_id",
        "data_subject",
        "data_controller",
        "purpose",
        "personal_data_categories",
        "recipient",
        "retention_period_days",
        "valid_from",
        "valid_until",
        "jurisdiction",
        "withdrawal_method",
        "created_at",
    ):
        assert record[field] not in (None, "", []), field
    assert record["state"] == "given"


def test_tampering_with_the_access_log_is_detected(bob: Any) -> None:
    gate.job_reads(
        job="dispatch", purpose="dispatch", subject_ids=[bob.pk], categories=["location", "tasks"]
    )
    assert access_log.verify(bob.pk) == []
    first = AccessLogEntry.objects.get(subject=bob, seq=1)
    AccessLogEntry.objects.filter(pk=first.pk).update(actor_label="nobody")
    problems = access_log.verify(bob.pk)
    assert "entry 1 was altered" in problems
    AccessLogEntry.objects.filter(pk=first.pk).update(actor_label="dispatch")
    assert access_log.verify(bob.pk) == []
    AccessLogEntry.objects.filter(subject=bob, seq=2).delete()
    assert access_log.verify(bob.pk) == ["the log's newest entries were removed"]


def test_a_job_logs_once_an_hour_not_every_round(bob: Any) -> None:
    for _ in range(3):
        gate.job_reads(
            job="dispatch", purpose="dispatch", subject_ids=[bob.pk], categories=["location"]
        )
    assert AccessLogEntry.objects.filter(subject=bob).count() == 1
    with clock.set_to(clock.now() + dt.timedelta(hours=1, seconds=1)):
        gate.job_reads(
            job="dispatch", purpose="dispatch", subject_ids=[bob.pk], categories=["location"]
        )
    assert AccessLogEntry.objects.filter(subject=bob).count() == 2


def test_an_unknown_category_is_a_clear_error(bob: Any, carol: Any) -> None:
    with pytest.raises(VaultError) as unknown:
        gate.read(actor=carol, subject_id=bob.pk, category="shoe_size", purpose="dispatch")
    assert unknown.value.code == "invalid"
