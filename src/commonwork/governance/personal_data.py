"""Governance's share of members' personal data: what they wrote under their name in the
discussions, and their name as a candidate. Registered with the vault in
GovernanceConfig.ready."""

from __future__ import annotations

from datetime import datetime

from commonwork.governance.actions.personal_data import erase_words
from commonwork.governance.models import Ballot, CandidateStatement, Comment
from commonwork.vault import providers
from commonwork.vault.providers import Rows


class WordsProvider:
    category = "identity"

    def rows(self, member_id: int) -> Rows:
        comments: Rows = [
            {"record": "comment", **row}
            for row in Comment.objects.filter(author_id=member_id)
            .order_by("created_at", "id")
            .values("proposal_id", "body", "created_at")
        ]
        reasons: Rows = [
            {
                "record": "reason for a vote",
                "proposal_id": row["proposal_id"],
                "body": row["reason"],
                "created_at": row["cast_at"],
            }
            for row in Ballot.objects.filter(voter_id=member_id)
            .exclude(reason="")
            .values("proposal_id", "reason", "cast_at")
        ]
        statements: Rows = [
            {
                "record": "candidate statement",
                "proposal_id": row["proposal_id"],
                "body": row["body"],
                "created_at": row["written_at"],
            }
            for row in CandidateStatement.objects.filter(candidate_id=member_id).values(
                "proposal_id", "body", "written_at"
            )
        ]
        return comments + reasons + statements

    def count(self, member_id: int) -> int:
        return (
            Comment.objects.filter(author_id=member_id).count()
            + Ballot.objects.filter(voter_id=member_id).exclude(reason="").count()
            + CandidateStatement.objects.filter(candidate_id=member_id).count()
        )

    def erase(self, member_id: int) -> None:
        erase_words(member_id)

    def expire(self, now: datetime) -> int:
        return 0


def register() -> None:
    providers.register_category(WordsProvider())
