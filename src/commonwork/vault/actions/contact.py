"""Writing a member's contact details, sealed with their own key."""

from __future__ import annotations

from commonwork.vault.actions.keys import seal
from commonwork.vault.models import SealedContact


def set_email(user_id: int, email: str) -> None:
    sealed = seal(user_id, email) if email else None
    SealedContact.objects.update_or_create(user_id=user_id, defaults={"email": sealed})
