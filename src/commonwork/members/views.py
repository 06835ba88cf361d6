"""Joining, one's application, one's account and API tokens, and the steward console."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonwork.core.errors import DomainError
from commonwork.core.pages import render_form_error, render_invalid_form, render_refusal
from commonwork.members import actions, selectors
from commonwork.members.forms import (
    ApiTokenForm,
    ApplicationForm,
    DecisionNoteForm,
    JoinForm,
    MembershipStatusForm,
    SkillsForm,
    split_skills,
)
from commonwork.members.http import AuthenticatedRequest
from commonwork.members.models import Role, User
from commonwork.members.panels import steward_console as console_panels


def join(request: HttpRequest) -> HttpResponse:
    """A visitor applies (creating a log-in); a logged-in person without a membership
    applies with the log-in they have."""
    applicant = request.user if isinstance(request.user, User) else None
    form_class = ApplicationForm if applicant is not None else JoinForm
    form = form_class(request.POST or None)
    context = {"form": form}
    if request.method != "POST":
        return render(request, "members/join.html", context)
    if not form.is_valid():
        return render_invalid_form(request, "members/join.html", context)
    data = form.cleaned_data
    skills = split_skills(data["skills"])
    try:
        if applicant is not None:
            actions.submit_application(
                actor=applicant,
                role=data["role"],
                motivation=data["motivation"],
                skills=skills,
            )
        else:
            application = actions.join(
                username=data["username"],
                password=data["password"],
                email=data["email"],
                display_name=data["display_name"],
                role=data["role"],
                motivation=data["motivation"],
                skills=skills,
            )
            login(
                request, application.applicant, backend="django.contrib.auth.backends.ModelBackend"
            )
    except DomainError as error:
        return render_form_error(request, "members/join.html", context, form, error)
    messages.success(request, _("Your application is in. A steward will decide on it."))
    return redirect("application_status")


@login_required
def application_status(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "members/application_status.html",
        {"applications": selectors.applications_of(request.user)},
    )


@login_required
def account(request: AuthenticatedRequest) -> HttpResponse:
    """A member's skills and API tokens."""
    membership = selectors.active_membership(request.user)
    skills_form = SkillsForm(initial={"skills": ", ".join(membership.skills) if membership else ""})
    return render(
        request,
        "members/account.html",
        {
            "skills_form": skills_form,
            "token_form": ApiTokenForm(),
            "tokens": selectors.api_tokens_of(request.user),
        },
    )


@login_required
@require_POST
def update_skills(request: AuthenticatedRequest) -> HttpResponse:
    form = SkillsForm(request.POST)
    context = {
        "skills_form": form,
        "token_form": ApiTokenForm(),
        "tokens": selectors.api_tokens_of(request.user),
    }
    if not form.is_valid():
        return render_invalid_form(request, "members/account.html", context)
    try:
        actions.update_skills(
            actor=request.user,
            skills=split_skills(form.cleaned_data["skills"]),
        )
    except DomainError as error:
        return render_form_error(request, "members/account.html", context, form, error)
    messages.success(request, _("Your skills are saved."))
    return redirect("account")


@login_required
@require_POST
def create_token(request: AuthenticatedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    context = {
        "skills_form": SkillsForm(),
        "token_form": form,
        "tokens": selectors.api_tokens_of(request.user),
    }
    if not form.is_valid():
        return render_invalid_form(request, "members/account.html", context)
    try:
        _token, plain = actions.create_api_token(
            actor=request.user,
            name=form.cleaned_data["name"],
        )
    except DomainError as error:
        return render_form_error(request, "members/account.html", context, form, error)
    # The plain token is shown once, on this response only; the database keeps its hash.
    context["new_token"] = plain
    context["token_form"] = ApiTokenForm()
    return render(request, "members/account.html", context, status=201)


@login_required
@require_POST
def revoke_token(request: AuthenticatedRequest, token_id: int) -> HttpResponse:
    try:
        actions.revoke_api_token(actor=request.user, token_id=token_id)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("The token is revoked."))
    return redirect("account")


def _console_context(request: AuthenticatedRequest) -> dict[str, object]:
    # Each selector reads what it shows through the vault's gate, into each person's log.
    applications = selectors.pending_applications(request.user)
    membership = selectors.require_role(request.user, Role.STEWARD)
    panels = console_panels.render(request, membership)
    members = selectors.list_members(request.user)
    return {
        "applications": applications,
        "panels": panels,
        "members": members,
        "note_form": DecisionNoteForm(),
        "status_form": MembershipStatusForm(),
    }


@login_required
def steward_console(request: AuthenticatedRequest) -> HttpResponse:
    try:
        selectors.require_role(request.user, Role.STEWARD)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "members/steward_console.html", _console_context(request))


@login_required
@require_POST
def decide_application(
    request: AuthenticatedRequest, application_id: int, decision: str
) -> HttpResponse:
    if decision not in ("admit", "reject"):
        raise Http404
    form = DecisionNoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if decision == "admit":
            actions.admit_application(
                actor=request.user,
                application_id=application_id,
                note=note,
            )
            messages.success(request, _("Admitted."))
        else:
            actions.reject_application(
                actor=request.user,
                application_id=application_id,
                note=note,
            )
            messages.success(request, _("Rejected, with your note to the applicant."))
    except DomainError as error:
        return render_refusal(request, error)
    return redirect("steward_console")


@login_required
@require_POST
def change_status(request: AuthenticatedRequest, membership_id: int) -> HttpResponse:
    form = MembershipStatusForm(request.POST)
    if not form.is_valid():
        return render_refusal(
            request, DomainError("invalid", _("Choose a status and give a reason."))
        )
    try:
        actions.change_membership_status(
            actor=request.user,
            membership_id=membership_id,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("The membership is updated."))
    return redirect("steward_console")
