"""`/metrics` for Prometheus: django-prometheus' request latency and database figures,
and the platform's own (core.metrics): round duration and size, the queue's depth and
age, job failures, audit write latency. Only for the addresses in METRICS_FROM (loopback
by default): the scraper, not the public."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView  # type: ignore[import-untyped]

from commonwork.core import clock
from commonwork.core.metrics import QUEUE_DEPTH, QUEUE_OLDEST_SECONDS
from commonwork.site.health import queue_state


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if request.META.get("REMOTE_ADDR") not in settings.METRICS_FROM:
        raise Http404
    queue = queue_state(clock.now())
    QUEUE_DEPTH.set(queue.get("ready", 0))
    QUEUE_OLDEST_SECONDS.set(queue.get("oldest_ready_seconds", 0))
    response: HttpResponse = ExportToDjangoView(request)
    return response
