"""Writes of member keys: made on first seal, destroyed at erasure (reads: vault.keys)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import transaction

from commonwork.core import audit, clock
from commonwork.vault.keys import KeyDestroyedError, keyring_keys, master, unwrapped
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


class RotationError(Exception):
    """The master key cannot be rotated from here (it is in the environment)."""


def _write_keyring(path: Path, keys: list[bytes]) -> None:
    """Replace the keyring file at once (written aside, then renamed over it)."""
    aside = path.with_name(path.name + ".new")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(b"\n".join(keys) + b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(aside, path)


def rotate_master_key() -> int:
    """A new master key wraps every live member key, and the old master keys are
    destroyed: from then on a database backup taken before now opens nothing that was
    erased since it was taken. How many member keys were re-wrapped.

    Crash-safe in order: the new key joins the keyring file first, the database is
    re-wrapped in one transaction, and only then do the old keys leave the file."""
    path_name = settings.VAULT_MASTER_KEY_FILE
    if (settings.VAULT_MASTER_KEY or "").strip() or not path_name:
        raise RotationError(
            "The master key is set in the environment; rotate it by hand (docs/operator-guide.md)."
        )
    path = Path(path_name)
    old = [k.encode() for k in keyring_keys(path.read_text())]
    new = Fernet.generate_key()
    _write_keyring(path, [new, *old])
    ring = master()
    with transaction.atomic():
        rows = list(
            MemberKey.objects.select_for_update()
            .filter(destroyed_at__isnull=True)
            .exclude(wrapped=b"")
            .order_by("user_id")
        )
        for row in rows:
            row.wrapped = ring.rotate(bytes(row.wrapped))
        MemberKey.objects.bulk_update(rows, ["wrapped"])
        audit.record(actor=None, action="vault.master_key_rotated", data={"member_keys": len(rows)})
    _write_keyring(path, [new])
    return len(rows)


def rotate_master_key_if_due(now: datetime) -> int:
    """Rotate when the keyring file is older than COMMONWORK_MASTER_KEY_ROTATION_DAYS
    (the file's age is the rotation's clock, so restarts do not rotate early); -1 when
    not due or the key is in the environment."""
    path_name = settings.VAULT_MASTER_KEY_FILE
    if (settings.VAULT_MASTER_KEY or "").strip() or not path_name or not Path(path_name).exists():
        return -1
    written = datetime.fromtimestamp(Path(path_name).stat().st_mtime, tz=UTC)
    if now - written < timedelta(days=settings.VAULT_MASTER_KEY_ROTATION_DAYS):
        return -1
    return rotate_master_key()
