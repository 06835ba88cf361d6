"""Reading an import in the background, run by the task backend (settings.TASKS)."""

from __future__ import annotations

from commonwork.core.jobs import one_off_task
from commonwork.platformdata.actions import read_upload


@one_off_task
def read_upload_in_background(upload_id: int) -> str:
    return read_upload(upload_id).status
