"""Idempotency keys: a retried request gets the first answer instead of a second effect.

`run_once` runs an operation and stores its answer in the SAME transaction, keyed by
(user, key). A retry with the same key and the same request gets the stored answer; the
same key with a different request is refused. Because the record and the effect commit
together, a crash leaves either both or neither, and two concurrent requests with one key
cannot both take effect: the loser's insert hits the unique constraint, its whole
transaction rolls back, and it answers with the winner's stored response.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from commonwork.core import clock
from commonwork.core.errors import DomainError
from commonwork.core.models import IdempotencyRecord

MAX_KEY_LENGTH = 200


def fingerprint(*, method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.upper().encode(), b"\0", path.encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()


def _stored(record: IdempotencyRecord, request_fingerprint: str) -> tuple[int, Any]:
    if record.request_fingerprint != request_fingerprint:
        raise DomainError(
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request.",
            field="Idempotency-Key",
        )
    return record.response_status, record.response_body


def run_once(
    *, user_id: int, key: str, request_fingerprint: str, operation: Callable[[], tuple[int, Any]]
) -> tuple[int, Any]:
    """Run `operation` (returning status and a JSON-able body) at most once per key."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise DomainError(
            "invalid",
            f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} characters.",
            field="Idempotency-Key",
        )
    existing = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
    if existing is not None:
        return _stored(existing, request_fingerprint)
    try:
        with transaction.atomic():
            status, body = operation()
            IdempotencyRecord.objects.create(
                user_id=user_id,
                key=key,
                request_fingerprint=request_fingerprint,
                response_status=status,
                response_body=body,
                created_at=clock.now(),
            )
    except IntegrityError:
        winner = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
        if winner is None:
            raise
        return _stored(winner, request_fingerprint)
    return status, body


def new_form_key() -> str:
    """Rendered into a form as a hidden field, so a resubmitted form (a double click, a
    reload) takes effect once."""
    return uuid.uuid4().hex


def once_per_form(request: HttpRequest, form_key: str, create: Callable[[], int]) -> int:
    """Run a page's write at most once per rendered form and return the id it made; the
    same form sent again returns the first id and changes nothing. A form sent without
    its key (not from our page) simply runs."""
    if not form_key or request.user.pk is None:
        return create()
    _status, body = run_once(
        user_id=request.user.pk,
        key=f"form:{form_key}",
        request_fingerprint=fingerprint(
            method=request.method or "POST", path=request.path, body=_form_content(request)
        ),
        operation=lambda: (201, {"id": create()}),
    )
    return int(body["id"])


def _form_content(request: HttpRequest) -> bytes:
    """What the form said, whatever its encoding (a multipart body cannot be re-read)."""
    fields = sorted(
        (name, values) for name, values in request.POST.lists() if name != "csrfmiddlewaretoken"
    )
    return json.dumps(fields, ensure_ascii=False).encode()
