"""Shapes and limits shared by the work actions."""

from __future__ import annotations

from typing import Protocol

from commonwork.members.models import User
from commonwork.work.models import (
    Task,
)

MAX_ESTIMATED_MINUTES = 7 * 24 * 60


class TaskAction(Protocol):
    """The shape of the simple transition actions: who acts, on which task."""

    def __call__(self, *, actor: User, task_id: int) -> Task: ...


MAX_RATE_MINOR = 10_000_000
