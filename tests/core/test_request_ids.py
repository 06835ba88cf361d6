"""Each request has an id: the proxy's when sane, made otherwise, answered in the
response, and on every log line written meanwhile (JSON for a log collector)."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from django.test import Client
from pythonjsonlogger.json import JsonFormatter

from commonwork.core.requests import RequestIdFilter, RequestIdMiddleware

pytestmark = pytest.mark.django_db


def test_a_request_is_answered_with_its_id(alice: Any) -> None:
    made = Client().get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="lb-42")["X-Request-ID"] == "lb-42"
    odd = Client().get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert odd != "<script>"


def test_log_lines_written_during_a_request_carry_its_id() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s %(request_id)s"))
    log = logging.getLogger("commonwork.test.requests")
    log.addHandler(handler)
    log.setLevel(logging.INFO)

    def view(request: Any) -> Any:
        from django.http import HttpResponse

        log.info("inside")
        return HttpResponse("ok")

    from django.test import RequestFactory

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="abc-123")
    RequestIdMiddleware(view)(request)
    log.info("outside")
    log.removeHandler(handler)
    inside, outside = (json.loads(line) for line in out.getvalue().splitlines())
    assert inside["request_id"] == "abc-123"
    assert inside["message"] == "inside"
    assert outside["request_id"] == ""
