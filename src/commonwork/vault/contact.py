"""A member's contact details, sealed at rest with their own key (vault.keys). Reading is
here, writing in vault.actions.contact."""

from __future__ import annotations

from commonwork.vault import keys
from commonwork.vault.models import SealedContact


def email_of(user_id: int) -> str:
    """The member's email address ("" if none, or erased)."""
    row = SealedContact.objects.filter(user_id=user_id).first()
    return (keys.unseal(user_id, row.email) if row else None) or ""
