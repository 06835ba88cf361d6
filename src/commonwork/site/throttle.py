"""Throttling of guesses: log-in passwords through django-axes (settings.AXES_*), and the
API's bearer tokens through the same store, by address. Every lockout is audited."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from ninja.errors import HttpError

from commonwork.core import audit
from commonwork.members.models import User


def _token_credentials(request: HttpRequest) -> dict[str, str]:
    # One bucket per address: a token names no account until it is found.
    AxesProxyHandler.update_request(request)
    return {"username": f"api-token@{getattr(request, 'axes_ip_address', '')}"}


def check_token_guessing(request: HttpRequest) -> None:
    """Refuse (429) an address that sent too many unknown tokens lately."""
    if AxesProxyHandler.is_locked(request, _token_credentials(request)):
        raise HttpError(429, "Too many unknown API tokens from this address: wait and retry.")


def token_refused(request: HttpRequest) -> None:
    """Count an unknown, revoked or suspended token against its address."""
    user_login_failed.send(
        sender=__name__, credentials=_token_credentials(request), request=request
    )


def lockout_response(request: HttpRequest, credentials: Any, *args: Any) -> HttpResponse:
    """What a locked-out request gets (settings.AXES_LOCKOUT_CALLABLE): the API's error
    shape under /api/, the page that explains the pause elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "code": "throttled",
                "message": "Too many failed attempts from here: wait and try again.",
                "field": None,
            },
            status=429,
        )
    cool_off = settings.AXES_COOLOFF_TIME
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": cool_off.seconds // 60},
        status=429,
    )


def on_locked_out(sender: Any, request: HttpRequest, username: str, **kwargs: Any) -> None:
    """Record the lockout in the audit log: the member's pseudonym, never the address or
    the name typed (both personal data the log would keep forever)."""
    user = User.objects.filter(username=username).only("pk").first()
    audit.record(
        actor=None,
        action="login.locked_out",
        data={
            "member": f"member:{user.pk}" if user else None,
            "api": username.startswith("api-token@"),
        },
    )
