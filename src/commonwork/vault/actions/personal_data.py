"""The vault's own share of members' personal data: the consents they gave and received."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from commonwork.vault.actions.consent import consent_record
from commonwork.vault.models import ConsentGrant
from commonwork.vault.providers import Rows


class ConsentsProvider:
    category = "consents"

    def rows(self, member_id: int) -> Rows:
        return [
            consent_record(grant)
            for grant in ConsentGrant.objects.filter(
                Q(subject_id=member_id) | Q(recipient_id=member_id)
            ).order_by("created_at", "id")
        ]

    def count(self, member_id: int) -> int:
        return ConsentGrant.objects.filter(
            Q(subject_id=member_id) | Q(recipient_id=member_id)
        ).count()

    def erase(self, member_id: int) -> None:
        ConsentGrant.objects.filter(Q(subject_id=member_id) | Q(recipient_id=member_id)).delete()

    def expire(self, now: datetime) -> int:
        return 0  # a consent record is kept as long as the member is: it is their proof
