"""What the governance app lets higher layers act on (see core.hooks)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from commonwork.core.hooks import Hook
from commonwork.governance.models import Proposal


@dataclass(frozen=True)
class ProposalClosed:
    """A vote closed and its result is counted: an app whose decision went to the members
    (a refused claim's appeal) applies the result, in the closing transaction."""

    proposal: Proposal
    result: dict[str, Any]


proposal_closed: Hook[ProposalClosed] = Hook("governance.proposal_closed")
