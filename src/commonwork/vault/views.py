"""The member's own data ("My data") and the public inventory of what is kept and why."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonwork.core.errors import DomainError, NotFound
from commonwork.core.idempotency import new_form_key, once_per_form
from commonwork.core.pages import render_form_error, render_invalid_form, render_refusal
from commonwork.vault import actions, providers, selectors
from commonwork.vault.forms import ConsentForm
from commonwork.vault.registry import CATEGORIES, PURPOSES


def data_inventory(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "vault/inventory.html",
        {"categories": CATEGORIES.values(), "purposes": PURPOSES.values()},
    )


def _context(request: HttpRequest, form: ConsentForm | None = None) -> dict[str, Any]:
    wanted = request.GET.get("reads", "1")
    page = int(wanted) if wanted.isdigit() and 0 < int(wanted) < 100_000 else 1
    pages = max(1, -(-selectors.reads_count(request.user) // selectors.READS_PER_PAGE))
    page = min(page, pages)
    return {
        "data": selectors.my_data_by_category(request.user),
        "reads": selectors.who_read_my_data(request.user, page=page),
        "reads_page": page,
        "reads_pages": pages,
        "log_intact": selectors.access_log_intact(request.user),
        "given": selectors.consents_given(request.user),
        "received": selectors.consents_received(request.user),
        "exports": selectors.my_exports(request.user),
        "consent_form": form or ConsentForm(initial={"key": new_form_key()}),
        "export_key": new_form_key(),
        "may_erase": providers.erasable(providers.member_id_of(request.user)),
    }


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "vault/my_data.html", _context(request))


@login_required
@require_POST
def grant(request: HttpRequest) -> HttpResponse:
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return render_invalid_form(request, "vault/my_data.html", _context(request, form))
    data = form.cleaned_data
    try:
        recipient_id = providers.directory().member_id_by_username(data["recipient"])
        if recipient_id is None:
            raise NotFound("Member", field="recipient")
        once_per_form(
            request,
            data["key"],
            lambda: (
                actions.grant_consent(
                    actor=request.user,
                    recipient_id=recipient_id,
                    categories=data["categories"],
                    purpose=data["purpose"],
                    valid_days=data["valid_days"],
                    retention_days=data["retention_days"],
                    jurisdiction=data["jurisdiction"],
                ).pk
            ),
        )
    except DomainError as error:
        return render_form_error(
            request, "vault/my_data.html", _context(request, form), form, error
        )
    messages.success(request, _("Your consent is recorded. You can revoke it at any time."))
    return redirect("my_data")


@login_required
@require_POST
def revoke(request: HttpRequest, record_id: str) -> HttpResponse:
    try:
        actions.revoke_consent(actor=request.user, record_id=record_id)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("Revoked: from now on nobody reads your data under it."))
    return redirect("my_data")


@login_required
@require_POST
def request_export(request: HttpRequest) -> HttpResponse:
    once_per_form(
        request,
        request.POST.get("key", ""),
        lambda: actions.request_export(actor=request.user).pk,
    )
    messages.success(request, _("Your export is being prepared; it appears below when ready."))
    return redirect("my_data")


@login_required
def exports(request: HttpRequest) -> HttpResponse:
    """The list of exports alone, which the page refreshes while one is being prepared."""
    return render(request, "vault/exports.html", {"exports": selectors.my_exports(request.user)})


@login_required
def download_export(request: HttpRequest, export_id: int) -> HttpResponse:
    found = selectors.my_export_zip(request.user, export_id)
    if found is None:
        raise Http404
    export, archive = found
    response = HttpResponse(archive, content_type="application/zip")
    name = f"commonwork-my-data-{export.requested_at:%Y%m%d-%H%M%S}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def erase(request: HttpRequest) -> HttpResponse:
    """Erase everything, once the member has typed their user name to confirm."""
    if request.POST.get("confirm", "").strip() != request.user.get_username():
        messages.error(request, _("Type your user name exactly to confirm the erasure."))
        return redirect("my_data")
    try:
        actions.erase_member(actor=request.user)
    except DomainError as error:
        return render_refusal(request, error)
    logout(request)
    return render(request, "vault/erased.html")
