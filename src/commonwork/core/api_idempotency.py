"""Idempotency-Key support for the API's write endpoints (the mechanism is in
core.idempotency; this adapts it to ninja handlers)."""

import functools
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Status

from commonwork.core.http import api_user
from commonwork.core.idempotency import fingerprint, run_once


def _jsonable(body: Any) -> Any:
    if hasattr(body, "model_dump"):
        return body.model_dump(mode="json")
    if isinstance(body, list):
        return [_jsonable(item) for item in body]
    return body


def idempotent(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an API handler that writes: it runs in one transaction, and with an
    Idempotency-Key header, at most once per key (see `run_once`)."""

    @functools.wraps(handler)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Status[Any]:
        def operation() -> tuple[int, Any]:
            result = handler(request, *args, **kwargs)
            status, body = (
                (result.status_code, result.value) if isinstance(result, Status) else (200, result)
            )
            return status, _jsonable(body)

        key = request.headers.get("Idempotency-Key")
        if key is None:
            with transaction.atomic():
                return Status(*operation())
        return Status(
            *run_once(
                user_id=int(api_user(request).pk),
                key=key,
                request_fingerprint=fingerprint(
                    method=request.method or "", path=request.path, body=request.body
                ),
                operation=operation,
            )
        )

    return wrapper
