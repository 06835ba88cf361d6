"""Every write of the protection app: claims, documents, decisions and appeals; incidents,
SOS calls and emergency contacts; erasure and retention."""

from commonwork.protection.actions.claims import (
    ClaimError,
    add_document,
    appeal_claim,
    decide_claim,
    file_claim,
    pay_owed_claims,
)
from commonwork.protection.actions.incidents import (
    report_incident,
    send_sos,
    set_emergency_contact,
)

__all__ = [
    "ClaimError",
    "add_document",
    "appeal_claim",
    "decide_claim",
    "file_claim",
    "pay_owed_claims",
    "report_incident",
    "send_sos",
    "set_emergency_contact",
]
