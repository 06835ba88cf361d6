"""Telling members about votes: in the app (Notice rows) and by email, in each member's
own language. Emails leave only after the transaction that caused them commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext

from commonwork.core import audit, clock
from commonwork.governance.models import Notice, NoticeKind, Proposal
from commonwork.members.models import User
from commonwork.vault.contact import email_of


def notice_text(kind: str, proposal: Proposal) -> str:
    """The sentence a notice shows, in the active language."""
    if kind == NoticeKind.PROPOSED:
        return gettext("“%(title)s” is proposed; voting opens %(opens)s.") % {
            "title": proposal.title,
            "opens": date_format(localtime(proposal.voting_opens_at), "DATETIME_FORMAT"),
        }
    if kind == NoticeKind.VOTING_OPEN:
        return gettext("Voting has opened on “%(title)s”.") % {"title": proposal.title}
    if kind == NoticeKind.CLOSING_SOON:
        return gettext("Voting on “%(title)s” closes within a day; you have not voted.") % {
            "title": proposal.title
        }
    return gettext("The vote on “%(title)s” has closed: %(status)s.") % {
        "title": proposal.title,
        "status": proposal.get_status_display(),
    }


def notify(proposal: Proposal, kind: str, member_ids: Iterable[int]) -> int:
    """One notice per member for this event (never twice), and an email each."""
    members = list(User.objects.filter(pk__in=set(member_ids)).order_by("pk"))
    already = set(
        Notice.objects.filter(proposal=proposal, kind=kind).values_list("member_id", flat=True)
    )
    fresh = [member for member in members if member.pk not in already]
    now = clock.now()
    Notice.objects.bulk_create(
        Notice(member=member, proposal=proposal, kind=kind, created_at=now) for member in fresh
    )
    messages = []
    for member in fresh:
        address = email_of(member.pk)
        if not address:
            continue
        with translation.override(member.preferred_language or settings.LANGUAGE_CODE):
            text = notice_text(kind, proposal)
        messages.append((text, text, settings.DEFAULT_FROM_EMAIL, [address]))
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(fresh)


@transaction.atomic
def mark_notices_read(*, actor: User) -> int:
    """The member has seen their notices; how many were unread."""
    count = Notice.objects.filter(member_id=actor.pk, read_at__isnull=True).update(
        read_at=clock.now()
    )
    if count:
        audit.record(actor=actor, action="notices.read", data={"count": count})
    return count
