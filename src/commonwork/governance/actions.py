"""Changing a governed parameter. Until proposals land (the governance issue), a steward
does it under the bylaws with a stated reason; every change is audited and kept."""

from __future__ import annotations

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.core.errors import DomainError
from commonwork.governance.models import ParameterSource, ParameterValue
from commonwork.governance.parameters import read_parameter
from commonwork.governance.registry import ParameterError, format_value, spec_of
from commonwork.members.models import Role, User
from commonwork.members.selectors import require_role


class GovernanceError(DomainError):
    """A refused governance operation."""


@transaction.atomic
def set_parameter(*, actor: User, name: str, value: str, reason: str) -> ParameterValue:
    require_role(actor, Role.STEWARD)
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
