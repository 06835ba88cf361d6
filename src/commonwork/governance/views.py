"""Proposals, ballots and results: the pages through which members change the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonwork.core import clock
from commonwork.core.errors import DomainError, NotFound
from commonwork.core.idempotency import new_form_key, once_per_form
from commonwork.core.pages import render_form_error, render_invalid_form, render_refusal
from commonwork.governance import proposals, selectors
from commonwork.governance.forms import (
    BallotForm,
    CommentForm,
    DelegationForm,
    ParameterProposalForm,
)
from commonwork.governance.models import Notice, ProposalKind
from commonwork.members.selectors import require_role, user_by_username


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    try:
        require_role(request.user)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "governance/proposals.html", _list_context(request))


def _list_context(request: HttpRequest, form: DelegationForm | None = None) -> dict[str, Any]:
    return {
        "notices": selectors.unread_notices(request.user),
        "proposals": selectors.proposals_for(request.user)[:100],
        "delegation": selectors.live_delegation(request.user, ProposalKind.PARAMETER_CHANGE),
        "delegation_form": form or DelegationForm(),
    }


@login_required
@require_POST
def delegate(request: HttpRequest) -> HttpResponse:
    form = DelegationForm(request.POST)
    if not form.is_valid():
        return render_invalid_form(
            request, "governance/proposals.html", _list_context(request, form)
        )
    try:
        target = user_by_username(form.cleaned_data["delegate"])
        if target is None:
            raise NotFound("Member", field="delegate")
        proposals.delegate_votes(
            actor=request.user,  # type: ignore[arg-type]
            delegate_id=target.pk,
            kind=ProposalKind.PARAMETER_CHANGE,
        )
    except DomainError as error:
        context = _list_context(request, form)
        return render_form_error(request, "governance/proposals.html", context, form, error)
    messages.success(
        request, _("Your votes on rule changes now follow this member, unless you vote yourself.")
    )
    return redirect("proposals")


@login_required
@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    try:
        proposals.revoke_delegation(
            actor=request.user,  # type: ignore[arg-type]
            kind=ProposalKind.PARAMETER_CHANGE,
        )
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("Your vote is yours alone again."))
    return redirect("proposals")


@login_required
def proposal_new(request: HttpRequest) -> HttpResponse:
    try:
        require_role(request.user)
    except DomainError as error:
        return render_refusal(request, error)
    now = clock.now().replace(second=0, microsecond=0)
    form = ParameterProposalForm(
        request.POST or None,
        initial={
            "key": new_form_key(),
            "voting_opens_at": now,
            "voting_closes_at": now + dt.timedelta(days=3),
        },
    )
    context = {"form": form}
    if request.method != "POST":
        return render(request, "governance/proposal_new.html", context)
    if not form.is_valid():
        return render_invalid_form(request, "governance/proposal_new.html", context)
    data = form.cleaned_data

    def create() -> int:
        proposal = proposals.propose_parameter_change(
            actor=request.user,  # type: ignore[arg-type]
            title=data["title"],
            reason=data["reason"],
            changes={data["parameter"]: data["value"]},
            voting_opens_at=data["voting_opens_at"],
            voting_closes_at=data["voting_closes_at"],
            secret=data["secret"],
        )
        # A window that opens now opens at once, not at the scheduler's next tick.
        proposals.open_voting(proposal_id=proposal.pk)
        return proposal.pk

    try:
        proposal_id = once_per_form(request, data["key"], create)
    except DomainError as error:
        return render_form_error(request, "governance/proposal_new.html", context, form, error)
    messages.success(request, _("Your proposal is published."))
    return redirect("proposal_detail", proposal_id=proposal_id)


@login_required
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    try:
        require_role(request.user)
        proposal = selectors.proposal_by_id(proposal_id)
    except DomainError as error:
        return render_refusal(request, error)
    return render(
        request,
        "governance/proposal_detail.html",
        {
            "proposal": proposal,
            "changes": selectors.changes_table(proposal),
            "my_ballot": selectors.my_ballot(request.user, proposal),
            "may_vote": selectors.may_vote(request.user, proposal),
            "ballot_form": BallotForm(),
            "comments": proposal.comments.select_related("author"),
            "took_part": selectors.took_part(request.user, proposal),
            "secret_list": selectors.published_secret_ballots(proposal),
            "found": selectors.find_secret_ballot(proposal, request.GET.get("receipt", "")),
            "comment_form": CommentForm(initial={"key": new_form_key()}),
        },
    )


@login_required
@require_POST
def comment(request: HttpRequest, proposal_id: int) -> HttpResponse:
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write something before sending."))
        return redirect("proposal_detail", proposal_id=proposal_id)
    try:
        once_per_form(
            request,
            form.cleaned_data["key"],
            lambda: (
                proposals.comment_on(
                    actor=request.user,  # type: ignore[arg-type]
                    proposal_id=proposal_id,
                    body=form.cleaned_data["body"],
                ).pk
            ),
        )
    except DomainError as error:
        return render_refusal(request, error)
    return redirect("proposal_detail", proposal_id=proposal_id)


@login_required
@require_POST
def vote(request: HttpRequest, proposal_id: int) -> HttpResponse:
    form = BallotForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vote yes, no or abstain."))
        return redirect("proposal_detail", proposal_id=proposal_id)
    try:
        if selectors.proposal_by_id(proposal_id).secret:
            receipt, _ballot = proposals.cast_secret_ballot(
                actor=request.user,  # type: ignore[arg-type]
                proposal_id=proposal_id,
                choice=form.cleaned_data["choice"],
                receipt=form.cleaned_data["receipt"],
            )
            if form.cleaned_data["receipt"]:
                messages.success(request, _("Your secret vote is changed."))
                return redirect("proposal_detail", proposal_id=proposal_id)
            messages.success(
                request,
                _(
                    "Your secret vote is recorded. Your receipt code is %(receipt)s: keep it "
                    "to change your vote or to find it in the published list. It is shown "
                    "only now."
                )
                % {"receipt": receipt},
            )
        else:
            proposals.cast_ballot(
                actor=request.user,  # type: ignore[arg-type]
                proposal_id=proposal_id,
                choice=form.cleaned_data["choice"],
            )
            messages.success(
                request, _("Your vote is recorded. You can change it until voting closes.")
            )
    except DomainError as error:
        return render_refusal(request, error)
    return redirect("proposal_detail", proposal_id=proposal_id)


@login_required
@require_POST
def mark_notices_read(request: HttpRequest) -> HttpResponse:
    Notice.objects.filter(member_id=request.user.pk, read_at__isnull=True).update(
        read_at=clock.now()
    )
    return redirect("proposals")


def results(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/results.html", {"rows": selectors.closed_results()})
