"""Changing a governed parameter outside a vote: only the founders, before the co-op's
first general meeting (the first proposal the members decide); after that, every value
changes by a parameter-change proposal (governance.actions.effects)."""

from __future__ import annotations

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.governance.errors import GovernanceError
from commonwork.governance.models import ParameterSource, ParameterValue, Proposal
from commonwork.governance.parameters import read_parameter
from commonwork.governance.registry import ParameterError, format_value, spec_of
from commonwork.members.models import Role, User
from commonwork.members.selectors import require_role


@transaction.atomic
def set_parameter(*, actor: User, name: str, value: str, reason: str) -> ParameterValue:
    require_role(actor, Role.STEWARD)
    if Proposal.objects.filter(closed_at__isnull=False).exists():
        raise GovernanceError(
            "forbidden",
            "The members have met: a governed value now changes only by a proposal they vote on.",
            field="name",
        )
    if not reason.strip():
        raise GovernanceError("invalid", "Say why the value changes.", field="reason")
    try:
        spec = spec_of(name)
        parsed = spec.parse(value)
    except ParameterError as exc:
        raise GovernanceError("invalid", exc.template, field="value", params=exc.params) from exc
    previous = read_parameter(name)
    row = ParameterValue.objects.create(
        name=name,
        value=format_value(parsed),
        set_at=clock.now(),
        set_by=actor,
        source=ParameterSource.STEWARD,
        reason=reason.strip(),
    )
    audit.record(
        actor=actor,
        action="parameter.changed",
        obj=row,
        data={"name": name, "from": format_value(previous), "to": row.value, "reason": row.reason},
    )
    return row
