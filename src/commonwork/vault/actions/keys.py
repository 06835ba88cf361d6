"""Writes of member keys: made on first seal, destroyed at erasure (reads: vault.keys)."""

from __future__ import annotations

from cryptography.fernet import Fernet

from commonwork.core import clock
from commonwork.vault.keys import KeyDestroyedError, master, unwrapped
from commonwork.vault.models import MemberKey


def _member_key(user_id: int) -> Fernet | None:
    """The member's key, made on first use; None once erasure destroyed it."""
    row = MemberKey.objects.filter(user_id=user_id).first()
    if row is None:
        wrapped = master().encrypt(Fernet.generate_key())
        row, _created = MemberKey.objects.get_or_create(
            user_id=user_id, defaults={"wrapped": wrapped, "created_at": clock.now()}
        )
    return unwrapped(row)


def seal(user_id: int, text: str) -> bytes:
    key = _member_key(user_id)
    if key is None:
        raise KeyDestroyedError(user_id)
    return key.encrypt(text.encode("utf-8"))


def seal_bytes(user_id: int, data: bytes) -> bytes:
    """Bytes (an export's zip) sealed with the member's key."""
    key = _member_key(user_id)
    if key is None:
        raise KeyDestroyedError(user_id)
    return key.encrypt(data)


def destroy(user_id: int) -> bool:
    """Destroy the member's key for good; whether there was one."""
    return bool(
        MemberKey.objects.filter(user_id=user_id, destroyed_at__isnull=True).update(
            wrapped=b"", destroyed_at=clock.now()
        )
    )
