"""Hooks: how a lower layer lets a higher one act on its events without importing it.

The lower app declares a `Hook` next to the event (`work.hooks.task_completed`); a higher
app connects a handler in its `AppConfig.ready`. `fire` calls every handler in the order
they were connected, synchronously and inside the caller's transaction, so an effect and
its consequences commit or roll back together (a completion that cannot be posted to the
books is not a completion). Unlike Django's signals, a hook is typed by its event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Event = TypeVar("Event")


class Hook(Generic[Event]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Callable[[Event], None]] = []

    def connect(self, handler: Callable[[Event], None]) -> None:
        """Add a handler (connecting the same one twice keeps one)."""
        if handler not in self._handlers:
            self._handlers.append(handler)

    def fire(self, event: Event) -> None:
        for handler in list(self._handlers):
            handler(event)

    def __repr__(self) -> str:
        return f"Hook({self.name!r}, {len(self._handlers)} handlers)"
