"""What the proposal actions share: the reminder's timing and the proposal's row lock."""

from __future__ import annotations

from datetime import timedelta

from commonwork.core.errors import NotFound
from commonwork.governance.models import Proposal

REMIND_BEFORE = timedelta(hours=24)


def _lock(proposal_id: int) -> Proposal:
    proposal = Proposal.objects.select_for_update().filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound("Proposal", field="proposal_id")
    return proposal
