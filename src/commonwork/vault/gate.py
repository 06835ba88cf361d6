"""The access gate: the one door through which anyone other than a member reads that
member's personal data (DESIGN.md §5.7).

`read(actor, subject, category, purpose)` allows a read when a purpose written into the
bylaws covers it (vault.registry.PURPOSES, with its condition checked here) or when the
member has given the reader a live consent grant; it logs every allowed read to the
member's access log and refuses everything else with a clear error. A member reading
their own data passes without a log entry (it is theirs).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from commonwork.core import clock
from commonwork.vault import access_log
from commonwork.vault.errors import VaultError
from commonwork.vault.models import AccessLogEntry, ConsentGrant
from commonwork.vault.registry import ActorKind, UnknownCategoryError, category, purpose_covers

SELF_BASIS = "self"


def actor_kind(actor: Any, subject_id: int, *, via_token: bool = False) -> ActorKind:
    """What kind of reader `actor` is for this member's data."""
    from commonwork.members.models import Role
    from commonwork.members.selectors import active_membership, holds_role

    if actor is None or not getattr(actor, "is_authenticated", False):
        return "anonymous"
    if actor.pk == subject_id:
        return "self"
    if via_token:
        return "token"
    membership = active_membership(actor)
    if membership is None:
        return "anonymous"
    if holds_role(membership, Role.STEWARD):
        return "steward"
    if membership.role == Role.CLIENT:
        return "client"
    return "member"


def _client_condition_met(actor_id: int, subject_id: int, category_key: str) -> bool:
    """A client reads only about the worker on an active task of theirs: the name while
    the task is accepted, in progress or delivered; the location only while a located
    task is in progress."""
    from commonwork.work.lifecycle import TaskStatus
    from commonwork.work.models import Task

    tasks = Task.objects.filter(project__client_id=actor_id, worker_id=subject_id)
    if category_key == "location":
        return tasks.filter(status=TaskStatus.IN_PROGRESS, kind="located").exists()
    active = (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.DELIVERED)
    return tasks.filter(status__in=active).exists()


def live_consent(recipient_id: int, subject_id: int, category_key: str) -> ConsentGrant | None:
    now = clock.now()
    for grant in ConsentGrant.objects.filter(
        Q(revoked_at__isnull=True),
        subject_id=subject_id,
        recipient_id=recipient_id,
        valid_from__lte=now,
        valid_until__gt=now,
    ).order_by("id"):
        if category_key in grant.categories:
            return grant
    return None


def basis_for(
    kind: ActorKind, actor_id: int | None, subject_id: int, category_key: str, purpose: str
) -> str | None:
    """Why this read is allowed ("self", "bylaws:<purpose>" or "consent:<record id>"),
    or None when nothing allows it."""
    if kind == "self":
        return SELF_BASIS
    if purpose_covers(purpose, kind, category_key) and (
        kind != "client" or _client_condition_met(actor_id or 0, subject_id, category_key)
    ):
        return f"bylaws:{purpose}"
    if actor_id is not None and kind in ("member", "steward", "client", "token"):
        grant = live_consent(actor_id, subject_id, category_key)
        if grant is not None:
            return f"consent:{grant.record_id}"
    return None


def read(
    *, actor: Any, subject_id: int, category: str, purpose: str, via_token: bool = False
) -> str:
    """Allow and log one read by a person, or refuse it. Returns the basis."""
    return read_many(
        actor=actor,
        subject_ids=[subject_id],
        category=category,
        purpose=purpose,
        via_token=via_token,
    )[subject_id]


@transaction.atomic
def read_many(
    *,
    actor: Any,
    subject_ids: Iterable[int],
    category: str,
    purpose: str,
    via_token: bool = False,
) -> dict[int, str]:
    """Allow and log one person's read of several members' data (a list page), or refuse
    it all: each member's basis, by member. Who the reader is is worked out once."""
    _known(category)
    subjects = sorted(set(subject_ids))
    # The reader's kind is the same for every member but themself.
    others = actor_kind(actor, 0, via_token=via_token)
    own_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    actor_id = actor.pk if others != "anonymous" else None
    label = getattr(actor, "username", "") or "anonymous"
    bases: dict[int, str] = {}
    for subject_id in subjects:
        kind: ActorKind = "self" if subject_id == own_id else others
        basis = basis_for(kind, actor_id, subject_id, category, purpose)
        if basis is None:
            raise VaultError(
                "forbidden",
                "Nothing in the bylaws or in this member's consents lets you read their "
                "{category} for this purpose.",
                params={"category": category},
            )
        bases[subject_id] = basis
    for subject_id, basis in bases.items():
        if basis != SELF_BASIS:  # a member reading their own data leaves no entry
            read = access_log.Read(actor_id, label, others, category, purpose, basis)
            access_log.append(subject_id, [read])
    return bases


# A job that reads every few seconds (dispatch) would write thousands of identical lines a
# day; one line per job, purpose and category per hour says the same to the member.
JOB_LOG_EVERY = timedelta(hours=1)


def job_reads(
    *, job: str, purpose: str, subject_ids: Iterable[int], categories: Iterable[str]
) -> None:
    """A background job (dispatch, payroll...) reads these members' data: allowed only
    under a bylaw purpose for jobs. Logged per member and category, at most once an hour
    for the same job and purpose."""
    wanted = list(categories)
    for key in wanted:
        _known(key)
        if not purpose_covers(purpose, "job", key):
            raise VaultError(
                "forbidden",
                "No purpose in the bylaws lets the job {job} read {category}.",
                params={"job": job, "category": key},
            )
    subjects = sorted(set(subject_ids))
    recent = set(
        AccessLogEntry.objects.filter(
            subject_id__in=subjects,
            actor_kind="job",
            actor_label=job,
            purpose=purpose,
            at__gt=clock.now() - JOB_LOG_EVERY,
        ).values_list("subject_id", "category")
    )
    basis = f"bylaws:{purpose}"
    for subject_id in subjects:
        reads = [
            access_log.Read(None, job, "job", key, purpose, basis)
            for key in wanted
            if (subject_id, key) not in recent
        ]
        if reads:
            access_log.append(subject_id, reads)


def _known(key: str) -> None:
    try:
        category(key)
    except UnknownCategoryError as exc:
        raise VaultError(
            "invalid", "There is no data category {category}.", params={"category": key}
        ) from exc
