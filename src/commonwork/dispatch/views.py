"""Dispatch in the open: the rounds any member may inspect, and a worker's own "why"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from commonwork.core.errors import DomainError
from commonwork.core.pages import render_refusal
from commonwork.core.panels import Panel
from commonwork.core.replica import reads_from_standby
from commonwork.dispatch import selectors
from commonwork.dispatch.explain import explain
from commonwork.members.http import AuthenticatedRequest, member_of
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Offer, OfferStatus, Task
from commonwork.work.selectors import open_availability


@login_required
@reads_from_standby
def rounds(request: AuthenticatedRequest) -> HttpResponse:
    try:
        recent = selectors.recent_rounds(request.user)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "dispatch/rounds.html", {"rounds": recent})


@login_required
def why(request: AuthenticatedRequest) -> HttpResponse:
    """Why did I (not) get work: the latest rounds' decisions about me, in sentences."""
    try:
        decisions = selectors.decisions_about_me(request.user)
    except DomainError as error:
        return render_refusal(request, error)
    worker = request.user
    in_hand = Task.objects.filter(
        worker=worker, status__in=(TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS)
    ).first()
    return render(
        request,
        "dispatch/why.html",
        {
            "explained": [
                (decision, explain(decision), selectors.decision_sketch(decision))
                for decision in decisions
            ],
            # Why the next round leaves them out, if it will: said first, plainly.
            "in_hand": in_hand,
            "offer_waiting": Offer.objects.filter(
                worker=worker, status=OfferStatus.PENDING
            ).exists(),
            "available": open_availability(worker) is not None,
        },
    )


def task_decisions_panel(request: HttpRequest, task: Task) -> Panel | None:
    """On a task's page: how the latest rounds decided about it, in words."""
    decisions = selectors.decisions_about_task(member_of(request), task.pk)
    if not decisions:
        return None
    return "dispatch/_task_decisions.html", {
        "dispatch": [
            (decision, explain(decision), selectors.decision_sketch(decision))
            for decision in decisions
        ]
    }
