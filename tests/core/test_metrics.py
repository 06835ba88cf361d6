"""/metrics: Prometheus' text format with the request figures (django-prometheus) and the
platform's own — audit write latency, round duration and size, the queue, job failures —
and only for the scraper's addresses."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tasks import task

from commonwork.dispatch.actions import run_round

pytestmark = pytest.mark.django_db


def test_metrics_show_requests_rounds_audit_writes_and_the_queue(client: Client, open_task) -> None:
    run_round()
    client.get("/healthz")

    response = client.get("/metrics")

    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in text
    assert 'commonwork_dispatch_round_seconds_count{region="city"}' in text
    assert 'commonwork_dispatch_round_tasks_bucket{le="1.0",region="city"}' in text
    assert "commonwork_audit_write_seconds_count" in text
    assert "commonwork_queue_depth " in text
    assert "commonwork_queue_oldest_seconds " in text


@task()
def failing_job() -> None:
    raise ValueError("a job that fails, for the count")


def test_a_failed_job_is_counted(settings) -> None:
    from commonwork.core.metrics import JOB_FAILURES

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    name = failing_job.name
    before = JOB_FAILURES.labels(task=name)._value.get()

    failing_job.enqueue()

    assert JOB_FAILURES.labels(task=name)._value.get() == before + 1


def test_metrics_are_not_for_the_public(client: Client, settings) -> None:
    settings.METRICS_FROM = ["10.0.0.9"]
    assert client.get("/metrics").status_code == 404
