"""What every page view shares: refusals shown to people, not just to programs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from commonwork.core.errors import DomainError


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Put an action's refusal on the form field it names, or on the form as a whole."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.localized())


def render_form_error(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any],
    form: forms.BaseForm,
    error: DomainError,
) -> HttpResponse:
    """Re-render the page with the refusal on the form, answering with the error's 4xx."""
    add_domain_error(form, error)
    return render(request, template_name, context, status=error.status)


def render_refusal(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A page that says why nothing happened, with the error's 4xx status: for a form
    sent, that nothing changed and a way back to the form (the browser keeps what was
    typed); for a page asked for, only why it cannot be shown."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    context = {"error": error, "changing": request.method == "POST", "back": back}
    return render(request, "core/refusal.html", context, status=error.status)


def render_invalid_form(
    request: HttpRequest, template_name: str, context: dict[str, Any]
) -> HttpResponse:
    """Re-render a form that failed its own validation (bad input), answering 400."""
    return render(request, template_name, context, status=400)
