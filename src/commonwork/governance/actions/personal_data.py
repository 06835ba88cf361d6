"""Governance's writes for erasure (run by the vault through governance.personal_data)."""

from __future__ import annotations

from commonwork.governance.models import Comment, Proposal, ProposalKind
from commonwork.vault.actions.erasure import ERASED


def erase_words(member_id: int) -> None:
    """The decisions stay as they were taken; the member's words and their name as a
    candidate go."""
    Comment.objects.filter(author_id=member_id).update(body=ERASED)
    key = str(member_id)
    for proposal in Proposal.objects.filter(kind=ProposalKind.ELECTION):
        if all(option["key"] != key for option in proposal.options):
            continue
        proposal.options = [
            {**option, "label": ERASED} if option["key"] == key else option
            for option in proposal.options
        ]
        proposal.save(update_fields=["options"])
