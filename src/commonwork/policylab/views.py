"""The members' policy lab: start a comparison, watch it finish, read the report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonwork.core.errors import DomainError
from commonwork.core.idempotency import new_form_key, once_per_form
from commonwork.core.pages import render_refusal
from commonwork.core.panels import Panel
from commonwork.governance import labels
from commonwork.governance.models import Proposal, ProposalKind
from commonwork.governance.registry import PARAMETERS
from commonwork.governance.selectors import proposal_for
from commonwork.members.http import AuthenticatedRequest
from commonwork.members.selectors import cooperative_currency, require_role
from commonwork.policylab import actions
from commonwork.policylab.library import RULE_SETS
from commonwork.policylab.models import LabRun, RunStatus
from commonwork.policylab.report import as_html
from commonwork.policylab.selectors import heading_of, in_order, rule_set_names, summary_rows


@login_required
def lab(request: AuthenticatedRequest) -> HttpResponse:
    try:
        require_role(request.user)
    except DomainError as error:
        return render_refusal(request, error)
    return render(
        request, "policylab/lab.html", {"runs": LabRun.objects.all()[:20], "key": new_form_key()}
    )


@login_required
@require_POST
def start(request: AuthenticatedRequest) -> HttpResponse:
    try:
        run_id = once_per_form(
            request,
            request.POST.get("key", ""),
            lambda: (
                actions.start_run(
                    actor=request.user,
                    rule_sets=[
                        RULE_SETS["extractive"],
                        actions.cooperative_rules(actions.current_values(), "cooperative"),
                    ],
                ).pk
            ),
        )
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("The simulation is running; its report appears here."))
    return redirect("lab_run", run_id=run_id)


@login_required
def run_detail(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    try:
        require_role(request.user)
    except DomainError as error:
        return render_refusal(request, error)
    run = LabRun.objects.filter(pk=run_id).first()
    if run is None:
        raise Http404
    template = "policylab/run_body.html" if request.htmx else "policylab/run.html"  # type: ignore[attr-defined]
    context = {"run": run, "rows": summary_rows(run), "names": rule_set_names(run)}
    return render(request, template, context)


@login_required
def run_report(request: AuthenticatedRequest, run_id: int) -> HttpResponse:
    """The stand-alone HTML report with its charts."""
    try:
        require_role(request.user)
    except DomainError as error:
        return render_refusal(request, error)
    run = LabRun.objects.filter(pk=run_id).first()
    if run is None or run.status != RunStatus.DONE:
        raise Http404
    page = as_html(
        heading_of(run),
        in_order(run, run.summaries),
        in_order(run, run.spreads),
        translate=gettext,
        translate_plural=ngettext,
        language=get_language(),
        stylesheet=static("css/report.css"),
        back=(reverse("lab_run", args=[run.pk]), gettext("Back to the policy lab")),
    )
    return HttpResponse(page)


def _start_for_proposal(
    request: AuthenticatedRequest,
    proposal_id: int,
    start: Callable[[Proposal], LabRun],
    started: str,
) -> HttpResponse:
    """A lab run from a parameter change's page, once per form, back to the page."""
    try:
        require_role(request.user)
        proposal = proposal_for(request.user, proposal_id)
        if proposal.kind != ProposalKind.PARAMETER_CHANGE:
            raise Http404
        once_per_form(request, request.POST.get("key", ""), lambda: start(proposal).pk)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, started)
    return redirect("proposal_detail", proposal_id=proposal_id)


@login_required
@require_POST
def simulate_proposal(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    return _start_for_proposal(
        request,
        proposal_id,
        lambda proposal: actions.compare_proposal(actor=request.user, proposal=proposal),
        _("The simulation is running; its comparison appears below."),
    )


@login_required
@require_POST
def sweep_proposal(request: AuthenticatedRequest, proposal_id: int) -> HttpResponse:
    """ "What if it were 8, 10 or 12 %?": a small sweep of the rule the proposal changes."""
    typed = [request.POST.get(f"value_{i}", "") for i in range(1, actions.SWEEP_MOST_VALUES + 1)]
    return _start_for_proposal(
        request,
        proposal_id,
        lambda proposal: actions.sweep_proposal(actor=request.user, proposal=proposal, typed=typed),
        _("The sweep is running; its results appear below."),
    )


def _sweep_form(proposal: Proposal) -> dict[str, Any] | None:
    """The rule a sweep from this proposal tries, in words, and the values to start from:
    the rule now, as proposed, and blanks for the member's own."""
    name = actions.swept_rule(proposal)
    if name is None:
        return None
    spec = PARAMETERS[name]
    now = labels.to_display(spec.unit, actions.current_values()[name])
    proposed = labels.to_display(spec.unit, proposal.changes[name])
    shown = [now, proposed] if now != proposed else [now]
    values = (shown + [""] * actions.SWEEP_MOST_VALUES)[: actions.SWEEP_MOST_VALUES]
    unit = labels.display_unit(spec.unit, gettext, cooperative_currency())
    return {
        "key": new_form_key(),
        "values": values,
        "question": _("What if %(rule)s were each of these values (%(unit)s)?")
        % {"rule": labels.label(name, gettext), "unit": unit},
    }


def _sweep_heading(run: LabRun) -> str:
    if not run.sweep_parameter or run.sweep_parameter not in PARAMETERS:
        return ""
    return ngettext(
        "%(rule)s at each value tried: the mean of %(seeds)s run of the town's day.",
        "%(rule)s at each value tried: the mean of %(seeds)s runs of the town's day, each on "
        "another draw of its demand and workers.",
        run.seeds,
    ) % {"rule": labels.label(run.sweep_parameter, gettext), "seeds": run.seeds}


def proposal_comparison_panel(request: HttpRequest, proposal: Proposal) -> Panel | None:
    """On a parameter change's page: the lab's comparison of the rules now and as
    proposed, if one was run, and the button to run one while the vote is open."""
    if proposal.kind != ProposalKind.PARAMETER_CHANGE:
        return None
    run = proposal.lab_runs.order_by("-requested_at", "-id").first()
    context: dict[str, Any] = {
        "proposal": proposal,
        "lab_run": run,
        "simulate_key": new_form_key(),
        "sweep": _sweep_form(proposal),
    }
    if run is not None:
        context |= {
            "rows": summary_rows(run),
            "names": rule_set_names(run),
            "sweep_heading": _sweep_heading(run),
        }
    return "policylab/_proposal_comparison.html", context
