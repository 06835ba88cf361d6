"""The whole API fuzzed from its own OpenAPI schema, in process, as a worker and as a
steward: no operation answers 5xx, and every status it answers is declared in the
schema (issue 14). A bounded number of examples per operation keeps it to minutes.

Schemathesis's own pytest plugin does not run under pytest 9 yet, so each operation's
strategy is driven by hypothesis here, one operation after another, and every failure is
collected before the test reports them all."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from commonwork.members import actions as member_actions
from commonwork.wsgi import application

EXAMPLES_PER_OPERATION = 8
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance]


def _fuzz(user: Any) -> list[str]:
    """Every failure, as "METHOD path: what", after fuzzing each operation as `user`.

    The calls go through the WSGI handler, which closes the database connection at the
    end of each request; as Django's own test client does, that is switched off here, or
    the test's transaction (on PostgreSQL) would be closed under it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        return _fuzz_operations(user)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz_operations(user: Any) -> list[str]:
    _token, plain = member_actions.create_api_token(actor=user, name="fuzzing")
    headers = {"Authorization": f"Bearer {plain}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid schema raises

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            suppress_health_check=list(HealthCheck),
            deadline=None,
            database=None,
        )
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as failure:
            first = str(failure).strip().splitlines()[:3]
            failures.append(f"{operation.method.upper()} {operation.path}: {' | '.join(first)}")
    return failures


# Each role meets a co-op with a client, a tariff and an open task, so that the fuzzed
# calls meet real rows as well as missing ones.
@pytest.mark.slow
def test_as_a_worker_no_operation_fails_or_answers_an_undeclared_status(
    bob: Any, dan: Any, open_task: Any
) -> None:
    assert _fuzz(bob) == []


@pytest.mark.slow
def test_as_a_steward_no_operation_fails_or_answers_an_undeclared_status(
    alice: Any, bob: Any, dan: Any, open_task: Any
) -> None:
    assert _fuzz(alice) == []
