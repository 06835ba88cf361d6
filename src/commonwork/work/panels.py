"""Sections of the work app's pages that higher apps fill (see core.panels)."""

from __future__ import annotations

from commonwork.core.panels import PanelSlot
from commonwork.work.models import Task

# The task page: dispatch adds why the task went to whom, the books add the tip form.
task_page: PanelSlot[Task] = PanelSlot("work.task_page")
