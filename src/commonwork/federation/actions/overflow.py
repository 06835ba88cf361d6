"""Overflow work between linked co-ops, in the Federated Marketplace's vocabulary
(FEP-0837, on Valueflows).

1. A co-op that cannot cover a task publishes a request for a service (`Create` of a
   `Proposal`) to its linked co-ops: kind, area, time window and the price it will pay
   (what a worker of its own would have been paid). No address, no person: nothing of a
   member's leaves before a co-op has agreed to do the work.
2. A linked co-op's stewards take it on: an `Offer` of an `Agreement`.
3. The first offer is accepted (`Accept`, with what the task needs: its ends, its
   recipient code), the task handed to that co-op's account at the agreed price; the
   others are told the request is gone (`Delete`). Sending the task's details is logged
   in the client's access log as a read by that co-op.
4. The co-op doing it posts the task for its own dispatch, to its own members, at the
   agreed price, and reports its steps (`Update` of the agreement: in progress,
   delivered); the client's decision (completed, disputed) goes back the same way.
5. Completion posts each co-op's books: the one that asked owes the agreed price to the
   other's account; the one that did it is owed it, and pays its worker by its own rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.federation import documents
from commonwork.federation.actions import (
    FederationError,
    Received,
    new_id,
    origin,
    register,
    send,
)
from commonwork.federation.models import (
    Mirror,
    MirrorState,
    Overflow,
    OverflowState,
    Peer,
    PeerState,
)
from commonwork.governance.parameters import read_parameter
from commonwork.ledger import rules
from commonwork.ledger.actions.entries import rates
from commonwork.members.models import Role, User
from commonwork.members.selectors import cooperative_currency, require_role
from commonwork.vault.gate import peer_reads
from commonwork.work.actions.partners import hand_to_partner, post_partner_task, report_step
from commonwork.work.hooks import TaskMoved
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Task

STATUS = "commonwork:status"
TASK = "commonwork:task"
# What the co-op doing a task reports, and what the co-op that asked reports back.
DOER_REPORTS = {"start": "in_progress", "deliver": "delivered"}
ASKER_REPORTS = {"complete": "completed", "dispute": "disputed"}


def _linked() -> list[Peer]:
    return list(Peer.objects.filter(state=PeerState.LINKED))


def _partner_price(task: Task) -> int:
    fee_rate, solidarity_rate = rates()
    return rules.split_price(
        task.price_minor, fee_rate=fee_rate, solidarity_rate=solidarity_rate
    ).worker_minor


def _summary(task: Task) -> dict[str, Any]:
    """What every linked co-op sees of a request: enough to decide, nothing personal."""
    return {
        "title": task.title,
        "kind": task.kind,
        "distanceKm": task.distance_km,
        "estimatedMinutes": task.estimated_minutes,
        "skills": list(task.skills or []),
    }


def _details(task: Task) -> dict[str, Any]:
    """What the co-op that does the task needs, and only that."""
    return {
        **_summary(task),
        "deadline": task.deadline.isoformat(),
        "pickup": [task.pickup_lat, task.pickup_lon] if task.pickup_lat is not None else None,
        "dropoff": [task.dropoff_lat, task.dropoff_lon] if task.dropoff_lat is not None else None,
        "pickupAddress": task.pickup_address,
        "dropoffAddress": task.dropoff_address,
        "recipientCode": task.recipient_code,
        "region": task.region,
    }


@transaction.atomic
def offer_to_peers(*, actor: User | None, task_id: int) -> Overflow:
    """A task of ours nobody here can cover is offered to the linked co-ops (a steward,
    or the governed rule for tasks left open: `offer_uncovered`)."""
    if actor is not None:
        require_role(actor, Role.STEWARD)
    task = Task.objects.select_for_update().filter(pk=task_id).first()
    if task is None or task.status != TaskStatus.OPEN:
        raise FederationError("not_open", "Only an open task can be offered to linked co-ops.")
    if Overflow.objects.filter(task=task).exists():
        raise FederationError("already_offered", "This task is already offered to linked co-ops.")
    peers = _linked()
    if not peers:
        raise FederationError("no_peers", "No linked co-op to offer it to.")
    price = _partner_price(task)
    currency = cooperative_currency()
    proposal = documents.proposal(
        origin=origin(),
        ident=new_id(),
        name=task.title,
        kind=task.kind,
        area=task.region,
        window=(clock.now(), task.deadline),
        price=f"{price / 100:.2f}",
        currency=currency,
        details=_summary(task),
    )
    overflow = Overflow.objects.create(
        task=task,
        proposal_id=proposal["id"],
        price_minor=price,
        currency=currency,
        state=OverflowState.OFFERED,
        created_at=clock.now(),
    )
    for peer in peers:
        send(
            peer,
            documents.activity(
                "Create", origin=origin(), ident=new_id(), obj=proposal, to=peer.actor_url
            ),
        )
    audit.record(actor=actor, action="federation.offer_task", obj=task, data={"price_minor": price})
    return overflow


def offer_uncovered(now: dt.datetime | None = None) -> int:
    """Tasks open longer than the governed time, not yet offered: offered to linked co-ops
    (0 minutes: only a steward offers)."""
    minutes = int(read_parameter("federation.overflow_after_minutes"))
    if minutes == 0 or not _linked():
        return 0
    cutoff = (now or clock.now()) - dt.timedelta(minutes=minutes)
    offered = set(Overflow.objects.values_list("task_id", flat=True))
    count = 0
    for task_id in Task.objects.filter(
        status=TaskStatus.OPEN, created_at__lte=cutoff, partner_price_minor__isnull=True
    ).values_list("pk", flat=True):
        if task_id not in offered:
            offer_to_peers(actor=None, task_id=task_id)
            count += 1
    return count


# --- the co-op asked ----------------------------------------------------------------------


@register("Create", "Proposal")
def _on_proposal(received: Received) -> str:
    proposal = received.activity["object"]
    peer = received.peer
    if peer is None or proposal.get("attributedTo") != received.actor_url:
        return "ignored: a proposal not of the sender's"
    if proposal.get("purpose") != "request" or not isinstance(proposal.get("publishes"), dict):
        return "ignored: not a request for a service"
    try:
        price = float(proposal["reciprocal"]["resourceQuantity"]["hasNumericalValue"])
        dt.datetime.fromisoformat(str(proposal["publishes"]["hasEnd"]))
    except (KeyError, TypeError, ValueError):
        return "ignored: a request without its price or its end"
    if not 0 <= price < 10**7:
        return "ignored: a price out of range"
    if not str(proposal.get("id", "")).startswith(peer.actor_url.rsplit("/federation/", 1)[0]):
        return "ignored: a proposal from another server"
    Mirror.objects.get_or_create(
        proposal_id=str(proposal["id"]),
        defaults={
            "peer": peer,
            "proposal": proposal,
            "state": MirrorState.PROPOSED,
            "created_at": clock.now(),
        },
    )
    return "a request to consider"


@transaction.atomic
def take_on(*, actor: User, mirror_id: int) -> Mirror:
    """Our stewards offer to do a linked co-op's task: an offer of an agreement."""
    require_role(actor, Role.STEWARD)
    mirror = Mirror.objects.select_for_update().filter(pk=mirror_id).first()
    if mirror is None or mirror.state != MirrorState.PROPOSED:
        raise FederationError("not_proposed", "There is no such request to take on.")
    agreement = documents.agreement(origin=origin(), ident=new_id(), proposal=mirror.proposal)
    offer = documents.activity(
        "Offer", origin=origin(), ident=new_id(), obj=agreement, to=mirror.peer.actor_url
    )
    offer["inReplyTo"] = mirror.proposal_id
    mirror.agreement_id = agreement["id"]
    mirror.offer_id = offer["id"]
    mirror.state = MirrorState.OFFERED
    mirror.save(update_fields=["agreement_id", "offer_id", "state"])
    send(mirror.peer, offer)
    audit.record(actor=actor, action="federation.take_on", obj=mirror)
    return mirror


@register("Accept", "Offer")
def _on_offer_accepted(received: Received) -> str:
    offer = received.activity["object"]
    mirror = Mirror.objects.filter(offer_id=str(offer.get("id", "")), peer=received.peer).first()
    if mirror is None or received.peer is None or received.peer.account is None:
        return "ignored: no offer of ours"
    if mirror.state != MirrorState.OFFERED:
        return "already accepted"
    details = received.activity.get(TASK) or {}
    window = mirror.proposal["publishes"]
    price = mirror.proposal["reciprocal"]["resourceQuantity"]["hasNumericalValue"]
    task = post_partner_task(
        partner=received.peer.account,
        partner_name=str(received.peer),
        title=str(details.get("title") or mirror.proposal.get("name") or ""),
        kind=str(details.get("kind") or window.get("commonwork:kind") or "remote"),
        estimated_minutes=int(details.get("estimatedMinutes") or 30),
        deadline=dt.datetime.fromisoformat(str(details.get("deadline") or window["hasEnd"])),
        price_minor=round(float(price) * 100),
        region=str(details.get("region") or ""),
        pickup=_point(details.get("pickup")),
        dropoff=_point(details.get("dropoff")),
        pickup_address=str(details.get("pickupAddress") or ""),
        dropoff_address=str(details.get("dropoffAddress") or ""),
        recipient_code=str(details.get("recipientCode") or ""),
        distance_km=float(details.get("distanceKm") or 0),
    )
    mirror.task = task
    mirror.state = MirrorState.ACCEPTED
    mirror.save(update_fields=["task", "state"])
    return f"posted as task {task.pk}"


def _point(value: Any) -> tuple[float, float] | None:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) for v in value)
    ):
        return float(value[0]), float(value[1])
    return None


@register("Reject", "Offer")
@register("Delete")
def _on_gone(received: Received) -> str:
    obj = received.activity.get("object")
    ident = str(obj.get("id", "")) if isinstance(obj, dict) else str(obj or "")
    gone = Mirror.objects.filter(
        peer=received.peer, state__in=[MirrorState.PROPOSED, MirrorState.OFFERED]
    )
    count = gone.filter(proposal_id=ident).update(state=MirrorState.DECLINED) + gone.filter(
        offer_id=ident
    ).update(state=MirrorState.DECLINED)
    return "declined" if count else "ignored"


# --- the co-op that asked -----------------------------------------------------------------


@register("Offer", "Agreement")
def _on_offer(received: Received) -> str:
    agreement = received.activity["object"]
    peer = received.peer
    satisfies = str((agreement.get("stipulates") or {}).get("satisfies", ""))
    overflow = (
        Overflow.objects.select_for_update(of=("self",))  # not the task's and project's rows
        .filter(proposal_id=satisfies.split("#", 1)[0])
        .select_related("task__project")
        .first()
    )
    if overflow is None or peer is None or peer.account is None:
        return "ignored: no request of ours"
    reply = {"id": received.activity["id"], "type": "Offer"}
    if overflow.state != OverflowState.OFFERED or overflow.task.status not in (
        TaskStatus.OPEN,
        TaskStatus.OFFERED,
    ):
        send(
            peer,
            documents.activity(
                "Reject", origin=origin(), ident=new_id(), obj=reply, to=peer.actor_url
            ),
        )
        return "refused: already taken"
    task = hand_to_partner(
        task_id=overflow.task_id, partner=peer.account, price_minor=overflow.price_minor
    )
    overflow.state = OverflowState.AGREED
    overflow.peer = peer
    overflow.agreement_id = str(agreement.get("id", ""))
    overflow.save(update_fields=["state", "peer", "agreement_id"])
    accept = documents.activity(
        "Accept", origin=origin(), ident=new_id(), obj=reply, to=peer.actor_url
    )
    accept["result"] = overflow.agreement_id
    accept[TASK] = _details(task)
    send(peer, accept)
    # The client's task, its ends and its recipient code, leave for that co-op: logged.
    peer_reads(
        peer=str(peer), subject_id=task.project.client_id, categories=["tasks"], purpose="overflow"
    )
    _withdraw(overflow, keep=peer)
    return f"agreed with {peer}"


@register("Update", "Agreement")
def _on_report(received: Received) -> str:
    agreement = received.activity["object"]
    status = str(agreement.get(STATUS, ""))
    ident = str(agreement.get("id", ""))
    overflow = Overflow.objects.filter(agreement_id=ident, peer=received.peer).first()
    if overflow is not None:  # the co-op doing our task reports a step
        if status not in DOER_REPORTS.values():
            return "ignored: not a step of theirs"
        moved = report_step(task_id=overflow.task_id, status=status)
        return f"task {status}" if moved else "already so"
    mirror = Mirror.objects.filter(agreement_id=ident, peer=received.peer).first()
    if mirror is not None and mirror.task_id is not None:  # the client decided
        if status not in ASKER_REPORTS.values():
            return "ignored: not a decision of theirs"
        account = received.peer.account if received.peer else None
        moved = report_step(task_id=mirror.task_id, status=status, actor=account)
        if status == "completed":
            Mirror.objects.filter(pk=mirror.pk).update(state=MirrorState.DONE)
        return f"task {status}" if moved else "already so"
    return "ignored: no agreement of ours"


def _withdraw(overflow: Overflow, keep: Peer | None = None) -> None:
    """The request is gone (another co-op took it, or a worker of ours did): each linked
    co-op but `keep` is told (`Delete` of the proposal)."""
    for peer in _linked():
        if keep is None or peer.pk != keep.pk:
            send(
                peer,
                documents.activity(
                    "Delete",
                    origin=origin(),
                    ident=new_id(),
                    obj=overflow.proposal_id,
                    to=peer.actor_url,
                ),
            )


def _report(peer: Peer, agreement_id: str, status: str) -> None:
    update = documents.activity(
        "Update",
        origin=origin(),
        ident=new_id(),
        obj={"id": agreement_id, "type": "Agreement", STATUS: status},
        to=peer.actor_url,
    )
    send(peer, update)


def on_task_moved(event: TaskMoved) -> None:
    """A shared task moved here: the other co-op is told what it needs to know."""
    if event.transition in ("take", "accept_offer"):
        offered = Overflow.objects.filter(task_id=event.task.pk, state=OverflowState.OFFERED)
        if offered.exists() and event.task.partner_price_minor is None:
            # A worker of ours took it after all: the request to linked co-ops is withdrawn.
            withdrawn = offered.get()
            offered.update(state=OverflowState.WITHDRAWN)
            _withdraw(withdrawn)
            return
    overflow = Overflow.objects.filter(task_id=event.task.pk, state=OverflowState.AGREED).first()
    if overflow is not None and overflow.peer is not None:
        status = ASKER_REPORTS.get(event.transition)
        if status is not None:
            _report(overflow.peer, overflow.agreement_id, status)
            if status == "completed":
                Overflow.objects.filter(pk=overflow.pk).update(state=OverflowState.DONE)
        return
    mirror = Mirror.objects.filter(task_id=event.task.pk, state=MirrorState.ACCEPTED).first()
    if mirror is not None:
        status = DOER_REPORTS.get(event.transition)
        if status is not None:
            _report(mirror.peer, mirror.agreement_id, status)
