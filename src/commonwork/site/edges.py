"""The edges every request crosses before any view: text the databases cannot store and
bodies too large to read are refused here, in the API's error shape for the API.

- A JSON string with a lone surrogate ("\\ud800") cannot be encoded as UTF-8 (the audit
  log's hash, PostgreSQL's JSON) and a NUL character is refused by PostgreSQL's text
  types: both are answered 422 before anything runs, naming the field.
- A body over settings.DATA_UPLOAD_MAX_MEMORY_SIZE is answered 413 (Django would raise
  RequestDataTooBig, a 400 with a traceback when DEBUG is on).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

API_PREFIX = "/api/"


def _bad_character(text: str) -> str | None:
    """Why this text cannot be stored, or None."""
    if "\x00" in text:
        return "a NUL character"
    if any(0xD800 <= ord(char) <= 0xDFFF for char in text):
        return "a lone surrogate (not a character)"
    return None


def odd_text(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(field, why) for every string in a parsed JSON value that cannot be stored."""
    if isinstance(value, str):
        why = _bad_character(value)
        if why is not None:
            yield where, why
    elif isinstance(value, dict):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            why = _bad_character(str(key))
            if why is not None:
                yield path, why
            yield from odd_text(item, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from odd_text(item, f"{where}.{index}" if where else str(index))


def _error(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "field": field}, status=status)


class EdgeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path.startswith(API_PREFIX)
        if not (request.content_type or "").startswith("multipart/"):
            try:
                body = request.body
            except RequestDataTooBig:
                message = "The request body is too large."
                if is_api:
                    return _error(413, "too_large", message)
                return HttpResponse(message, status=413, content_type="text/plain")
            if is_api:
                refusal = self._refuse_odd_text(request, body)
                if refusal is not None:
                    return refusal
        return self.get_response(request)

    def _refuse_odd_text(self, request: HttpRequest, body: bytes) -> HttpResponse | None:
        found = [
            (key, why)
            for key, value in request.GET.lists()
            for text in [key, *value]
            if (why := _bad_character(text)) is not None
        ]
        if body and request.content_type == "application/json":
            # Not JSON at all: the API's own parser answers that.
            with contextlib.suppress(ValueError, RecursionError):
                found += list(odd_text(json.loads(body)))
        if not found:
            return None
        field, why = found[0]
        return _error(422, "invalid", f"{field}: the text holds {why}.", field or None)


def is_unavailable(error: BaseException) -> bool:
    """Whether a database error means the database is away (restarting, failing over,
    out of connections), not that a query is wrong."""
    return isinstance(error, (OperationalError, InterfaceError))


class DatabaseUnavailableMiddleware:
    """Pages answer 503 with Retry-After while the database is away, in the API's shape
    under /api/ and as a short page elsewhere; never Django's 500. (Errors raised in a
    middleware rather than a view reach site.urls.handler500, which answers the same.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return self.unavailable(request) if is_unavailable(exception) else None

    @staticmethod
    def unavailable(request: HttpRequest) -> HttpResponse:
        message = gettext("The database is not answering; try again in a moment.")
        response: HttpResponse
        if request.path.startswith(API_PREFIX):
            response = JsonResponse(
                {"code": "unavailable", "message": message, "field": None}, status=503
            )
        else:
            response = HttpResponse(
                f"<!doctype html><title>503</title><p>{message}</p>",
                status=503,
                content_type="text/html; charset=utf-8",
            )
        response["Retry-After"] = "2"
        return response
