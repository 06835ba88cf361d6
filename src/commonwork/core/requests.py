"""Each request's id, for logs an operator can follow across processes: taken from the
proxy's `X-Request-ID` when it sends a sane one, made otherwise, answered in the same
header, and added to every log record written while the request runs."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_current: ContextVar[str] = ContextVar("request_id", default="")
_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def current() -> str:
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        ident = given if _SANE.fullmatch(given) else uuid.uuid4().hex
        token = _current.set(ident)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = ident
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to each record ("" outside a request: a job, a command)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current()
        return True
