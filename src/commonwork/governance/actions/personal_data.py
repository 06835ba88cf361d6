"""Governance's writes for erasure (run by the vault through governance.personal_data)."""

from __future__ import annotations

from django.db.models import Q

from commonwork.core import audit
from commonwork.core.models import AuditEntry
from commonwork.governance.models import (
    Ballot,
    CandidateStatement,
    Comment,
    Proposal,
    ProposalKind,
)
from commonwork.vault.actions.erasure import ERASED


def erase_words(member_id: int) -> None:
    """The decisions stay as they were taken, with their counts; the member's words go,
    their name as a candidate, and the words of a decision about them (its title and
    reasons, the discussion under it)."""
    Comment.objects.filter(author_id=member_id).update(body=ERASED)
    Ballot.objects.filter(voter_id=member_id).exclude(reason="").update(reason=ERASED)
    CandidateStatement.objects.filter(candidate_id=member_id).update(body=ERASED)
    Proposal.objects.filter(author_id=member_id).exclude(outcome_statement="").update(
        outcome_statement=ERASED
    )
    about = Proposal.objects.filter(
        Q(subject_id=member_id) | Q(application__applicant_id=member_id)
    )
    about_ids = list(about.values_list("pk", flat=True))
    about.update(title=ERASED, body=ERASED)
    comments = Comment.objects.filter(proposal_id__in=about_ids)
    comment_ids = [str(pk) for pk in comments.values_list("pk", flat=True)]
    comments.update(body=ERASED)
    audit.redact_words(
        AuditEntry.objects.filter(
            audit.about("governance.proposal", about_ids)
            | audit.about("governance.comment", comment_ids)
        )
    )
    key = str(member_id)
    for proposal in Proposal.objects.filter(kind=ProposalKind.ELECTION):
        if all(option["key"] != key for option in proposal.options):
            continue
        proposal.options = [
            {**option, "label": ERASED} if option["key"] == key else option
            for option in proposal.options
        ]
        proposal.save(update_fields=["options"])
