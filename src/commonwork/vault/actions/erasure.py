"""Erasure: a member who has left destroys their personal data.

In one transaction: every app's erasure check passes (still a member? work in hand?),
their data key is destroyed (so whatever was sealed with it is unreadable), and every app
that holds a category of their data erases its share through its registered provider
(vault.providers): what can be deleted is deleted, and what the law makes the co-op keep
— the books, statements, the audit log, governance records — stays under a pseudonym.
The providers run from the highest layer down, so the members app pseudonymises the user
row last. The vault then deletes what it holds itself: contact, consents, access log,
exports. See docs/vault.md for the table of what happens to what.
"""

from __future__ import annotations

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.vault import providers
from commonwork.vault.actions.keys import destroy
from commonwork.vault.models import (
    AccessLogEntry,
    AccessLogHead,
    DataExport,
    SealedContact,
)
from commonwork.vault.providers import Reader, member_id_of

# What pseudonymised text reads as, in every app that keeps a record of an erased member.
ERASED = "[erased]"


@transaction.atomic
def erase_member(*, actor: Reader) -> None:
    """Erase the actor's personal data. Refused (by the apps' checks, with their reason)
    while they are a member — the co-op needs it to pay them and count their vote — or
    have work in hand."""
    member = providers.logged_in(actor)
    member_id = member_id_of(member)
    for check in providers.erasure_checks():
        check(member_id)
    destroy(member_id)
    for provider in reversed(providers.providers()):
        provider.erase(member_id)
    SealedContact.objects.filter(user_id=member_id).delete()
    DataExport.objects.filter(member_id=member_id).delete()
    # Consents went with the vault's own provider (vault.actions.personal_data).
    AccessLogEntry.objects.filter(subject_id=member_id).delete()
    AccessLogHead.objects.filter(subject_id=member_id).delete()
    audit.record(
        actor=None,
        action="member.erased",
        obj=member,
        data={"at": clock.now().isoformat()},
    )
