"""Erasure: a member who has left destroys their personal data.

In one transaction: their data key is destroyed (so whatever was sealed with it, here or
in any backup, is unreadable), what can be deleted is deleted, and what the law makes the
co-op keep — the books, statements, the audit log, governance records — stays under a
pseudonym: the user row keeps its id (so every posting still balances) but loses its
name, address and password. See docs/vault.md for the table of what happens to what.
"""

from __future__ import annotations

import dataclasses
import secrets

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.members.models import (
    Application,
    Membership,
    MembershipStatus,
    User,
)
from commonwork.vault import keys
from commonwork.vault.errors import VaultError
from commonwork.vault.models import (
    AccessLogEntry,
    AccessLogHead,
    ConsentGrant,
    DataExport,
    SealedContact,
)

ERASED = "[erased]"
ERASED_PREFIX = "erased-"


def is_erased(user: User) -> bool:
    return user.username.startswith(ERASED_PREFIX) and not user.is_active


@transaction.atomic
def erase_member(*, actor: User) -> User:
    """Erase the actor's personal data. Refused while they are a member (the co-op needs
    it to pay them and count their vote: leave first) or have work in hand."""
    from commonwork.governance.models import Comment, Proposal
    from commonwork.ledger.models import PayoutAccount, PayoutLine
    from commonwork.work.lifecycle import TaskStatus
    from commonwork.work.models import (
        Dispute,
        LocationPing,
        Task,
        WorkerPreferences,
    )

    user = User.objects.select_for_update().get(pk=actor.pk)
    if is_erased(user):
        raise VaultError("conflict", "Your data has already been erased.")
    membership = Membership.objects.select_for_update().filter(user=user).first()
    if membership is not None and membership.status in (
        MembershipStatus.ACTIVE,
        MembershipStatus.SUSPENDED,
    ):
        raise VaultError(
            "illegal_transition",
            "Leave the co-op before erasing your data: while you are a member, the co-op "
            "needs it to pay you and to count your vote.",
        )
    in_hand = (TaskStatus.OFFERED, TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS)
    if Task.objects.filter(worker=user, status__in=in_hand).exists():
        raise VaultError("conflict", "Finish or release your tasks in hand first.")

    pk = user.pk
    keys.destroy(pk)
    LocationPing.objects.filter(worker_id=pk).delete()
    SealedContact.objects.filter(user_id=pk).delete()
    WorkerPreferences.objects.filter(worker_id=pk).delete()
    PayoutAccount.objects.filter(member_id=pk).delete()
    DataExport.objects.filter(member_id=pk).delete()
    ConsentGrant.objects.filter(subject_id=pk).delete()
    ConsentGrant.objects.filter(recipient_id=pk).delete()
    AccessLogEntry.objects.filter(subject_id=pk).delete()
    AccessLogHead.objects.filter(subject_id=pk).delete()
    user.api_tokens.all().delete()
    # Kept for the books and the record, without what identifies the person.
    PayoutLine.objects.filter(member_id=pk).update(holder=ERASED, iban="ERASED", bic="")
    Application.objects.filter(applicant_id=pk).update(motivation=ERASED, skills=[])
    Comment.objects.filter(author_id=pk).update(body=ERASED)
    Dispute.objects.filter(opened_by_id=pk).update(reason=ERASED)
    if membership is not None:
        membership.skills = []
        membership.save(update_fields=["skills"])
    for proposal in Proposal.objects.filter(kind="election"):
        if all(option["key"] != str(pk) for option in proposal.options):
            continue
        proposal.options = [
            {**option, "label": ERASED} if option["key"] == str(pk) else option
            for option in proposal.options
        ]
        proposal.save(update_fields=["options"])
    redacted = _redact_dispatch_rounds(pk)
    user.username = f"{ERASED_PREFIX}{secrets.token_hex(6)}"
    user.display_name = ""
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    audit.record(
        actor=None,
        action="member.erased",
        obj=user,
        data={"dispatch_rounds_redacted": redacted, "at": clock.now().isoformat()},
    )
    return user


def _redact_dispatch_rounds(worker_id: int) -> int:
    """Remove the worker's position from every stored round they were in. The round can
    no longer be replayed to the same digest; `dispatch_replay` says it was redacted."""
    from commonwork.dispatch import solver
    from commonwork.dispatch.models import DispatchDecision, DispatchRound

    round_ids = set(
        DispatchDecision.objects.filter(worker_id=worker_id).values_list("round_id", flat=True)
    )
    for dispatch_round in DispatchRound.objects.filter(pk__in=round_ids):
        round_input = solver.decode_round(bytes(dispatch_round.input_snapshot))
        workers = tuple(
            dataclasses.replace(w, x_km=None, y_km=None, areas=None) if w.id == worker_id else w
            for w in round_input.workers
        )
        dispatch_round.input_snapshot = solver.encode_round(
            dataclasses.replace(round_input, workers=workers)
        )
        dispatch_round.redacted = True
        dispatch_round.save(update_fields=["input_snapshot", "redacted"])
    DispatchDecision.objects.filter(worker_id=worker_id).update(data={})
    return len(round_ids)
