"""Reads about dispatch, each checked against the actor who asks."""

from __future__ import annotations

from django.db.models import QuerySet

from commonwork.dispatch.models import DispatchDecision, DispatchRound
from commonwork.members.models import User
from commonwork.members.selectors import require_role
from commonwork.work.selectors import access_task_by_id


def decisions_about_task(actor: User, task_id: int, *, limit: int = 3) -> list[DispatchDecision]:
    """The latest rounds' decisions on a task, for whoever may see the task."""
    task = access_task_by_id(actor, task_id)
    return list(
        DispatchDecision.objects.filter(task=task)
        .select_related("round")
        .order_by("-round_id")[:limit]
    )


def decisions_about_me(actor: User, *, limit: int = 20) -> QuerySet[DispatchDecision]:
    """A worker's own decisions: offers made to them and rounds that left them idle."""
    require_role(actor)
    return (
        DispatchDecision.objects.filter(worker_id=actor.pk)
        .select_related("round", "task")
        .order_by("-round_id")[:limit]
    )


def recent_rounds(actor: User, *, limit: int = 50) -> QuerySet[DispatchRound]:
    """Every member may inspect the rounds: the algorithm belongs to them."""
    require_role(actor)
    return DispatchRound.objects.defer("input_snapshot").order_by("-id")[:limit]
