"""The protection pages: cover and claims, help on the road (incident, SOS), a claim's
page for its member and for the stewards deciding it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonwork.core import clock, money
from commonwork.core.errors import DomainError
from commonwork.core.idempotency import new_form_key, once_per_form
from commonwork.core.pages import render_form_error, render_invalid_form, render_refusal
from commonwork.core.panels import Panel
from commonwork.members.http import AuthenticatedRequest
from commonwork.members.models import Membership, Role
from commonwork.members.selectors import cooperative_currency, holds_role, require_role
from commonwork.protection import actions, selectors
from commonwork.protection.forms import (
    AppealForm,
    ClaimForm,
    ContactForm,
    DecisionForm,
    DocumentForm,
    IncidentForm,
)
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Task


def _home_context(request: AuthenticatedRequest, **forms: Any) -> dict[str, Any]:
    member = request.user
    tasks = selectors.my_current_tasks(member)
    chosen = request.GET.get("task")
    initial_task = int(chosen) if chosen and chosen.isdigit() else (tasks[0][0] if tasks else None)
    return {
        "cover": selectors.cover_overview(member),
        "claims": selectors.my_claims(member),
        "currency": cooperative_currency(),
        "claim_form": forms.get("claim_form")
        or ClaimForm(incidents=selectors.my_incidents(member), initial={"key": new_form_key()}),
        "incident_form": forms.get("incident_form")
        or IncidentForm(
            tasks=tasks,
            initial={
                "key": new_form_key(),
                "task": initial_task,
                "occurred_at": clock.now().strftime("%Y-%m-%dT%H:%M"),
            },
        ),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "current_task": initial_task,
    }


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    try:
        require_role(request.user)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "protection/home.html", _home_context(request))


@login_required
@require_POST
def file_claim(request: AuthenticatedRequest) -> HttpResponse:
    form = ClaimForm(request.POST, incidents=selectors.my_incidents(request.user))
    if not form.is_valid():
        return render_invalid_form(
            request, "protection/home.html", _home_context(request, claim_form=form)
        )
    data = form.cleaned_data
    costs: Decimal | None = data["costs"]
    try:
        claim_id = once_per_form(
            request,
            data["key"],
            lambda: (
                actions.file_claim(
                    actor=request.user,
                    cover=data["cover"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    account=data["account"],
                    medical=data["medical"],
                    costs_minor=money.to_minor(costs, cooperative_currency() or "EUR")
                    if costs
                    else 0,
                    incident_id=data["incident"],
                ).pk
            ),
        )
    except DomainError as error:
        return render_form_error(
            request, "protection/home.html", _home_context(request, claim_form=form), form, error
        )
    messages.success(request, _("Your claim is filed. The stewards decide it with reasons."))
    return redirect("claim_detail", claim_id=claim_id)


@login_required
@require_POST
def report_incident(request: AuthenticatedRequest) -> HttpResponse:
    form = IncidentForm(request.POST, tasks=selectors.my_current_tasks(request.user))
    if not form.is_valid():
        return render_invalid_form(
            request, "protection/home.html", _home_context(request, incident_form=form)
        )
    data = form.cleaned_data
    try:
        once_per_form(
            request,
            data["key"],
            lambda: (
                actions.report_incident(
                    actor=request.user,
                    occurred_at=data["occurred_at"],
                    place=data["place"],
                    account=data["account"],
                    task_id=data["task"],
                    hand_back=data["hand_back"],
                ).pk
            ),
        )
    except DomainError as error:
        return render_form_error(
            request,
            "protection/home.html",
            _home_context(request, incident_form=form),
            form,
            error,
        )
    if data["hand_back"]:
        messages.success(
            request, _("Incident recorded. The task is handed back and will be dispatched again.")
        )
    else:
        messages.success(request, _("Incident recorded. You can claim on it below."))
    return redirect("protection_home")


def _coordinate(value: str) -> float | None:
    try:
        return float(value) if value.strip() else None
    except ValueError:
        return None


@login_required
@require_POST
def sos(request: AuthenticatedRequest) -> HttpResponse:
    task = request.POST.get("task", "")
    try:
        call = actions.send_sos(
            actor=request.user,
            lat=_coordinate(request.POST.get("lat", "")),
            lon=_coordinate(request.POST.get("lon", "")),
            task_id=int(task) if task.isdigit() else None,
        )
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "protection/sos_sent.html", {"call": call})


@login_required
@require_POST
def emergency_contact(request: AuthenticatedRequest) -> HttpResponse:
    form = ContactForm(request.POST)
    if not form.is_valid():
        return render_invalid_form(
            request, "protection/home.html", _home_context(request, contact_form=form)
        )
    try:
        actions.set_emergency_contact(actor=request.user, **form.cleaned_data)
    except DomainError as error:
        return render_form_error(
            request, "protection/home.html", _home_context(request, contact_form=form), form, error
        )
    messages.success(request, _("Saved. An SOS will tell them too."))
    return redirect("protection_home")


def _claim_context(request: AuthenticatedRequest, claim_id: int, **forms: Any) -> dict[str, Any]:
    context = selectors.claim_for(request.user, claim_id)
    context |= {
        "currency": cooperative_currency(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "appeal_form": forms.get("appeal_form") or AppealForm(),
        "document_form": DocumentForm(),
        "can_decide": not context["mine"],
    }
    return context


@login_required
def claim_detail(request: AuthenticatedRequest, claim_id: int) -> HttpResponse:
    try:
        context = _claim_context(request, claim_id)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "protection/claim.html", context)


@login_required
@require_POST
def decide(request: AuthenticatedRequest, claim_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            return render_invalid_form(
                request,
                "protection/claim.html",
                _claim_context(request, claim_id, decision_form=form),
            )
        actions.decide_claim(
            actor=request.user,
            claim_id=claim_id,
            approve=form.cleaned_data["approve"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        return render_refusal(request, error)
    return redirect("claim_detail", claim_id=claim_id)


@login_required
@require_POST
def appeal(request: AuthenticatedRequest, claim_id: int) -> HttpResponse:
    form = AppealForm(request.POST)
    try:
        if not form.is_valid():
            return render_invalid_form(
                request,
                "protection/claim.html",
                _claim_context(request, claim_id, appeal_form=form),
            )
        actions.appeal_claim(
            actor=request.user, claim_id=claim_id, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("Your appeal goes to the members' vote."))
    return redirect("claim_detail", claim_id=claim_id)


@login_required
@require_POST
def upload(request: AuthenticatedRequest, claim_id: int) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_refusal(
            request, DomainError("invalid", _("Choose a file to send."), field="document")
        )
    sent = form.cleaned_data["document"]
    if sent.size > actions.claims.MAX_DOCUMENT_BYTES:
        return render_refusal(
            request, DomainError("invalid", _("A document is at most 10 MB."), field="document")
        )
    try:
        actions.add_document(
            actor=request.user,
            claim_id=claim_id,
            name=sent.name or "",
            content_type=sent.content_type or "",
            data=sent.read(),
        )
    except DomainError as error:
        return render_refusal(request, error)
    return redirect("claim_detail", claim_id=claim_id)


@login_required
def document(request: AuthenticatedRequest, document_id: int) -> HttpResponse:
    try:
        _name, content_type, data = selectors.document_for(request.user, document_id)
    except DomainError as error:
        return render_refusal(request, error)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="document-{document_id}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def claims_panel(request: HttpRequest, membership: Membership) -> Panel | None:
    """On the steward console: claims waiting for a decision, the overdue first."""
    if not holds_role(membership, Role.STEWARD):
        return None
    waiting = selectors.waiting_claims(membership.user)
    if not waiting:
        return None
    now = clock.now()
    return "protection/_claims_panel.html", {
        "waiting": waiting,
        "overdue": [c for c in waiting if c.decide_by < now],
    }


def task_help_panel(request: HttpRequest, task: Task) -> Panel | None:
    """On the page of a task the worker is doing: help on the road, the task pre-filled."""
    if task.worker_id != request.user.pk or task.status not in (
        TaskStatus.ACCEPTED,
        TaskStatus.IN_PROGRESS,
    ):
        return None
    return "protection/_task_help.html", {"task": task}
