"""The data commons' pages: the releases, one release with its chart and files, the
budget's ledger, and a member's choice to share."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonwork.commons import actions, budget, selectors
from commonwork.commons.forms import ReleaseForm
from commonwork.commons.statistics import STATISTICS
from commonwork.core import clock
from commonwork.core.errors import DomainError
from commonwork.core.idempotency import new_form_key, once_per_form
from commonwork.core.pages import render_form_error, render_invalid_form, render_refusal
from commonwork.members.http import AuthenticatedRequest
from commonwork.members.selectors import active_membership, cooperative_currency, is_steward
from commonwork.vault.actions import consent_to_purpose, withdraw_from_purpose
from commonwork.vault.registry import CONSENT_PURPOSES


def _index_context(request: HttpRequest, form: ReleaseForm | None = None) -> dict[str, Any]:
    membership = active_membership(request.user)
    steward = membership is not None and is_steward(request.user)
    if steward and form is None:
        weeks = 4
        today = timezone.localtime(clock.now()).date()
        form = ReleaseForm(
            initial={
                "key": new_form_key(),
                "weeks": weeks,
                "period_start": ReleaseForm.last_monday(today, weeks),
                "epsilon": 0.1,
            }
        )
    return {
        "releases": selectors.releases()[:50],
        "statistics": [(s.key, s.title, s.description) for s in STATISTICS.values()],
        "budget": selectors.budget_status(),
        "purpose": CONSENT_PURPOSES["commons"],
        "member": membership is not None,
        "sharing": membership is not None and selectors.shares_with_commons(membership.user),
        "form": form if steward else None,
    }


def index(request: HttpRequest) -> HttpResponse:
    """Public: every release, the budget, and (for a member) whether they share."""
    return render(request, "commons/index.html", _index_context(request))


def release(request: HttpRequest, release_id: int) -> HttpResponse:
    try:
        found = selectors.release(release_id)
    except DomainError as error:
        return render_refusal(request, error)
    context = {
        "release": found,
        "statistic": selectors.spec(found),
        "chart": selectors.chart(found),
        "currency": cooperative_currency(),
        "charge": found.charge if hasattr(found, "charge") else None,
    }
    return render(request, "commons/release.html", context)


def _download(body: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def release_csv(request: HttpRequest, release_id: int) -> HttpResponse:
    try:
        found = selectors.release(release_id)
    except DomainError as error:
        return render_refusal(request, error)
    return _download(selectors.csv_text(found), "text/csv; charset=utf-8", "data.csv")


def release_package(request: HttpRequest, release_id: int) -> HttpResponse:
    try:
        found = selectors.release(release_id)
    except DomainError as error:
        return render_refusal(request, error)
    body = json.dumps(selectors.data_package(found), ensure_ascii=False, indent=2)
    return _download(body, "application/json", "datapackage.json")


def release_record(request: HttpRequest, release_id: int) -> HttpResponse:
    try:
        found = selectors.release(release_id)
    except DomainError as error:
        return render_refusal(request, error)
    response = JsonResponse(selectors.registry_record(found), json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def ledger(request: HttpRequest) -> HttpResponse:
    """Public: every charge to the privacy budget, and whether the chain is intact."""
    return render(
        request,
        "commons/ledger.html",
        {
            "charges": selectors.charges()[:200],
            "problems": budget.verify(),
            "budget": selectors.budget_status(),
        },
    )


@login_required
@require_POST
def publish(request: AuthenticatedRequest) -> HttpResponse:
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        return render_invalid_form(request, "commons/index.html", _index_context(request, form))
    data = form.cleaned_data
    try:
        release_id = once_per_form(
            request,
            data["key"],
            lambda: (
                actions.publish(
                    actor=request.user,
                    statistic=data["statistic"],
                    start=data["period_start"],
                    weeks=data["weeks"],
                    epsilon=data["epsilon"],
                ).pk
            ),
        )
    except DomainError as error:
        return render_form_error(
            request, "commons/index.html", _index_context(request, form), form, error
        )
    messages.success(request, _("The release is published."))
    return redirect("commons_release", release_id=release_id)


@login_required
@require_POST
def share(request: AuthenticatedRequest) -> HttpResponse:
    """Start or stop sharing one's figures with the commons."""
    try:
        if request.POST.get("share") == "yes":
            consent_to_purpose(actor=request.user, purpose_key="commons")
            messages.success(request, _("Thank you: the next releases count you."))
        else:
            withdraw_from_purpose(actor=request.user, purpose_key="commons")
            messages.success(request, _("Stopped: no release from now on counts you."))
    except DomainError as error:
        return render_refusal(request, error)
    return redirect("commons")
