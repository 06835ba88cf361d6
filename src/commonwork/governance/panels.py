"""Sections of governance's pages that higher apps fill (see core.panels)."""

from __future__ import annotations

from commonwork.core.panels import PanelSlot
from commonwork.governance.models import Proposal

# A proposal's page: the policy lab adds its comparison of the rules now and as proposed.
proposal_page: PanelSlot[Proposal] = PanelSlot("governance.proposal_page")
