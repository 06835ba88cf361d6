"""Issue 14, point 12: wrong passwords and unknown API tokens are throttled, by account
and by address, with a clear message and an audit entry."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client

from commonwork.core.models import AuditEntry
from tests.conftest import PASSWORD, log_in


def test_after_too_many_wrong_passwords_even_the_right_one_waits(bob: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert not log_in(client, "bob", "wrong-password")
    page = client.post("/login/", {"username": "bob", "password": PASSWORD})
    assert page.status_code == 429
    assert b'data-testid="locked-out"' in page.content
    assert not log_in(Client(), "bob", PASSWORD)  # the account waits, from anywhere
    entry = AuditEntry.objects.filter(action="login.locked_out").last()
    assert entry is not None
    assert entry.data["member"] == f"member:{bob.pk}"
    assert "bob" not in str(entry.data)


def test_one_address_guessing_many_accounts_is_stopped(bob: Any, carol: Any) -> None:
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, f"nobody-{i}", "guess")
    assert not log_in(client, "carol", PASSWORD)


def test_a_few_mistakes_then_the_right_password_works(bob: Any) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert not log_in(client, "bob", "typo")
    assert log_in(client, "bob", PASSWORD)


def test_guessing_api_tokens_is_throttled_by_address(bob: Any, as_member: Any) -> None:
    guesser = Client()
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        response = guesser.get("/api/v1/me", headers={"Authorization": f"Bearer cw_guess{i}"})
        assert response.status_code == 401
    response = guesser.get("/api/v1/me", headers={"Authorization": "Bearer cw_another"})
    assert (response.status_code, response.json()["code"]) == (429, "throttled")
    assert AuditEntry.objects.filter(action="login.locked_out", data__api=True).exists()
