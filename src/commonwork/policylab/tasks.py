"""Lab runs in the background (settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from commonwork.policylab.actions import complete_run, fail_run
from commonwork.policylab.models import RunStatus


@task()
def run_lab(run_id: int) -> str:
    try:
        return complete_run(run_id).status
    except Exception as error:
        fail_run(run_id, error)
        return RunStatus.FAILED
