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


@dataclass(frozen=True)
class TaskMoved:
    """A task changed status (any transition, after it is saved, in its transaction):
    federation tells the co-op a shared task came from, or the one doing it."""

    task: Task
    transition: str
    previous: str
    actor: User | None


task_moved: Hook[TaskMoved] = Hook("work.task_moved")
