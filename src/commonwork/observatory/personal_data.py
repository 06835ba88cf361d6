"""The observatory's share of members' personal data: their self-declared groups."""

from __future__ import annotations

import json
from datetime import datetime

from commonwork.observatory.actions import erase_declaration
from commonwork.observatory.models import EquityDeclaration
from commonwork.vault import providers
from commonwork.vault.keys import unseal
from commonwork.vault.providers import Rows


class EquityProvider:
    category = "equity"

    def rows(self, member_id: int) -> Rows:
        declaration = EquityDeclaration.objects.filter(member_id=member_id).first()
        if declaration is None:
            return []
        text = unseal(member_id, declaration.sealed)
        return [
            {
                "record": "equity_declaration",
                "declared_at": declaration.declared_at,
                "groups": json.loads(text) if text else None,
            }
        ]

    def count(self, member_id: int) -> int:
        return EquityDeclaration.objects.filter(member_id=member_id).count()

    def erase(self, member_id: int) -> None:
        erase_declaration(member_id)

    def expire(self, now: datetime) -> int:
        return 0  # kept until the member withdraws it


def register() -> None:
    providers.register_category(EquityProvider())
