"""Lab runs in the background (settings.TASKS)."""

from __future__ import annotations

from django_tasks import task

from commonwork.core import clock
from commonwork.policylab.models import LabRun, RunStatus
from commonwork.policylab.runs import complete_run


@task()
def run_lab(run_id: int) -> str:
    try:
        return complete_run(run_id).status
    except Exception as error:
        LabRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=repr(error)[:2000], finished_at=clock.now()
        )
        return RunStatus.FAILED
