"""A member's contact details, sealed at rest with their own key (vault.keys). The one
way code reads or writes a member's email address."""

from __future__ import annotations

from commonwork.vault import keys
from commonwork.vault.models import SealedContact


def set_email(user_id: int, email: str) -> None:
    sealed = keys.seal(user_id, email) if email else None
    SealedContact.objects.update_or_create(user_id=user_id, defaults={"email": sealed})


def email_of(user_id: int) -> str:
    """The member's email address ("" if none, or erased)."""
    row = SealedContact.objects.filter(user_id=user_id).first()
    return (keys.unseal(user_id, row.email) if row else None) or ""
