"""Panels: how a higher app adds a section to a lower app's page without being imported.

A page declares a `PanelSlot` (`work.panels.task_page`); a higher app registers a panel
function in its `AppConfig.ready`. The page's view calls `slot.render(request, obj)`, and
its template writes each returned piece of HTML where the slot stands. A panel function
returns None when it has nothing to show this reader (the tip form to anyone but the
task's client, say).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

Subject = TypeVar("Subject")
# What a panel function returns: the template to render and its context.
Panel = tuple[str, Mapping[str, Any]]
PanelFunction = Callable[[HttpRequest, Subject], Panel | None]


class PanelSlot(Generic[Subject]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._panels: list[PanelFunction[Subject]] = []

    def register(self, panel: PanelFunction[Subject]) -> None:
        if panel not in self._panels:
            self._panels.append(panel)

    def render(self, request: HttpRequest, subject: Subject) -> list[SafeString]:
        """Each registered panel's HTML for this reader and subject, in order."""
        pieces = []
        for panel in self._panels:
            found = panel(request, subject)
            if found is not None:
                template, context = found
                pieces.append(SafeString(render_to_string(template, dict(context), request)))
        return pieces
