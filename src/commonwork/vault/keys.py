"""Per-member keys, wrapped by a master key kept outside the database.

Contact details and location traces are sealed (Fernet: AES-128-CBC with an HMAC-SHA256,
from `cryptography`) with their member's own key. That key is stored only wrapped by the
master key, which lives in the environment (COMMONWORK_MASTER_KEY) or a file
(COMMONWORK_MASTER_KEY_FILE; in DEBUG runs var/master.key is made on first use). Erasure
destroys the member's wrapped key: what was sealed with it can no longer be read by
anyone, backups included.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from commonwork.vault.models import MemberKey


def master() -> Fernet:
    """The master key, read once per process and setting: every seal and unseal unwraps a
    member's key with it, and dispatch unseals every available worker's position a round."""
    return _master_from((settings.VAULT_MASTER_KEY or "").strip(), settings.VAULT_MASTER_KEY_FILE)


@functools.cache
def _master_from(key: str, path: str) -> Fernet:
    if not key and path:
        if settings.DEBUG and not Path(path).exists():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key())
        key = Path(path).read_text().strip()
    if not key:
        raise ImproperlyConfigured(
            "Set COMMONWORK_MASTER_KEY or COMMONWORK_MASTER_KEY_FILE (a Fernet key)."
        )
    return Fernet(key.encode())


def unwrapped(row: MemberKey | None) -> Fernet | None:
    if row is None or row.destroyed_at is not None or not row.wrapped:
        return None
    return Fernet(master().decrypt(bytes(row.wrapped)))


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
