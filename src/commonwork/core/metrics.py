"""The platform's own Prometheus metrics, beside django-prometheus' request and database
ones. Served at /metrics (site.metrics). With several processes on one machine, set
PROMETHEUS_MULTIPROC_DIR (an empty folder) for all of them and the figures are summed."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

AUDIT_WRITE_SECONDS = Histogram(
    "commonwork_audit_write_seconds",
    "Time to append one audit entry (lock its chain's head, write, move the head).",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
ROUND_SECONDS = Histogram(
    "commonwork_dispatch_round_seconds",
    "Time of one dispatch round, from its lock to its offers.",
    ["region"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
ROUND_SIZE = Histogram(
    "commonwork_dispatch_round_tasks",
    "Open tasks in one dispatch round's input.",
    ["region"],
    buckets=(0, 1, 5, 10, 50, 100, 500, 1000, 5000, 20000),
)
JOB_FAILURES = Counter(
    "commonwork_job_failures", "Background jobs that ended in failure.", ["task"]
)
QUEUE_DEPTH = Gauge(
    "commonwork_queue_depth", "Jobs waiting in the task queue.", multiprocess_mode="livemax"
)
QUEUE_OLDEST_SECONDS = Gauge(
    "commonwork_queue_oldest_seconds",
    "Age of the oldest waiting job.",
    multiprocess_mode="livemax",
)
