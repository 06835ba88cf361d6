"""Help on the road: an incident report (with the task handed back mid-way if need be, no
penalty) and an SOS that tells the stewards and the worker's chosen contact where they are
— the position is sent only then, and the worker's access log says so."""

from __future__ import annotations

import datetime as dt
import math

from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from commonwork.core import audit, clock
from commonwork.core.errors import NotFound
from commonwork.members.models import Membership, MembershipStatus, Role, User
from commonwork.members.selectors import holds_role, require_role
from commonwork.protection.actions.claims import ClaimError, _text
from commonwork.protection.models import EmergencyContact, Incident, SosCall
from commonwork.vault.actions.keys import seal
from commonwork.vault.contact import email_of
from commonwork.vault.gate import job_reads
from commonwork.vault.keys import unseal
from commonwork.work import actions as work_actions
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Task

MAX_NAME = 120


@transaction.atomic
def set_emergency_contact(*, actor: User, name: str, email: str) -> EmergencyContact:
    """The person an SOS tells besides the stewards; sealed with the worker's key."""
    require_role(actor)
    name, email = name.strip(), email.strip()
    if not name or len(name) > MAX_NAME:
        raise ClaimError("invalid", "Give their name.", field="name")
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise ClaimError("invalid", "Give an e-mail address.", field="email")
    contact, _created = EmergencyContact.objects.update_or_create(
        member=actor,
        defaults={
            "sealed_name": seal(actor.pk, name),
            "sealed_email": seal(actor.pk, email),
            "updated_at": clock.now(),
        },
    )
    audit.record(actor=actor, action="protection.contact_set", obj=contact, data={})
    return contact


def _my_active_task(actor: User, task_id: int | None) -> Task | None:
    if task_id is None:
        return None
    task = Task.objects.filter(pk=task_id, worker=actor).first()
    if task is None:
        raise NotFound("Task", field="task_id")
    return task


@transaction.atomic
def report_incident(
    *,
    actor: User,
    occurred_at: dt.datetime,
    place: str,
    account: str,
    task_id: int | None = None,
    hand_back: bool = False,
) -> Incident:
    """The worker reports an incident. With `hand_back`, the task they were on goes back
    to the board at once, without penalty, and is dispatched again."""
    require_role(actor)
    if occurred_at > clock.now() + dt.timedelta(minutes=5):
        raise ClaimError("invalid", "An incident has already happened.", field="occurred_at")
    task = _my_active_task(actor, task_id)
    incident = Incident.objects.create(
        worker=actor,
        task=task,
        occurred_at=occurred_at,
        sealed_place=seal(actor.pk, _text(place, "place")),
        sealed_account=seal(actor.pk, _text(account, "account")),
        reported_at=clock.now(),
    )
    if hand_back:
        if task is None or task.status not in (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS):
            raise ClaimError(
                "conflict", "Only a task you are doing can be handed back.", field="hand_back"
            )
        work_actions.hand_back_task(actor=actor, task_id=task.pk, incident_id=incident.pk)
        incident.handed_back = True
        incident.save(update_fields=["handed_back"])
    audit.record(
        actor=actor,
        action="protection.incident",
        obj=incident,
        data={"task": task.pk if task else None, "handed_back": incident.handed_back},
    )
    return incident


def _position(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    if lat is None or lon is None:
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ClaimError("invalid", "That is not a position on Earth.", field="lat")
    return lat, lon


def stewards_on_duty() -> list[User]:
    """Every active steward (the co-op has no duty roster yet: all are told)."""
    return [
        m.user
        for m in Membership.objects.select_related("user").filter(status=MembershipStatus.ACTIVE)
        if holds_role(m, Role.STEWARD)
    ]


@transaction.atomic
def send_sos(
    *, actor: User, lat: float | None, lon: float | None, task_id: int | None = None
) -> SosCall:
    """SOS: the stewards and the worker's contact get the worker's name and position (a
    map link) by e-mail, once, now. Without a position they are told that too."""
    require_role(actor)
    position = _position(lat, lon)
    task = _my_active_task(actor, task_id)
    stewards = [s for s in stewards_on_duty() if s.pk != actor.pk]
    contact = EmergencyContact.objects.filter(member=actor).first()
    job_reads(
        job="sos",
        purpose="sos",
        subject_ids=[actor.pk],
        categories=("identity", "location", "claims"),
    )
    sealed = seal(actor.pk, f"{position[0]:.6f},{position[1]:.6f}") if position else None
    call = SosCall.objects.create(
        worker=actor,
        task=task,
        sent_at=clock.now(),
        sealed_position=sealed,
        stewards_told=len(stewards),
        contact_told=contact is not None,
    )
    where = (
        f"https://www.openstreetmap.org/?mlat={position[0]:.6f}&mlon={position[1]:.6f}#map=17/"
        f"{position[0]:.6f}/{position[1]:.6f}"
        if position
        else ""
    )
    messages = []
    for steward in stewards:
        address = email_of(steward.pk)
        if address:
            with translation.override(steward.preferred_language or None):
                messages.append(_sos_mail(actor, where, address))
    if contact is not None:
        address = unseal(actor.pk, bytes(contact.sealed_email)) or ""
        if address:
            messages.append(_sos_mail(actor, where, address))
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    audit.record(
        actor=actor,
        action="protection.sos",
        obj=call,
        data={"stewards": len(stewards), "contact": call.contact_told, "located": bool(position)},
    )
    return call


def _sos_mail(worker: User, where: str, address: str) -> tuple[str, str, None, list[str]]:
    name = worker.display_name or worker.username
    subject = gettext("SOS from %(name)s") % {"name": name}
    if where:
        body = gettext("%(name)s pressed SOS and needs help. Their position: %(where)s") % {
            "name": name,
            "where": where,
        }
    else:
        body = gettext(
            "%(name)s pressed SOS and needs help. Their phone did not share a position: call them."
        ) % {"name": name}
    return subject, body, None, [address]
