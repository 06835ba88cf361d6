"""The Fairwork self-assessment: the five principles and the evidence the platform keeps
for each, with the equity report (principle 4.2) published under differential privacy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonwork.core.errors import DomainError
from commonwork.core.pages import render_refusal
from commonwork.governance.parameters import read_parameter
from commonwork.members.http import AuthenticatedRequest
from commonwork.members.selectors import active_membership, cooperative_currency, is_steward
from commonwork.observatory import actions, equity, selectors


def observatory(request: HttpRequest) -> HttpResponse:
    """Public: the commons' weekly figures as charts, each week with its interval."""
    context = {
        "series": selectors.weekly_series(),
        "currency": cooperative_currency(),
        "member": active_membership(request.user) is not None,
    }
    return render(request, "observatory/index.html", context)


@login_required
def my_figures(request: AuthenticatedRequest) -> HttpResponse:
    """A member's own exact figures, week by week, beside the co-op's published ones."""
    context = {
        "weeks": selectors.my_weeks(request.user),
        "currency": cooperative_currency(),
        "cap": int(read_parameter("max_hours_per_week")),
    }
    return render(request, "observatory/mine.html", context)


def fairwork(request: HttpRequest) -> HttpResponse:
    """Public: anyone may read how the co-op measures up."""
    membership = active_membership(request.user)
    member = membership.user if membership is not None else None
    mine = selectors.my_groups(member) if member is not None else {}
    context = {
        **selectors.equity_report(),
        "currency": cooperative_currency(),
        "floor_minor": int(read_parameter("pay_floor_per_hour")),
        "max_week": int(read_parameter("max_hours_per_week")),
        "break_after": int(read_parameter("break_after_minutes")),
        "dimensions": [
            (
                key,
                equity.DIMENSION_LABELS[key],
                [(value, label, mine.get(key) == value) for value, label in groups.items()],
            )
            for key, groups in equity.DIMENSIONS.items()
        ],
        "can_declare": member is not None,
        "can_publish": member is not None and is_steward(request.user),
    }
    return render(request, "observatory/fairwork.html", context)


@login_required
@require_POST
def declare(request: AuthenticatedRequest) -> HttpResponse:
    groups = {key: request.POST.get(key, "") for key in equity.DIMENSIONS}
    try:
        declared = actions.declare_groups(actor=request.user, groups=groups)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(
        request,
        _("Saved. Only noisy group totals are ever published.")
        if declared
        else _("Withdrawn: nothing of yours is in the next report."),
    )
    return redirect("fairwork")


@login_required
@require_POST
def publish(request: AuthenticatedRequest) -> HttpResponse:
    try:
        actions.publish_equity_report(actor=request.user)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("The equity report is published."))
    return redirect("fairwork")
