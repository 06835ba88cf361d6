"""The protection app's share of members' personal data: claims, incident reports, SOS
calls and the emergency contact. Registered with the vault in ProtectionConfig.ready."""

from __future__ import annotations

from datetime import datetime

from commonwork.protection.actions import personal_data as writes
from commonwork.protection.models import Claim, EmergencyContact, Incident, SosCall
from commonwork.vault import providers
from commonwork.vault.keys import unseal
from commonwork.vault.providers import Rows


class ClaimsProvider:
    category = "claims"

    def rows(self, member_id: int) -> Rows:
        def opened(token: bytes | memoryview | None) -> str | None:
            return unseal(member_id, token)

        rows: Rows = []
        for claim in Claim.objects.filter(member_id=member_id).prefetch_related("documents"):
            rows.append(
                {
                    "record": "claim",
                    "cover": claim.cover,
                    "status": claim.status,
                    "filed_at": claim.filed_at,
                    "starts_on": claim.starts_on,
                    "ends_on": claim.ends_on,
                    "account": opened(claim.sealed_account),
                    "medical": opened(claim.sealed_medical),
                    "decision_reason": claim.decision_reason,
                    "amount_minor": claim.amount_minor,
                    "paid_minor": claim.paid_minor,
                    "documents": [d.name for d in claim.documents.all()],
                }
            )
        for incident in Incident.objects.filter(worker_id=member_id):
            rows.append(
                {
                    "record": "incident",
                    "occurred_at": incident.occurred_at,
                    "place": opened(incident.sealed_place),
                    "account": opened(incident.sealed_account),
                    "task": incident.task_id,
                    "handed_back": incident.handed_back,
                }
            )
        for call in SosCall.objects.filter(worker_id=member_id):
            rows.append(
                {
                    "record": "sos",
                    "sent_at": call.sent_at,
                    "position": opened(call.sealed_position),
                    "stewards_told": call.stewards_told,
                    "contact_told": call.contact_told,
                }
            )
        contact = EmergencyContact.objects.filter(member_id=member_id).first()
        if contact is not None:
            rows.append(
                {
                    "record": "emergency_contact",
                    "name": opened(contact.sealed_name),
                    "email": opened(contact.sealed_email),
                }
            )
        return rows

    def count(self, member_id: int) -> int:
        return (
            Claim.objects.filter(member_id=member_id).count()
            + Incident.objects.filter(worker_id=member_id).count()
            + SosCall.objects.filter(worker_id=member_id).count()
            + EmergencyContact.objects.filter(member_id=member_id).count()
        )

    def erase(self, member_id: int) -> None:
        writes.erase_member(member_id)

    def expire(self, now: datetime) -> int:
        return writes.expire(now)


def register() -> None:
    providers.register_category(ClaimsProvider())
