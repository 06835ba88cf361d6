"""The task state machine, as pure data: which transition leads from which state where.

Who may fire a transition (the guards on the actor) lives in `actions.py`; this module
only knows the shape of the lifecycle, so it can be tested exhaustively and reused by
the policy lab without Django.
"""

from __future__ import annotations

from enum import StrEnum


class TaskStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    DISPUTED = "disputed"
    CANCELLED = "cancelled"


class Transition(StrEnum):
    PUBLISH = "publish"  # client: draft -> open
    OFFER = "offer"  # dispatch or a steward: open -> offered
    ACCEPT_OFFER = "accept_offer"  # the offered worker: offered -> accepted
    DECLINE_OFFER = "decline_offer"  # the offered worker, no penalty: offered -> open
    EXPIRE_OFFER = "expire_offer"  # the clock: offered -> open
    TAKE = "take"  # a worker from the open board: open -> accepted
    RELEASE = "release"  # the assigned worker gives it back before starting: accepted -> open
    START = "start"  # the assigned worker: accepted -> in_progress
    DELIVER = "deliver"  # the assigned worker: in_progress -> delivered
    COMPLETE = "complete"  # the client accepts the delivery: delivered -> completed
    DISPUTE = "dispute"  # the client, with a reason: delivered -> disputed
    RESOLVE_PAY = "resolve_pay"  # a steward finds for the worker: disputed -> completed
    RESOLVE_REDO = "resolve_redo"  # a steward sends it back for rework: disputed -> in_progress
    RESOLVE_CANCEL = "resolve_cancel"  # a steward finds for the client: disputed -> cancelled
    CANCEL = "cancel"  # the client or a steward, before work starts
    # The assigned worker after an incident on the road, mid-way, with no penalty:
    # accepted or in_progress -> open, and dispatch offers it again.
    HAND_BACK = "hand_back"


class Step(StrEnum):
    """The worker's steps on the road, noted on a located task in progress (not states:
    the task stays in progress): at the pickup, then picked up."""

    ARRIVED = "arrived"
    PICKED_UP = "picked_up"


def steps_left(arrived: bool, picked_up: bool) -> list[Step]:
    """The steps a worker may still say, in order (picking up implies arriving)."""
    if picked_up:
        return []
    return [Step.PICKED_UP] if arrived else [Step.ARRIVED, Step.PICKED_UP]


TERMINAL = frozenset({TaskStatus.COMPLETED, TaskStatus.CANCELLED})

TRANSITIONS: dict[Transition, tuple[frozenset[TaskStatus], TaskStatus]] = {
    Transition.PUBLISH: (frozenset({TaskStatus.DRAFT}), TaskStatus.OPEN),
    Transition.OFFER: (frozenset({TaskStatus.OPEN}), TaskStatus.OFFERED),
    Transition.ACCEPT_OFFER: (frozenset({TaskStatus.OFFERED}), TaskStatus.ACCEPTED),
    Transition.DECLINE_OFFER: (frozenset({TaskStatus.OFFERED}), TaskStatus.OPEN),
    Transition.EXPIRE_OFFER: (frozenset({TaskStatus.OFFERED}), TaskStatus.OPEN),
    Transition.TAKE: (frozenset({TaskStatus.OPEN}), TaskStatus.ACCEPTED),
    Transition.RELEASE: (frozenset({TaskStatus.ACCEPTED}), TaskStatus.OPEN),
    Transition.START: (frozenset({TaskStatus.ACCEPTED}), TaskStatus.IN_PROGRESS),
    Transition.DELIVER: (frozenset({TaskStatus.IN_PROGRESS}), TaskStatus.DELIVERED),
    Transition.COMPLETE: (frozenset({TaskStatus.DELIVERED}), TaskStatus.COMPLETED),
    Transition.DISPUTE: (frozenset({TaskStatus.DELIVERED}), TaskStatus.DISPUTED),
    Transition.RESOLVE_PAY: (frozenset({TaskStatus.DISPUTED}), TaskStatus.COMPLETED),
    Transition.RESOLVE_REDO: (frozenset({TaskStatus.DISPUTED}), TaskStatus.IN_PROGRESS),
    Transition.RESOLVE_CANCEL: (frozenset({TaskStatus.DISPUTED}), TaskStatus.CANCELLED),
    Transition.HAND_BACK: (
        frozenset({TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS}),
        TaskStatus.OPEN,
    ),
    Transition.CANCEL: (
        frozenset({TaskStatus.DRAFT, TaskStatus.OPEN, TaskStatus.OFFERED, TaskStatus.ACCEPTED}),
        TaskStatus.CANCELLED,
    ),
}


class IllegalTransitionError(ValueError):
    def __init__(self, status: TaskStatus, transition: Transition) -> None:
        super().__init__(f"A task that is {status} cannot {transition.replace('_', ' ')}.")
        self.status = status
        self.transition = transition


def sources_of(transition: Transition) -> frozenset[TaskStatus]:
    return TRANSITIONS[transition][0]


def next_status(status: TaskStatus, transition: Transition) -> TaskStatus:
    """The state `transition` leads to from `status`, or IllegalTransitionError."""
    sources, target = TRANSITIONS[transition]
    if status not in sources:
        raise IllegalTransitionError(status, transition)
    return target


def allowed_transitions(status: TaskStatus) -> list[Transition]:
    return [t for t, (sources, _target) in TRANSITIONS.items() if status in sources]
