"""Delegating one's vote on a kind of proposal to another member, and taking it back."""

from __future__ import annotations

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.core.errors import NotFound
from commonwork.governance.errors import GovernanceError
from commonwork.governance.models import (
    Delegation,
    ProposalKind,
)
from commonwork.members.models import (
    Membership,
    MembershipStatus,
    User,
)
from commonwork.members.selectors import require_role


@transaction.atomic
def delegate_votes(*, actor: User, delegate_id: int, kind: str) -> Delegation:
    """Entrust one's vote on a kind of proposal to another member, replacing any earlier
    delegation of that kind. A direct vote still overrides it."""
    require_role(actor)
    if kind not in ProposalKind.values:
        raise GovernanceError("invalid", "There is no such kind of proposal.", field="kind")
    if delegate_id == actor.pk:
        raise GovernanceError("invalid", "You cannot delegate to yourself.", field="delegate")
    if not Membership.objects.filter(user_id=delegate_id, status=MembershipStatus.ACTIVE).exists():
        raise NotFound("Member", field="delegate")
    _end_delegation(actor, kind)
    delegation = Delegation.objects.create(
        delegator=actor, delegate_id=delegate_id, kind=kind, created_at=clock.now()
    )
    audit.record(
        actor=actor,
        action="delegation.given",
        obj=delegation,
        data={"delegate": delegate_id, "kind": kind},
    )
    return delegation


def _end_delegation(actor: User, kind: str) -> Delegation | None:
    live = (
        Delegation.objects.select_for_update()
        .filter(delegator=actor, kind=kind, revoked_at__isnull=True)
        .first()
    )
    if live is not None:
        live.revoked_at = clock.now()
        live.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="delegation.revoked", obj=live, data={"kind": kind})
    return live


@transaction.atomic
def revoke_delegation(*, actor: User, kind: str) -> Delegation:
    """Take one's vote back, at once."""
    require_role(actor)
    ended = _end_delegation(actor, kind)
    if ended is None:
        raise GovernanceError("conflict", "You have not delegated this kind of vote.")
    return ended
