"""The public front door, log-in, and the redirect that takes each member home."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from commonwork.members.models import Role
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
