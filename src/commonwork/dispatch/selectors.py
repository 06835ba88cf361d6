"""Reads about dispatch, each checked against the actor who asks."""

from __future__ import annotations

import math

from django.db.models import QuerySet

from commonwork.dispatch import solver
from commonwork.dispatch.models import DecisionKind, DispatchDecision, DispatchRound
from commonwork.dispatch.sketch import sketch
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


def decision_sketch(decision: DispatchDecision) -> str:
    """An offered task's round as a picture (dispatch.sketch): the chosen worker's and the
    next-best worker's distances to the pickup, to scale, inside the radius. The next
    distance is measured again from the stored input; none for a redacted round."""
    data = decision.data
    if decision.kind != DecisionKind.ASSIGNED or "distance_km" not in data:
        return ""
    dispatch_round = decision.round
    radius = float(dispatch_round.parameters.get("dispatch.radius_km", "0"))
    next_km = None
    alternative = data.get("alternative") or {}
    if alternative.get("worker_id") is not None and not dispatch_round.redacted:
        round_input = solver.decode_round(bytes(dispatch_round.input_snapshot))
        task = next((t for t in round_input.tasks if t.id == decision.task_id), None)
        worker = next((w for w in round_input.workers if w.id == alternative["worker_id"]), None)
        if task is not None and worker is not None:
            points = (task.x_km, task.y_km, worker.x_km, worker.y_km)
            if all(v is not None for v in points):
                tx, ty, wx, wy = (float(v or 0) for v in points)
                next_km = math.hypot(wx - tx, wy - ty)
    return sketch(radius_km=radius, chosen_km=float(data["distance_km"]), next_km=next_km)
