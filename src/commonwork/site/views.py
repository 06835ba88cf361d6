"""The public front door, log-in, and the redirect that takes each member home."""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from commonwork.members.models import Cooperative, Role
from commonwork.members.selectors import active_membership


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "core/landing.html")


class LoginForm(AuthenticationForm):
    """Django's log-in form, with the hooks the browser tests and password managers use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"data-testid": "login-username", "autocomplete": "username"}
        )
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"data-testid": "login-password", "autocomplete": "current-password"}
        )
        self.fields["password"].label = _("Password")


class CommonworkLoginView(LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


HOME_BY_ROLE = {
    Role.WORKER: "worker_home",
    Role.CLIENT: "client_home",
    Role.STEWARD: "steward_console",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each member lands where their work is; someone without a membership sees their
    application."""
    membership = active_membership(request.user)
    if membership is None:
        return redirect("application_status")
    return redirect(HOME_BY_ROLE[Role(membership.role)])


# --- the installable worker app (PWA) -----------------------------------------------------


def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: the worker's page opens full screen from the home screen."""
    cooperative = Cooperative.objects.first()
    name = cooperative.name if cooperative else "Commonwork"
    body = {
        "name": name,
        "short_name": name[:12],
        "description": str(_("Work, offers and pay, owned by the people who do the work.")),
        "start_url": reverse("worker_home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#fbfbf8",
        "theme_color": "#1f5f4a",
        "lang": get_language() or "en",
        "icons": [
            {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("icons/app-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/app-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return JsonResponse(body, content_type="application/manifest+json")


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the root so it covers every page (scope "/"). It
    keeps the shell and the last worker and task pages for when the signal drops."""
    shell = [
        static("css/site.css"),
        static("vendor/htmx.min.js"),
        static("js/app.js"),
        static("js/worker.js"),
        static("js/map.js"),
        static("vendor/leaflet/leaflet.js"),
        static("vendor/leaflet/leaflet.css"),
        static("favicon.svg"),
    ]
    response = render(
        request,
        "site/sw.js",
        {"shell": shell, "version": hashlib.sha256("".join(shell).encode()).hexdigest()[:12]},
        content_type="text/javascript",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response
