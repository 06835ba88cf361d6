"""Every write the vault makes: consents, exports, erasure, retention, keys, contact
details and access-log entries."""

from commonwork.vault.actions.consent import (
    MAX_CONSENT_DAYS,
    WITHDRAWAL,
    consent_record,
    consent_to_purpose,
    grant_consent,
    revoke_consent,
    withdraw_from_purpose,
)
from commonwork.vault.actions.erasure import erase_member
from commonwork.vault.actions.export import request_export

__all__ = [
    "MAX_CONSENT_DAYS",
    "WITHDRAWAL",
    "consent_record",
    "consent_to_purpose",
    "erase_member",
    "grant_consent",
    "request_export",
    "revoke_consent",
    "withdraw_from_purpose",
]
