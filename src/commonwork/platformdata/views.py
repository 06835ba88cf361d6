"""Bring your data: anyone reads their platform files into figures; a member's import
is kept (the figures; the files only as long as the retention allows) and can be
downloaded and erased."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commonwork.core.errors import DomainError
from commonwork.core.pages import render_invalid_form, render_refusal
from commonwork.members.http import AuthenticatedRequest
from commonwork.members.selectors import active_membership
from commonwork.platformdata import actions, selectors
from commonwork.platformdata.figures import DEFINITIONS
from commonwork.platformdata.forms import UploadForm
from commonwork.platformdata.readers import FORMATS
from commonwork.platformdata.reading import read_files, vehicles
from commonwork.platformdata.tasks import read_upload_in_background
from commonwork.vault.actions import consent_to_purpose, withdraw_from_purpose
from commonwork.vault.actions.consent import live_purpose_consent
from commonwork.vault.registry import CONSENT_PURPOSES


def _context(request: HttpRequest, form: UploadForm | None = None) -> dict[str, Any]:
    member = active_membership(request.user)
    return {
        "form": form or UploadForm(vehicles=vehicles()),
        "formats": [label for _, label, _, _ in FORMATS],
        "member": member is not None,
        "uploads": selectors.my_uploads(member.user) if member is not None else [],
    }


def _files(request: HttpRequest) -> list[tuple[str, bytes]]:
    return [(f.name or "file", f.read()) for f in request.FILES.getlist("uploaded")]


def start(request: HttpRequest) -> HttpResponse:
    """The page: drop the files. A member's import is read in the background and kept
    for them; a visitor's is read now and nothing of it is stored."""
    if request.method != "POST":
        return render(request, "platformdata/start.html", _context(request))
    form = UploadForm(request.POST, request.FILES, vehicles=vehicles())
    if not form.is_valid():
        return render_invalid_form(request, "platformdata/start.html", _context(request, form))
    hours = form.cleaned_data["fixed_hours"] or 0.0
    place = {
        "country": form.cleaned_data["country"] or "",
        "vehicle": form.cleaned_data["vehicle"] or "",
    }
    membership = active_membership(request.user)
    if membership is None:
        report = read_files(
            _files(request),
            fixed_hours=hours,
            country=place["country"] or None,
            vehicle=place["vehicle"] or None,
        ).as_json()
        context = {
            "report": report,
            "upload": None,
            "chart": pay_chart(report),
            "rejected": rejected_rows(report),
        }
        return render(request, "platformdata/report.html", context)
    try:
        upload = actions.receive_upload(
            actor=membership.user, files=_files(request), fixed_hours=hours, **place
        )
    except DomainError as error:
        return render_refusal(request, error)
    read_upload_in_background.enqueue(upload.pk)
    return redirect("platform_import", upload_id=upload.pk)


def how(request: HttpRequest) -> HttpResponse:
    """How to ask each platform for your data, and what each figure means."""
    return render(request, "platformdata/how.html", {"definitions": DEFINITIONS})


def pay_chart(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each week's pay there and what the co-op would have paid, as bars of one scale."""
    weeks = report.get("weeks", [])
    top = max(
        [max(w["pay_minor"] + w["tips_minor"], w["coop_pay_minor"] or 0) for w in weeks] or [0]
    )
    scale = 100 / top if top > 0 else 0
    return [
        {
            "period": w["period"],
            "currency": w["currency"],
            "there_minor": w["pay_minor"] + w["tips_minor"],
            "here_minor": w["coop_pay_minor"],
            "there": round((w["pay_minor"] + w["tips_minor"]) * scale, 2),
            "here": round((w["coop_pay_minor"] or 0) * scale, 2),
        }
        for w in weeks
    ]


def rejected_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each rejected row with its reason in the page's language, the values it quotes
    (a cell, a file name) set apart as written."""
    rows = []
    for row in report.get("rejected_rows", []):
        params = {k: format_html("<code>{}</code>", v) for k, v in row.get("params", {}).items()}
        message = row.get("message")
        why = mark_safe(escape(_(message)) % params) if message else escape(row["reason"])  # noqa: S308 - each part escaped above
        rows.append({"file": row["file"], "line": row["line"], "why": why})
    return rows


@login_required
def detail(request: AuthenticatedRequest, upload_id: int) -> HttpResponse:
    try:
        upload = selectors.my_upload(request.user, upload_id)
    except DomainError as error:
        return render_refusal(request, error)
    context = {
        "report": upload.report,
        "upload": upload,
        "chart": pay_chart(upload.report) if upload.report else [],
        "rejected": rejected_rows(upload.report) if upload.report else [],
        "donating": live_purpose_consent(request.user.pk, "commons_imports") is not None,
        "purpose": CONSENT_PURPOSES["commons_imports"],
    }
    return render(request, "platformdata/report.html", context)


@login_required
@require_POST
def donate(request: AuthenticatedRequest, upload_id: int) -> HttpResponse:
    """Donate the figures of one's imports to the commons (only as its noisy releases),
    or stop: a consent record like any other."""
    try:
        selectors.my_upload(request.user, upload_id)
        if request.POST.get("donate") == "yes":
            consent_to_purpose(actor=request.user, purpose_key="commons_imports")
            messages.success(
                request, _("Thank you: the commons' next releases count your figures.")
            )
        else:
            withdraw_from_purpose(actor=request.user, purpose_key="commons_imports")
            messages.success(request, _("Stopped: no release from now on counts your figures."))
    except DomainError as error:
        return render_refusal(request, error)
    return redirect("platform_import", upload_id=upload_id)


@login_required
def download(request: AuthenticatedRequest, upload_id: int) -> HttpResponse:
    try:
        upload = selectors.my_upload(request.user, upload_id)
    except DomainError as error:
        return render_refusal(request, error)
    response = HttpResponse(
        json.dumps(upload.report or {}, ensure_ascii=False, indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="platform-figures-{upload.pk}.json"'
    return response


@login_required
@require_POST
def erase(request: AuthenticatedRequest, upload_id: int) -> HttpResponse:
    try:
        actions.erase_upload(actor=request.user, upload_id=upload_id)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("Erased: the files and the figures are gone."))
    return redirect("platform_import_start")
