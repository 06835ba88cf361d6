"""Per-member keys, wrapped by a master key kept outside the database.

Contact details, location traces and exports are sealed (Fernet: AES-128-CBC with an
HMAC-SHA256, from `cryptography`) with their member's own key. That key is stored only
wrapped by the master key, which lives outside the database: in a keyring file
(COMMONWORK_MASTER_KEY_FILE; in DEBUG runs var/master.key is made on first use) or the
environment (COMMONWORK_MASTER_KEY). Erasure destroys the member's wrapped key in the
database at once. A database backup taken before the erasure still holds it, wrapped by
the master key of that time; `vault.actions.keys.rotate_master_key` (run by the scheduler
every COMMONWORK_MASTER_KEY_ROTATION_DAYS) re-wraps every live member key with a new
master key and then destroys the old one, after which such a backup opens nothing of an
erased member. See docs/vault.md for the promise and its window.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from commonwork.vault.models import MemberKey


def master() -> MultiFernet:
    """The master keyring, read once per process, setting and file version: every seal
    and unseal unwraps a member's key with it. The newest key wraps; an older one still in
    the ring unwraps until the rotation that re-wraps everything removes it."""
    path = settings.VAULT_MASTER_KEY_FILE
    if not (settings.VAULT_MASTER_KEY or "").strip() and path and settings.DEBUG:
        _make_first_key(path)
    version = os.stat(path).st_mtime_ns if path and os.path.exists(path) else 0
    return _ring_from((settings.VAULT_MASTER_KEY or "").strip(), path, version)


def _make_first_key(path: str) -> None:
    if Path(path).exists():
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(Fernet.generate_key())


def keyring_keys(text: str) -> list[str]:
    """The keys of a keyring (newest first): one per line, or separated by commas."""
    return [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]


@functools.cache
def _ring_from(key: str, path: str, version: int) -> MultiFernet:
    text = key or (Path(path).read_text() if path and Path(path).exists() else "")
    keys = keyring_keys(text)
    if not keys:
        raise ImproperlyConfigured(
            "Set COMMONWORK_MASTER_KEY or COMMONWORK_MASTER_KEY_FILE (a Fernet key)."
        )
    return MultiFernet([Fernet(k.encode()) for k in keys])


def unwrapped(row: MemberKey | None) -> Fernet | None:
    """The member's key, or None: destroyed by erasure, or wrapped by a master key that
    no longer exists (a row restored from a backup older than the last rotation)."""
    if row is None or row.destroyed_at is not None or not row.wrapped:
        return None
    try:
        return Fernet(master().decrypt(bytes(row.wrapped)))
    except InvalidToken:
        return None


class KeyDestroyedError(Exception):
    """The member's key was destroyed by erasure; nothing more is sealed for them."""


def unseal_bytes(user_id: int, token: bytes | memoryview | None) -> bytes | None:
    """Sealed bytes opened, or None when there are none or the member's key is gone."""
    from commonwork.vault.models import MemberKey

    if not token:
        return None
    key = unwrapped(MemberKey.objects.filter(user_id=user_id).first())
    if key is None:
        return None
    try:
        return key.decrypt(bytes(token))
    except InvalidToken:
        return None


def unseal(user_id: int, token: bytes | memoryview | None) -> str | None:
    """The sealed text, or None when there is none or the member's key is gone."""
    return unseal_all([(user_id, token)])[0]


def unseal_all(
    sealed: Sequence[tuple[int, bytes | memoryview | None]],
) -> list[str | None]:
    """Each (member, sealed text) opened, in order; the members' keys are fetched in one
    query, so a page or a dispatch round opening many values asks the database once."""
    from commonwork.vault.models import MemberKey

    wanted = {user_id for user_id, token in sealed if token}
    keys = {row.user_id: unwrapped(row) for row in MemberKey.objects.filter(user_id__in=wanted)}
    opened: list[str | None] = []
    for user_id, token in sealed:
        key = keys.get(user_id) if token else None
        try:
            opened.append(key.decrypt(bytes(token)).decode("utf-8") if key and token else None)
        except InvalidToken:
            opened.append(None)
    return opened
