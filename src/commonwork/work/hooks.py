"""What the work app lets higher layers act on (see core.hooks)."""

from __future__ import annotations

from dataclasses import dataclass

from commonwork.core.hooks import Hook
from commonwork.members.models import User
from commonwork.work.models import Task


@dataclass(frozen=True)
class TaskCompleted:
    """A task was completed: the books post the client's charge and the worker's pay
    (ledger connects). A completion that cannot be posted is not a completion: a handler
    that raises rolls the completion back."""

    task: Task
    actor: User | None


task_completed: Hook[TaskCompleted] = Hook("work.task_completed")
