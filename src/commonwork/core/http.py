"""Who is calling an API operation, for the layers below the members app (which
narrows it to its own `User` in members.http)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest


def api_user(request: HttpRequest) -> AbstractBaseUser:
    """The log-in behind the token or session django-ninja authenticated."""
    user = getattr(request, "auth", None)
    if not isinstance(user, AbstractBaseUser):
        raise TypeError("api_user() is for operations behind authentication")
    return user
