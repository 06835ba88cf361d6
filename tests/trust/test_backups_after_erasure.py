"""Issue 14, point 4: the backup promise. A database backup taken before a member's
erasure opens their sealed data only until the next master-key rotation; after it, the
restored rows open nothing, while every other member's data still opens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from commonwork.core import clock
from commonwork.members import actions as member_actions
from commonwork.members.models import MembershipStatus
from commonwork.vault import actions as vault_actions
from commonwork.vault.actions.keys import RotationError, rotate_master_key
from commonwork.vault.contact import email_of
from commonwork.vault.models import MemberKey, SealedContact


@pytest.fixture
def key_file(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "master.key"
    path.write_bytes(Fernet.generate_key() + b"\n")
    settings.VAULT_MASTER_KEY = ""
    settings.VAULT_MASTER_KEY_FILE = str(path)
    return path


def _backup(member: Any) -> dict[str, Any]:
    """What a database dump holds of the member's sealed data."""
    return {
        "wrapped": bytes(MemberKey.objects.get(user=member).wrapped),
        "email": bytes(SealedContact.objects.get(user=member).email or b""),
    }


def _restore(member: Any, backup: dict[str, Any]) -> None:
    MemberKey.objects.update_or_create(
        user=member, defaults={"wrapped": backup["wrapped"], "destroyed_at": None}
    )
    SealedContact.objects.update_or_create(user=member, defaults={"email": backup["email"]})


def test_a_backup_opens_nothing_of_an_erased_member_after_the_next_rotation(
    key_file: Path, alice: Any, bob: Any, carol: Any
) -> None:
    backup = _backup(bob)
    member_actions.change_membership_status(
        actor=alice, membership_id=bob.membership.pk, status=MembershipStatus.LEFT, reason="Left."
    )
    vault_actions.erase_member(actor=bob)
    assert email_of(bob.pk) == ""
    # Before a rotation, the old backup still opens: this is the window the docs state.
    _restore(bob, backup)
    assert email_of(bob.pk) == "bob@example.org"
    # Back to the live database's state after the erasure, before the rotation runs.
    MemberKey.objects.filter(user=bob).update(wrapped=b"", destroyed_at=clock.now())
    SealedContact.objects.filter(user=bob).delete()

    old_ring = key_file.read_bytes()
    assert rotate_master_key() >= 2  # alice's and carol's keys re-wrapped
    assert key_file.read_bytes() != old_ring
    assert len(key_file.read_bytes().split()) == 1  # the old master key is gone

    _restore(bob, backup)
    assert email_of(bob.pk) == ""  # the backup's wrapped key opens with no key left
    assert email_of(carol.pk) == "carol@example.org"  # the living keep their data


def test_rotation_needs_a_key_file(settings: Any, db: Any) -> None:
    settings.VAULT_MASTER_KEY = Fernet.generate_key().decode()
    with pytest.raises(RotationError):
        rotate_master_key()


def test_the_command_rotates(key_file: Path, bob: Any, capsys: Any) -> None:
    call_command("rotate_master_key")
    assert "Re-wrapped" in capsys.readouterr().out
    assert email_of(bob.pk) == "bob@example.org"
