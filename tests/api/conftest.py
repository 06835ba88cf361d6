from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from commonwork.members import actions as member_actions
from commonwork.members.models import User


class ApiClient:
    """Calls /api/v1/ as one member, with their API token."""

    def __init__(self, client: Client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def call(
        self, method: str, path: str, body: Any = None, *, key: str | None = None
    ) -> tuple[int, Any]:
        headers = dict(self.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        kwargs: dict[str, Any] = {"headers": headers}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        response = getattr(self.client, method.lower())(f"/api/v1{path}", **kwargs)
        return response.status_code, response.json()

    def get(self, path: str) -> tuple[int, Any]:
        return self.call("GET", path)

    def post(self, path: str, body: Any = None, *, key: str | None = None) -> tuple[int, Any]:
        return self.call("POST", path, body if body is not None else {}, key=key)


@pytest.fixture
def as_member() -> Callable[[User | None], ApiClient]:
    def make(user: User | None) -> ApiClient:
        token = None
        if user is not None:
            _token, token = member_actions.create_api_token(actor=user, name="tests")
        return ApiClient(Client(), token)

    return make
