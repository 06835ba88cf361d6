"""While the database is away (restarting, failing over) a request gets 503 with
Retry-After, in the API's error shape under /api/ — never a 500; a wrong query is still
a bug and answered as one."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError, ProgrammingError
from django.test import Client

pytestmark = pytest.mark.django_db


def _fail_with(monkeypatch: Any, error: Exception) -> None:
    def away() -> Any:
        raise error

    monkeypatch.setattr("commonwork.ledger.selectors.transparency", away)


def test_the_api_answers_503_while_the_database_is_away(client: Client, monkeypatch) -> None:
    _fail_with(monkeypatch, OperationalError("terminating connection due to administrator"))

    response = client.get("/api/v1/transparency")

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.json()["code"] == "unavailable"


def test_a_page_answers_503_in_the_readers_language(client: Client, monkeypatch) -> None:
    _fail_with(monkeypatch, OperationalError("the database system is shutting down"))

    english = client.get("/transparency/")
    chinese = client.get("/zh-hans/transparency/")

    assert english.status_code == chinese.status_code == 503
    assert "try again in a moment" in english.content.decode()
    assert "try again" not in chinese.content.decode()


def test_a_wrong_query_is_still_a_bug(client: Client, monkeypatch) -> None:
    _fail_with(monkeypatch, ProgrammingError("column does not exist"))

    response = client.get("/api/v1/transparency")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"


def test_outside_a_view_the_error_handler_answers_503_too(rf) -> None:
    from commonwork.site.urls import handler500

    request = rf.get("/api/v1/transparency")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        away = handler500(request)
    try:
        raise ValueError("a bug")
    except ValueError:
        bug = handler500(request)

    assert away.status_code == 503
    assert bug.status_code == 500
