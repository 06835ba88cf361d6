from typing import Any

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "commonwork.core"
    label = "core"

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        task_finished.connect(_count_failure, dispatch_uid="commonwork.core.job_failures")


def _count_failure(sender: Any, task_result: Any, **kwargs: Any) -> None:
    from django_tasks import TaskResultStatus

    from commonwork.core.metrics import JOB_FAILURES

    if task_result.status == TaskResultStatus.FAILED:
        JOB_FAILURES.labels(task=task_result.task.name).inc()
