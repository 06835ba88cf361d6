"""Who is calling: the member an API request authenticated as."""

from __future__ import annotations

from django.http import HttpRequest

from commonwork.members.models import User


def api_actor(request: HttpRequest) -> User:
    """The member behind the token or session django-ninja authenticated."""
    actor: User = request.auth  # type: ignore[attr-defined]
    return actor
