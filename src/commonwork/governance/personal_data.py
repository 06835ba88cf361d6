"""Governance's share of members' personal data: what they wrote under their name in the
discussions, and their name as a candidate. Registered with the vault in
GovernanceConfig.ready."""

from __future__ import annotations

from datetime import datetime

from commonwork.governance.actions.personal_data import erase_words
from commonwork.governance.models import Comment
from commonwork.vault import providers
from commonwork.vault.providers import Rows


class WordsProvider:
    category = "identity"

    def rows(self, member_id: int) -> Rows:
        return [
            {"record": "comment", **row}
            for row in Comment.objects.filter(author_id=member_id)
            .order_by("created_at", "id")
            .values("proposal_id", "body", "created_at")
        ]

    def count(self, member_id: int) -> int:
        return Comment.objects.filter(author_id=member_id).count()

    def erase(self, member_id: int) -> None:
        erase_words(member_id)

    def expire(self, now: datetime) -> int:
        return 0


def register() -> None:
    providers.register_category(WordsProvider())
