"""The Fairwork self-assessment: the five principles and the evidence the platform keeps
for each, with the equity report (principle 4.2) published under differential privacy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonwork.core import clock
from commonwork.core.errors import DomainError
from commonwork.core.idempotency import new_form_key, once_per_form
from commonwork.core.marks import N_
from commonwork.core.pages import render_form_error, render_invalid_form, render_refusal
from commonwork.governance.parameters import read_parameter
from commonwork.members.http import AuthenticatedRequest
from commonwork.members.models import Role
from commonwork.members.selectors import (
    active_membership,
    cooperative_currency,
    is_steward,
    require_role,
)
from commonwork.observatory import actions, equity, selectors
from commonwork.observatory import fairwork as fairwork_rules
from commonwork.observatory.forms import VehicleCostForm, WageForm
from commonwork.observatory.models import FairworkAssessment


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


SCHEME_TITLES = {
    "gig": N_("Gig work: Fairwork's ten thresholds"),
    "cloud": N_("Cloudwork: Fairwork's ten thresholds"),
}


def _verdicts(assessment: FairworkAssessment | None) -> dict[str, list[dict[str, Any]]]:
    """The assessment's verdicts by scheme, each reason in the reader's language."""
    by_scheme: dict[str, list[dict[str, Any]]] = {"gig": [], "cloud": []}
    for verdict in assessment.verdicts if assessment is not None else []:
        by_scheme[verdict["scheme"]].append(
            {**verdict, "reason": _(verdict["why"]).format(**verdict["params"])}
        )
    return by_scheme


def fairwork(request: HttpRequest) -> HttpResponse:
    """Public: anyone may read how the co-op measures up."""
    membership = active_membership(request.user)
    member = membership.user if membership is not None else None
    mine = selectors.my_groups(member) if member is not None else {}
    assessment = selectors.latest_assessment()
    context = {
        "assessment": assessment,
        "schemes": [
            (scheme, SCHEME_TITLES[scheme], rows) for scheme, rows in _verdicts(assessment).items()
        ],
        "history": selectors.assessment_history(),
        "directive": fairwork_rules.DIRECTIVE,
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
def assess(request: AuthenticatedRequest) -> HttpResponse:
    """A steward recomputes the self-assessment now (the job does it each night)."""
    try:
        require_role(request.user, Role.STEWARD)
    except DomainError as error:
        return render_refusal(request, error)
    actions.assess_fairwork(clock.now())
    messages.success(request, _("The self-assessment is recomputed."))
    return redirect("fairwork")


def _costs_context(request: HttpRequest, **forms: Any) -> dict[str, Any]:
    steward = active_membership(request.user) is not None and is_steward(request.user)
    context: dict[str, Any] = {**selectors.cost_tables(), "steward": steward}
    if steward:
        context["wage_form"] = forms.get("wage_form") or WageForm(initial={"key": new_form_key()})
        context["cost_form"] = forms.get("cost_form") or VehicleCostForm(
            initial={"key": new_form_key()}
        )
    return context


def cost_tables(request: HttpRequest) -> HttpResponse:
    """Public: the wage and cost tables the self-assessment reads, with their sources."""
    return render(request, COSTS_PAGE, _costs_context(request))


COSTS_PAGE = "observatory/costs.html"


def _save_row(
    request: AuthenticatedRequest, form: Form, form_name: str, save: Callable[..., Model]
) -> HttpResponse:
    """A steward's row of a cost table: the form's fields are the action's arguments."""
    if not form.is_valid():
        return render_invalid_form(
            request, COSTS_PAGE, _costs_context(request, **{form_name: form})
        )
    fields = {name: value for name, value in form.cleaned_data.items() if name != "key"}
    try:
        once_per_form(
            request, form.cleaned_data["key"], lambda: save(actor=request.user, **fields).pk
        )
    except DomainError as error:
        context = _costs_context(request, **{form_name: form})
        return render_form_error(request, COSTS_PAGE, context, form, error)
    messages.success(request, _("Saved, with its source."))
    return redirect("cost_tables")


@login_required
@require_POST
def set_wage(request: AuthenticatedRequest) -> HttpResponse:
    return _save_row(request, WageForm(request.POST), "wage_form", actions.set_wage_rate)


@login_required
@require_POST
def set_cost(request: AuthenticatedRequest) -> HttpResponse:
    return _save_row(request, VehicleCostForm(request.POST), "cost_form", actions.set_vehicle_cost)


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
