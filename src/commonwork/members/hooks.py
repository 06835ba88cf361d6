"""What the members app lets higher layers act on (see core.hooks)."""

from __future__ import annotations

from dataclasses import dataclass

from commonwork.core.hooks import Hook
from commonwork.members.models import Membership, User


@dataclass(frozen=True)
class SharesBought:
    """A member bought their shares on joining (the founder at founding, an applicant at
    admission): the books record the payment (ledger connects)."""

    membership: Membership
    actor: User | None


shares_bought: Hook[SharesBought] = Hook("members.shares_bought")
