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
from commonwork.core.replica import reads_from_standby
from commonwork.governance import actions as proposals
from commonwork.governance import selectors, tally
from commonwork.governance.actions import GovernanceError
from commonwork.governance.forms import (
    PROPOSAL_FORMS,
    AppealForm,
    CommentForm,
    DelegationForm,
    ballot_from_post,
)
from commonwork.governance.models import ProposalKind
from commonwork.governance.panels import proposal_page
from commonwork.members.http import AuthenticatedRequest
from commonwork.members.selectors import get_cooperative, require_role, user_by_username


@login_required
def proposal_list(request: AuthenticatedRequest) -> HttpResponse:
    try:
        require_role(request.user)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "governance/proposals.html", _list_context(request))


def _list_context(
    request: AuthenticatedRequest, form: DelegationForm | None = None
) -> dict[str, Any]:
    return {
        "notices": selectors.unread_notices(request.user),
        "proposals": selectors.proposals_for(request.user)[:100],
        "delegations": selectors.live_delegations(request.user),
        "delegation_form": form or DelegationForm(),
        "kinds": ProposalKind.choices,
    }


@login_required
@require_POST
def delegate(request: AuthenticatedRequest) -> HttpResponse:
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
            actor=request.user,
            delegate_id=target.pk,
            kind=form.cleaned_data["kind"],
        )
    except DomainError as error:
        context = _list_context(request, form)
        return render_form_error(request, "governance/proposals.html", context, form, error)
    messages.success(
        request, _("Your votes of this kind now follow this member, unless you vote yourself.")
    )
    return redirect("proposals")


@login_required
@require_POST
def revoke(request: AuthenticatedRequest) -> HttpResponse:
    try:
        proposals.revoke_delegation(
            actor=request.user,
            kind=request.POST.get("kind", ""),
        )
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("Your vote is yours alone again."))
    return redirect("proposals")


@login_required
def proposal_new(request: AuthenticatedRequest) -> HttpResponse:
    try:
        require_role(request.user)
    except DomainError as error:
        return render_refusal(request, error)
    kind = request.GET.get("kind", ProposalKind.PARAMETER_CHANGE)
    form_class = PROPOSAL_FORMS.get(kind)
    if form_class is None:
        return render_refusal(
            request, GovernanceError("invalid", "There is no such kind of proposal.")
        )
    # The earliest window the governed notice and least voting time allow, to the minute.
    notice, voting = proposals.minimum_window(kind)
    opens = (clock.now() + notice + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
    initial: dict[str, Any] = {
        "key": new_form_key(),
        "voting_opens_at": opens,
        "voting_closes_at": opens + voting,
        # A suggestion elsewhere (the fee that would fund the floor) opens the form filled.
        "parameter": request.GET.get("parameter", ""),
        "value": request.GET.get("value", ""),
    }
    if kind == ProposalKind.BYLAW_AMENDMENT:
        cooperative = get_cooperative()
        initial["bylaws_after"] = cooperative.bylaws if cooperative else ""
    form = form_class(request.POST or None, initial=initial)
    context = {"form": form, "kind": kind, "kinds": ProposalKind.choices}
    if request.method != "POST":
        return render(request, "governance/proposal_new.html", context)
    if not form.is_valid():
        return render_invalid_form(request, "governance/proposal_new.html", context)
    data = form.cleaned_data

    def create() -> int:
        proposal = proposals.propose(
            actor=request.user,
            kind=kind,
            title=data["title"],
            reason=data["reason"],
            voting_opens_at=data["voting_opens_at"],
            voting_closes_at=data["voting_closes_at"],
            content=form.content(),
            secret=data["secret"],
            draft=data["draft"],
        )
        # A window that opens now opens at once, not at the scheduler's next tick.
        return proposals.open_voting(proposal_id=proposal.pk).pk

    try:
        proposal_id = once_per_form(request, data["key"], create)
    except DomainError as error:
        return render_form_error(request, "governance/proposal_new.html", context, form, error)
    if data["draft"]:
        messages.success(
            request, _("Your draft is saved. Only you can see it until you publish it.")
        )
    else:
        messages.success(request, _("Your proposal is published."))
    return redirect("proposal_detail", proposal_id=proposal_id)


@login_required
def proposal_detail(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    try:
        proposal = selectors.proposal_for(request.user, proposal_id)
        if proposal.subject_id != request.user.pk:  # a removed member still sees their case
            require_role(request.user)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "governance/proposal_detail.html", _detail_context(request, proposal))


def _detail_context(request: AuthenticatedRequest, proposal: Any) -> dict[str, Any]:
    ranks = list(range(1, len(proposal.options) + 1))
    statements = selectors.candidate_statements(proposal)
    found = selectors.find_secret_ballot(request.user, proposal, request.GET.get("receipt", ""))
    return {
        "proposal": proposal,
        "changes": selectors.changes_table(proposal),
        "diff": selectors.bylaws_diff(proposal),
        "my_ballot": selectors.my_ballot(request.user, proposal),
        "my_answer": selectors.answer_text(proposal, selectors.my_ballot(request.user, proposal)),
        "may_vote": selectors.may_vote(request.user, proposal),
        "ranks": ranks,
        "scores": range(tally.SCORE_RANGE[0], tally.SCORE_RANGE[1] + 1),
        "comments": proposal.comments.select_related("author"),
        "took_part": selectors.took_part(request.user, proposal),
        "secret_list": [
            (ballot, selectors.answer_text(proposal, ballot))
            for ballot in selectors.published_secret_ballots(proposal)
        ],
        "found": found,
        "found_answer": selectors.answer_text(proposal, found),
        "comment_form": CommentForm(initial={"key": new_form_key()}),
        "summary": selectors.result_summary(proposal),
        "winners": selectors.winner_labels(proposal),
        "appealable": selectors.appealable(request.user, proposal),
        "appeal_form": AppealForm(initial={"key": new_form_key()}),
        "is_author": proposal.author_id == request.user.pk,
        "results_visible": selectors.results_visible(proposal),
        "votes_with_reasons": selectors.votes_with_reasons(proposal),
        "live_tally": selectors.live_tally(proposal),
        "candidates": [(option, statements.get(option["key"], "")) for option in proposal.options],
        "my_statement": statements.get(str(request.user.pk), ""),
        "is_candidate": selectors.is_candidate(request.user, proposal),
        "timeline": selectors.timeline(proposal),
        "panels": proposal_page.render(request, proposal),
    }


@login_required
@require_POST
def publish(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    try:
        proposals.publish(actor=request.user, proposal_id=proposal_id)
        proposals.open_voting(proposal_id=proposal_id)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("Your proposal is published."))
    return redirect("proposal_detail", proposal_id=proposal_id)


@login_required
@require_POST
def appeal(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the removal should not stand."))
        return redirect("proposal_detail", proposal_id=proposal_id)
    try:
        appeal_id = once_per_form(
            request,
            form.cleaned_data["key"],
            lambda: (
                proposals.appeal_removal(
                    actor=request.user,
                    proposal_id=proposal_id,
                    reason=form.cleaned_data["reason"],
                ).pk
            ),
        )
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("Your appeal is published: the members will vote again."))
    return redirect("proposal_detail", proposal_id=appeal_id)


@login_required
@require_POST
def comment(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
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
                    actor=request.user,
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
def vote(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    try:
        proposal = selectors.proposal_for(request.user, proposal_id)
        keys = [option["key"] for option in proposal.options]
        choice, answer = ballot_from_post(
            proposal.method, keys, request.POST, request.POST.getlist("option")
        )
        receipt = request.POST.get("receipt", "").strip()
        if proposal.secret:
            vote = proposals.cast_secret_ballot(
                actor=request.user,
                proposal_id=proposal_id,
                choice=choice,
                answer=answer,
                receipt=receipt,
                reason=request.POST.get("reason", ""),
            )
            if not vote.receipt:
                messages.success(request, _("Your secret vote is changed."))
                return redirect("proposal_detail", proposal_id=proposal_id)
            messages.success(
                request,
                _(
                    "Your secret vote is recorded. Your receipt code is %(receipt)s: keep it "
                    "to change your vote or to find it in the published list. It is shown "
                    "only now."
                )
                % {"receipt": vote.receipt},
            )
        else:
            proposals.cast_ballot(
                actor=request.user,
                proposal_id=proposal_id,
                choice=choice,
                answer=answer,
                reason=request.POST.get("reason", ""),
            )
            messages.success(
                request, _("Your vote is recorded. You can change it until voting closes.")
            )
    except DomainError as error:
        return _back_to_proposal(request, proposal_id, error, "vote")
    return redirect("proposal_detail", proposal_id=proposal_id)


def _back_to_proposal(
    request: AuthenticatedRequest, proposal_id: int, error: DomainError, form: str
) -> HttpResponse:
    """The proposal's page again, with the refusal beside the form that was sent and what
    was typed in it kept; nothing was changed. A proposal the member may not see gets the
    plain refusal."""
    try:
        proposal = selectors.proposal_for(request.user, proposal_id)
    except DomainError:
        return render_refusal(request, error)
    context = _detail_context(request, proposal) | {
        "error": error,
        "error_form": form,
        "typed": request.POST,
    }
    return render(request, "governance/proposal_detail.html", context, status=error.status)


@login_required
@require_POST
def candidate_statement(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    try:
        proposals.write_candidate_statement(
            actor=request.user, proposal_id=proposal_id, body=request.POST.get("body", "")
        )
    except DomainError as error:
        return _back_to_proposal(request, proposal_id, error, "statement")
    messages.success(request, _("Your statement is published beside your name."))
    return redirect("proposal_detail", proposal_id=proposal_id)


@login_required
@require_POST
def outcome_statement(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    try:
        proposals.write_outcome_statement(
            actor=request.user, proposal_id=proposal_id, body=request.POST.get("body", "")
        )
    except DomainError as error:
        return _back_to_proposal(request, proposal_id, error, "outcome")
    messages.success(request, _("The outcome is published with the result."))
    return redirect("proposal_detail", proposal_id=proposal_id)


@login_required
@require_POST
def mark_notices_read(request: AuthenticatedRequest) -> HttpResponse:
    proposals.mark_notices_read(actor=request.user)
    return redirect("proposals")


@reads_from_standby
def results(request: HttpRequest) -> HttpResponse:
    return render(
        request, "governance/results.html", {"rows": selectors.closed_results(request.user)}
    )
