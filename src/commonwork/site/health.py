"""`/healthz`, for load balancers and operators: the database answers (else 503), and how
the rest is doing — the task queue's depth and age, the elected scheduler's heartbeat and
each region's last dispatch round. JSON; no personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max, Min
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from commonwork.core import clock, scheduling
from commonwork.dispatch.models import DispatchRound

SCHEDULER_STALE = dt.timedelta(seconds=30)


def _rq_queue(now: dt.datetime) -> dict[str, Any]:
    import django_rq
    from redis.exceptions import RedisError

    queue = django_rq.get_queue("default")
    try:
        jobs = queue.get_jobs(0, 0)
        oldest = jobs[0].enqueued_at if jobs else None
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=dt.UTC)
        return {
            "backend": "redis",
            "ready": queue.count,
            "oldest_ready_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
            "failed": queue.failed_job_registry.count,
        }
    except RedisError as error:
        return {"backend": "redis", "error": str(error)[:200]}


def queue_state(now: dt.datetime) -> dict[str, Any]:
    if settings.REDIS_URL:
        return _rq_queue(now)
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready()
    oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
    return {
        "backend": "database",
        "ready": ready.count(),
        "oldest_ready_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
        "failed": DBTaskResult.objects.failed().count(),
    }


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    now = clock.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return JsonResponse({"ok": False, "database": str(error)[:200]}, status=503)
    beat = scheduling.heartbeat()
    rounds = {
        region or "city": finished.isoformat()
        for region, finished in DispatchRound.objects.values_list("region")
        .annotate(finished=Max("finished_at"))
        .values_list("region", "finished")
    }
    return JsonResponse(
        {
            "ok": True,
            "database": "ok",
            "queue": queue_state(now),
            "scheduler": {
                "heartbeat": beat.isoformat() if beat else None,
                "ok": beat is not None and now - beat < SCHEDULER_STALE,
            },
            "last_round": rounds,
        }
    )
