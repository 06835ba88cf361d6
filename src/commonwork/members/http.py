"""Who is calling: the typed request of a logged-in page and the member behind an API
request. Views above this layer annotate `request: AuthenticatedRequest` so that
`request.user` is a `User`, never `AnonymousUser`, without a cast at each call."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from commonwork.core.http import api_user
from commonwork.members.models import User


class AuthenticatedRequest(HttpRequest):
    """A request whose user logged in (the view is behind `login_required`)."""

    user: User


def api_actor(request: HttpRequest) -> User:
    """The member behind the token or session django-ninja authenticated."""
    user = api_user(request)
    if not isinstance(user, User):
        raise TypeError("the API authenticates members' log-ins only")
    return user


def member_of(request: HttpRequest) -> User:
    """The logged-in user of a page section that only logged-in pages show (a panel)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
