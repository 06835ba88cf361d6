"""Dispatch's share of members' personal data: the positions a stored round kept of each
available worker (for replay). Registered with the vault in DispatchConfig.ready."""

from __future__ import annotations

from datetime import datetime

from commonwork.dispatch.actions import expire_round_positions, redact_worker_positions
from commonwork.vault import providers
from commonwork.vault.providers import Rows


class RoundPositionsProvider:
    """Stored rounds keep the worker's position only inside the round's input, which the
    member sees through the round's explanation, not as rows of their own."""

    category = "location"

    def rows(self, member_id: int) -> Rows:
        return []

    def count(self, member_id: int) -> int:
        return 0

    def erase(self, member_id: int) -> None:
        redact_worker_positions(member_id)

    def expire(self, now: datetime) -> int:
        return expire_round_positions(now)


def register() -> None:
    providers.register_category(RoundPositionsProvider())
