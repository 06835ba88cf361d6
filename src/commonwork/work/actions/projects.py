"""The co-op's tariff, and clients' projects whose purpose every worker can see."""

from __future__ import annotations

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.core.errors import NotFound
from commonwork.members.models import Role, User
from commonwork.members.selectors import require_role
from commonwork.work.actions._shared import MAX_RATE_MINOR
from commonwork.work.errors import WorkError
from commonwork.work.models import (
    Project,
    Tariff,
)

# --- tariff and projects -------------------------------------------------------------


@transaction.atomic
def publish_tariff(
    *, actor: User, name: str, base_minor: int, per_km_minor: int, per_minute_minor: int
) -> Tariff:
    """A steward publishes a new price list; tasks posted from now on are priced by it."""
    require_role(actor, Role.STEWARD)
    for field, value in (
        ("base_minor", base_minor),
        ("per_km_minor", per_km_minor),
        ("per_minute_minor", per_minute_minor),
    ):
        if value < 0:
            raise WorkError("invalid", "A price cannot be negative.", field=field)
        if value > MAX_RATE_MINOR:
            raise WorkError("invalid", "That price is implausibly large.", field=field)
    if not name.strip():
        raise WorkError("invalid", "Name the tariff.", field="name")
    tariff = Tariff.objects.create(
        name=name.strip()[:80],
        base_minor=base_minor,
        per_km_minor=per_km_minor,
        per_minute_minor=per_minute_minor,
        published_at=clock.now(),
        published_by=actor,
    )
    audit.record(
        actor=actor,
        action="tariff.published",
        obj=tariff,
        data={"base": base_minor, "per_km": per_km_minor, "per_minute": per_minute_minor},
    )
    return tariff


@transaction.atomic
def create_project(*, actor: User, title: str, purpose: str, outcome: str = "") -> Project:
    require_role(actor, Role.CLIENT, Role.STEWARD)
    if not title.strip():
        raise WorkError("invalid", "Give the project a title.", field="title")
    if not purpose.strip():
        raise WorkError(
            "invalid", "Say what the project is for: workers see its purpose.", field="purpose"
        )
    project = Project.objects.create(
        client=actor,
        title=title.strip()[:120],
        purpose=purpose.strip(),
        outcome=outcome.strip(),
        created_at=clock.now(),
    )
    audit.record(actor=actor, action="project.created", obj=project, data={"title": project.title})
    return project


@transaction.atomic
def record_project_outcome(*, actor: User, project_id: int, outcome: str) -> Project:
    project = Project.objects.select_for_update().filter(pk=project_id, client=actor).first()
    if project is None:
        raise NotFound("Project", field="project_id")
    project.outcome = outcome.strip()
    project.save(update_fields=["outcome"])
    audit.record(actor=actor, action="project.outcome_recorded", obj=project)
    return project
