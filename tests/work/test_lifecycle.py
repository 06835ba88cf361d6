"""The task state machine: every legal transition and every illegal one."""

from __future__ import annotations

import pytest

from commonwork.work.lifecycle import (
    TERMINAL,
    TRANSITIONS,
    IllegalTransitionError,
    TaskStatus,
    Transition,
    allowed_transitions,
    next_status,
)

LEGAL = [
    (source, transition, target)
    for transition, (sources, target) in TRANSITIONS.items()
    for source in sorted(sources)  # sorted: xdist workers must collect the same order
]
ILLEGAL = [
    (status, transition)
    for transition, (sources, _target) in TRANSITIONS.items()
    for status in TaskStatus
    if status not in sources
]


@pytest.mark.parametrize(("source", "transition", "target"), LEGAL)
def test_each_legal_transition_leads_to_its_target(source, transition, target):
    assert next_status(source, transition) == target


@pytest.mark.parametrize(("status", "transition"), ILLEGAL)
def test_each_illegal_transition_is_refused(status, transition):
    with pytest.raises(IllegalTransitionError) as refused:
        next_status(status, transition)
    assert refused.value.status == status
    assert refused.value.transition == transition


def test_legal_and_illegal_cover_every_pair_exactly_once():
    assert len(LEGAL) + len(ILLEGAL) == len(TaskStatus) * len(Transition)


def test_terminal_states_allow_nothing():
    for status in TERMINAL:
        assert allowed_transitions(status) == []


def test_the_happy_path_reaches_completed():
    status = TaskStatus.DRAFT
    for transition in (
        Transition.PUBLISH,
        Transition.OFFER,
        Transition.ACCEPT_OFFER,
        Transition.START,
        Transition.DELIVER,
        Transition.COMPLETE,
    ):
        status = next_status(status, transition)
    assert status == TaskStatus.COMPLETED


def test_declined_and_expired_offers_return_the_task_to_open():
    assert next_status(TaskStatus.OFFERED, Transition.DECLINE_OFFER) == TaskStatus.OPEN
    assert next_status(TaskStatus.OFFERED, Transition.EXPIRE_OFFER) == TaskStatus.OPEN


def test_work_in_progress_cannot_be_cancelled_without_a_dispute():
    with pytest.raises(IllegalTransitionError):
        next_status(TaskStatus.IN_PROGRESS, Transition.CANCEL)
    assert next_status(TaskStatus.DISPUTED, Transition.RESOLVE_CANCEL) == TaskStatus.CANCELLED
