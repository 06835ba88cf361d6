"""The access gate: the one door through which anyone other than a member reads that
member's personal data (DESIGN.md §5.7).

The rule is `vault.policy.decide`, a pure function. This module is the thin database side
around it: it works out once what kind of reader the actor is, loads the facts for every
member read at once (live consents, a client's tasks) in one query each, and appends one
batch to the access logs for everything it allowed. A refusal of any member refuses the
whole read and logs nothing. A member reading their own data passes without a log entry
(it is theirs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import Q

from commonwork.core import clock
from commonwork.vault import access_log, providers
from commonwork.vault.actions.access_log import append_batch
from commonwork.vault.errors import VaultError
from commonwork.vault.models import AccessLogEntry, ConsentGrant
from commonwork.vault.policy import SELF_BASIS, ClientTaskFacts, LiveConsent, decide
from commonwork.vault.providers import Reader
from commonwork.vault.registry import CATEGORIES, CONSENT_PURPOSES, ActorKind, purpose_covers


def actor_kind(actor: Reader | None, subject_id: int, *, via_token: bool = False) -> ActorKind:
    """What kind of reader `actor` is for this member's data."""
    if actor is None or not actor.is_authenticated:
        return "anonymous"
    if actor.pk == subject_id:
        return "self"
    if via_token:
        return "token"
    return providers.directory().reader_kind(actor)


def live_consents(recipient_id: int, subject_ids: Iterable[int]) -> dict[int, list[LiveConsent]]:
    """The consents valid now that these members gave the reader, oldest first, by member."""
    now = clock.now()
    by_subject: dict[int, list[LiveConsent]] = defaultdict(list)
    for subject_id, record_id, categories in (
        ConsentGrant.objects.filter(
            Q(revoked_at__isnull=True),
            subject_id__in=list(subject_ids),
            recipient_id=recipient_id,
            valid_from__lte=now,
            valid_until__gt=now,
        )
        .order_by("id")
        .values_list("subject_id", "record_id", "categories")
    ):
        by_subject[subject_id].append(LiveConsent(str(record_id), frozenset(categories)))
    return by_subject


def read(
    *,
    actor: Reader,
    subject_id: int,
    category: str,
    purpose: str,
    via_token: bool = False,
    task_id: int | None = None,
) -> str:
    """Allow and log one read by a person, or refuse it. Returns the basis. A client's
    read names the task it is for: the bylaws let a client read about the worker on that
    task while that task is in hand, not on the strength of another."""
    return read_many(
        actor=actor,
        subject_ids=[subject_id],
        category=category,
        purpose=purpose,
        via_token=via_token,
        task_id=task_id,
    )[subject_id]


@transaction.atomic
def read_many(
    *,
    actor: Reader,
    subject_ids: Iterable[int],
    category: str,
    purpose: str,
    via_token: bool = False,
    task_id: int | None = None,
) -> dict[int, str]:
    """Allow and log one person's read of several members' data (a list page), or refuse
    it all: each member's basis, by member."""
    _known(category)
    subjects = sorted(set(subject_ids))
    if not subjects:
        return {}
    # The reader's kind is the same for every member but themself.
    others = actor_kind(actor, 0, via_token=via_token)
    own_id = actor.pk if actor.is_authenticated else None
    others_ids = [s for s in subjects if s != own_id]
    consents: dict[int, list[LiveConsent]] = {}
    task_facts: dict[int, ClientTaskFacts] = {}
    if others_ids and others != "anonymous" and own_id is not None:
        if not purpose_covers(purpose, others, category) or others == "client":
            consents = live_consents(own_id, others_ids)
        if others == "client" and purpose_covers(purpose, others, category):
            task_facts = providers.client_facts(own_id, others_ids, task_id)
    bases: dict[int, str] = {}
    for subject_id in subjects:
        decision = decide(
            reader="self" if subject_id == own_id else others,
            category=category,
            purpose=purpose,
            consents=consents.get(subject_id, ()),
            client_facts=task_facts.get(subject_id),
        )
        if not decision.allowed:
            raise VaultError(
                "forbidden",
                "Nothing in the bylaws or in this member's consents lets you read their "
                "{category} for this purpose.",
                params={"category": category},
            )
        bases[subject_id] = decision.basis
    actor_id = own_id if others != "anonymous" else None
    label = actor.get_username() if actor.is_authenticated else "anonymous"
    logged = {s: b for s, b in bases.items() if b != SELF_BASIS}  # own reads leave none
    # One page view reads the same member's data several times (a list, a panel, a
    # detail): within a few minutes the same reader, data, purpose and basis say nothing
    # new to the member, and are logged once.
    repeated = (
        set(
            AccessLogEntry.objects.filter(
                subject_id__in=logged,
                actor_id=actor_id,
                actor_label=label,
                category=category,
                purpose=purpose,
                at__gt=clock.now() - PERSON_LOG_EVERY,
            ).values_list("subject_id", "basis")
        )
        if logged
        else set()
    )
    append_batch(
        {
            subject_id: [access_log.Read(actor_id, label, others, category, purpose, basis)]
            for subject_id, basis in logged.items()
            if (subject_id, basis) not in repeated
        }
    )
    return bases


# The same person's repeated reads of the same data for the same purpose within this time
# are one read to the member (a page view reads a member's data in several places).
PERSON_LOG_EVERY = timedelta(minutes=10)


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
        if not decide(reader="job", category=key, purpose=purpose).allowed:
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
    batch = {
        subject_id: [
            access_log.Read(None, job, "job", key, purpose, basis)
            for key in wanted
            if (subject_id, key) not in recent
        ]
        for subject_id in subjects
    }
    append_batch({s: reads for s, reads in batch.items() if reads})


def peer_reads(*, peer: str, subject_id: int, categories: Iterable[str], purpose: str) -> None:
    """A linked co-op receives this member's data for work it does for them (federation:
    what the task needs, no more). The stewards linked with it under the bylaws; each
    sending is logged to the member as a read by that co-op."""
    wanted = list(categories)
    for key in wanted:
        _known(key)
    append_batch(
        {
            subject_id: [
                access_log.Read(None, peer, "peer", key, purpose, "bylaws:federation")
                for key in wanted
            ]
        }
    )


def consented_reads(*, purpose: str) -> list[int]:
    """The members whose consent to this purpose of the co-op's lives now; the purpose's
    job reads their categories under it, logged per member and category (at most once an
    hour, as for any job). Whoever revoked is not in the list, so is not read."""
    spec = CONSENT_PURPOSES[purpose]
    now = clock.now()
    consents: dict[int, list[LiveConsent]] = defaultdict(list)
    for subject_id, record_id, categories in (
        ConsentGrant.objects.filter(
            purpose_key=purpose,
            recipient__isnull=True,
            revoked_at__isnull=True,
            valid_from__lte=now,
            valid_until__gt=now,
        )
        .order_by("id")
        .values_list("subject_id", "record_id", "categories")
    ):
        consents[subject_id].append(LiveConsent(str(record_id), frozenset(categories), purpose))
    subjects = sorted(consents)
    recent = set(
        AccessLogEntry.objects.filter(
            subject_id__in=subjects,
            actor_kind="job",
            actor_label=spec.job,
            purpose=purpose,
            at__gt=now - JOB_LOG_EVERY,
        ).values_list("subject_id", "category")
    )
    allowed: list[int] = []
    batch: dict[int, list[access_log.Read]] = {}
    for subject_id in subjects:
        decisions = {
            key: decide(reader="job", category=key, purpose=purpose, consents=consents[subject_id])
            for key in sorted(spec.categories)
        }
        if not all(d.allowed for d in decisions.values()):
            continue
        allowed.append(subject_id)
        batch[subject_id] = [
            access_log.Read(None, spec.job, "job", key, purpose, d.basis)
            for key, d in decisions.items()
            if (subject_id, key) not in recent
        ]
    append_batch({s: reads for s, reads in batch.items() if reads})
    return allowed


def _known(key: str) -> None:
    if key not in CATEGORIES:
        raise VaultError(
            "invalid", "There is no data category {category}.", params={"category": key}
        )
