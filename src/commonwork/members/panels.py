"""Sections of the members app's pages that higher apps fill (see core.panels)."""

from __future__ import annotations

from commonwork.core.panels import PanelSlot
from commonwork.members.models import Membership

# The steward console: the apps above add their stewards' queues (open disputes, ...).
steward_console: PanelSlot[Membership] = PanelSlot("members.steward_console")
