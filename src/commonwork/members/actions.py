"""Every write about the co-op and its members: atomic, audited, checked."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, datetime
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from commonwork.core import audit, clock
from commonwork.core.errors import NotFound
from commonwork.core.models import AuditEntry
from commonwork.members import usernames
from commonwork.members.errors import MembersError
from commonwork.members.hooks import SharesBought, shares_bought
from commonwork.members.models import (
    ApiToken,
    Application,
    ApplicationStatus,
    Cooperative,
    Membership,
    MembershipStatus,
    Role,
    User,
)
from commonwork.members.selectors import get_cooperative, require_role
from commonwork.vault.actions.contact import set_email
from commonwork.vault.actions.erasure import ERASED

API_TOKEN_PREFIX = "cw_"  # noqa: S105 - a public marker, not a secret
_MAX_SKILLS = 30


def clean_skills(skills: list[str], *, field: str = "skills") -> list[str]:
    """Lower-cased, de-duplicated, sorted skill tags; refuses empty or over-long ones."""
    cleaned = sorted({skill.strip().lower() for skill in skills})
    if len(cleaned) > _MAX_SKILLS:
        raise MembersError(
            "invalid", "At most {limit} skills.", field=field, params={"limit": _MAX_SKILLS}
        )
    for skill in cleaned:
        if not skill or len(skill) > 40:
            raise MembersError("invalid", "Each skill is 1 to 40 characters.", field=field)
    return cleaned


@transaction.atomic
def found_cooperative(
    *,
    name: str,
    currency: str,
    languages: list[str],
    bylaws: str,
    founded_on: date,
    share_price_minor: int,
    founder: User,
) -> Cooperative:
    """Create the co-op and make its founder the first member, a steward."""
    if get_cooperative() is not None:
        raise MembersError("conflict", "This instance already runs a co-op.")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise MembersError(
            "invalid", "Currency must be an ISO 4217 code like EUR.", field="currency"
        )
    if share_price_minor < 0:
        raise MembersError(
            "invalid", "The share price cannot be negative.", field="share_price_minor"
        )
    cooperative = Cooperative.objects.create(
        name=name,
        currency=currency,
        languages=languages,
        bylaws=bylaws,
        founded_on=founded_on,
        share_price_minor=share_price_minor,
    )
    membership = Membership.objects.create(
        user=founder, role=Role.STEWARD, shares=1, joined_at=clock.now()
    )
    audit.record(actor=founder, action="cooperative.founded", obj=cooperative, data={"name": name})
    audit.record(
        actor=founder, action="membership.created", obj=membership, data={"role": Role.STEWARD}
    )
    shares_bought.fire(SharesBought(membership=membership, actor=founder))
    return cooperative


@transaction.atomic
def register_user(*, username: str, password: str, email: str = "", display_name: str = "") -> User:
    """Create a log-in. It carries no membership until an application is admitted."""
    username = usernames.normalise(username)
    if not usernames.USERNAME_PATTERN.fullmatch(username):
        raise MembersError(
            "invalid",
            "A username is 3 to 150 letters, digits or . @ + - _ characters.",
            field="username",
        )
    if usernames.deceptive(username):
        raise MembersError(
            "invalid",
            "That username mixes alphabets in a way that could pass for another name.",
            field="username",
        )
    key = usernames.skeleton(username)
    if User.objects.filter(username__iexact=username).exists():
        raise MembersError("conflict", "That username is taken.", field="username")
    if User.objects.filter(username_key=key).exists():
        raise MembersError(
            "conflict", "That username looks like one that is taken.", field="username"
        )
    user = User(username=username, username_key=key, email=email, display_name=display_name[:80])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise MembersError("invalid", " ".join(exc.messages), field="password") from exc
    user.set_password(password)
    # The address is kept sealed with the member's own key (vault.contact), not in clear.
    user.email = ""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise MembersError("conflict", "That username is taken.", field="username") from exc
    set_email(user.pk, email.strip())
    audit.record(actor=user, action="user.registered", obj=user)
    return user


def service_account(*, username: str, display_name: str) -> User:
    """An account that can never log in and is never a member: another co-op in the
    books (federation), the client of the work it sends and the payee of the work it does.
    Made once; the same account after."""
    username = usernames.normalise(username)[:150]
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(
        username=username,
        username_key=usernames.skeleton(username),
        display_name=display_name[:80],
    )
    user.set_unusable_password()
    user.save()
    audit.record(actor=None, action="user.service_account", obj=user)
    return user


MAX_MOTIVATION = 2_000


@transaction.atomic
def submit_application(
    *, actor: User, role: str, motivation: str, skills: list[str] | None = None
) -> Application:
    if role not in Role.values or role == Role.STEWARD:
        raise MembersError(
            "invalid", "Apply as a worker or a client; stewards are elected.", field="role"
        )
    if not motivation.strip():
        raise MembersError(
            "invalid", "Say in a few words why you want to join.", field="motivation"
        )
    if len(motivation) > MAX_MOTIVATION:
        raise MembersError(
            "invalid",
            "At most {limit} characters.",
            field="motivation",
            params={"limit": MAX_MOTIVATION},
        )
    if Membership.objects.filter(user=actor).exists():
        raise MembersError("conflict", "You already have a membership.")
    if Application.objects.filter(applicant=actor, status=ApplicationStatus.PENDING).exists():
        raise MembersError("conflict", "You already have an application waiting for a decision.")
    application = Application.objects.create(
        applicant=actor,
        role=role,
        motivation=motivation.strip(),
        skills=clean_skills(skills or []),
        submitted_at=clock.now(),
    )
    audit.record(actor=actor, action="application.submitted", obj=application, data={"role": role})
    return application


@transaction.atomic
def join(
    *,
    username: str,
    password: str,
    role: str,
    motivation: str,
    email: str = "",
    display_name: str = "",
    skills: list[str] | None = None,
) -> Application:
    """A visitor creates a log-in and applies in one step: both happen, or neither."""
    user = register_user(
        username=username, password=password, email=email, display_name=display_name
    )
    return submit_application(actor=user, role=role, motivation=motivation, skills=skills)


def lock_pending_application(application_id: int) -> Application:
    application = Application.objects.select_for_update().filter(pk=application_id).first()
    if application is None:
        raise NotFound("Application", field="application_id")
    if application.status != ApplicationStatus.PENDING:
        raise MembersError(
            "illegal_transition",
            "This application was already {status}.",
            params={"status": application.get_status_display()},
        )
    return application


@transaction.atomic
def admit_application(*, actor: User, application_id: int, note: str = "") -> Membership:
    """A steward admits an applicant: they become an active member holding one share."""
    require_role(actor, Role.STEWARD)
    return admit(lock_pending_application(application_id), decided_by=actor, note=note)


def admit(application: Application, *, decided_by: User | None, note: str) -> Membership:
    """Admit a locked pending application, decided by a steward or (`decided_by` None)
    by the members' vote that `note` names. Runs inside the caller's transaction."""
    if Membership.objects.filter(user_id=application.applicant_id).exists():
        raise MembersError("conflict", "The applicant already has a membership.")
    now = clock.now()
    application.status = ApplicationStatus.ADMITTED
    application.decided_at = now
    application.decided_by = decided_by
    application.decision_note = note
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    membership = Membership.objects.create(
        user_id=application.applicant_id,
        role=application.role,
        shares=1,
        skills=application.skills,
        joined_at=now,
    )
    audit.record(
        actor=decided_by, action="application.admitted", obj=application, data={"note": note}
    )
    audit.record(
        actor=decided_by,
        action="membership.created",
        obj=membership,
        data={"role": membership.role, "shares": membership.shares},
    )
    shares_bought.fire(SharesBought(membership=membership, actor=decided_by))
    return membership


@transaction.atomic
def reject_application(*, actor: User, application_id: int, note: str) -> Application:
    require_role(actor, Role.STEWARD)
    if not note.strip():
        raise MembersError("invalid", "Give the applicant a reason.", field="note")
    return reject(lock_pending_application(application_id), decided_by=actor, note=note.strip())


def reject(application: Application, *, decided_by: User | None, note: str) -> Application:
    """Reject a locked pending application, by a steward or by the members' vote."""
    application.status = ApplicationStatus.REJECTED
    application.decided_at = clock.now()
    application.decided_by = decided_by
    application.decision_note = note
    application.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    audit.record(
        actor=decided_by, action="application.rejected", obj=application, data={"note": note}
    )
    return application


def set_removed(membership: Membership, *, removed: bool, reason: str) -> Membership:
    """A members' vote removes a member (their membership ends and any steward's term
    with it) or, when their appeal succeeds, reinstates them. Inside the vote's close."""
    previous = membership.status
    if removed:
        membership.status = MembershipStatus.REMOVED
        membership.left_at = clock.now()
        membership.steward_until = None
    else:
        membership.status = MembershipStatus.ACTIVE
        membership.left_at = None
    membership.save(update_fields=["status", "left_at", "steward_until"])
    audit.record(
        actor=None,
        action="membership.status_changed",
        obj=membership,
        data={"from": previous, "to": membership.status, "reason": reason},
    )
    return membership


_ALLOWED_STATUS_CHANGES = {
    (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED),
    (MembershipStatus.SUSPENDED, MembershipStatus.ACTIVE),
    (MembershipStatus.ACTIVE, MembershipStatus.LEFT),
    (MembershipStatus.SUSPENDED, MembershipStatus.LEFT),
}


@transaction.atomic
def change_membership_status(
    *, actor: User, membership_id: int, status: str, reason: str
) -> Membership:
    """A steward suspends, reinstates or records the departure of a member, with a reason."""
    require_role(actor, Role.STEWARD)
    if not reason.strip():
        raise MembersError("invalid", "A status change needs a reason.", field="reason")
    membership = Membership.objects.select_for_update().filter(pk=membership_id).first()
    if membership is None:
        raise NotFound("Membership", field="membership_id")
    if (membership.status, status) not in _ALLOWED_STATUS_CHANGES:
        raise MembersError(
            "illegal_transition",
            "A membership cannot go from {current} to {requested}.",
            field="status",
            params={"current": membership.status, "requested": status},
        )
    if membership.user_id == actor.pk:
        raise MembersError("forbidden", "Stewards cannot change their own membership status.")
    previous = membership.status
    membership.status = status
    update_fields = ["status"]
    if status == MembershipStatus.LEFT:
        membership.left_at = clock.now()
        update_fields.append("left_at")
    membership.save(update_fields=update_fields)
    audit.record(
        actor=actor,
        action="membership.status_changed",
        obj=membership,
        data={"from": previous, "to": status, "reason": reason.strip()},
    )
    return membership


@transaction.atomic
def update_skills(*, actor: User, skills: list[str]) -> Membership:
    membership = require_role(actor, Role.WORKER, Role.STEWARD)
    membership.skills = clean_skills(skills)
    membership.save(update_fields=["skills"])
    audit.record(
        actor=actor,
        action="membership.skills_changed",
        obj=membership,
        data={"skills": membership.skills},
    )
    return membership


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def create_api_token(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor. The plain token is returned once and never stored."""
    require_role(actor)
    name = name.strip()
    if not name or len(name) > 80:
        raise MembersError("invalid", "Name the token (1 to 80 characters).", field="name")
    plain = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=plain[:10],
        token_hash=hash_api_token(plain),
        created_at=clock.now(),
    )
    audit.record(actor=actor, action="api_token.created", obj=token, data={"name": name})
    return token, plain


@transaction.atomic
def revoke_api_token(*, actor: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFound("API token", field="token_id")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="api_token.revoked", obj=token)
    return token


def user_for_api_token(plain: str) -> Any:
    """The active member a token belongs to, or None. Revoked tokens authenticate nobody."""
    if not plain.startswith(API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_api_token(plain), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        # Touch at most once a minute so reads do not turn every request into a write.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def set_bank_account(*, actor: User, holder: str, iban: str, bic: str) -> Cooperative:
    """The co-op's own bank account, the debtor of payout files (checked by the ledger,
    which asks for it: ledger.actions.payouts.set_coop_bank_account)."""
    cooperative = Cooperative.objects.select_for_update().get(pk=1)
    cooperative.bank_account_holder = holder
    cooperative.bank_iban = iban
    cooperative.bank_bic = bic
    cooperative.save(update_fields=["bank_account_holder", "bank_iban", "bank_bic"])
    audit.record(actor=actor, action="ledger.coop_bank_account_set", obj=cooperative, data={})
    return cooperative


# --- what decisions of the members change (called by governance's effects) -------------


def amend_bylaws(*, before: str, after: str, ref: str) -> bool:
    """Replace the bylaws' text, unless it is no longer `before` (another amendment came
    first); whether it was replaced."""
    cooperative = Cooperative.objects.select_for_update().get(pk=1)
    if cooperative.bylaws != before:
        return False
    cooperative.bylaws = after
    cooperative.save(update_fields=["bylaws"])
    audit.record(actor=None, action="bylaws.amended", obj=cooperative, data={"by": ref})
    return True


def set_steward_terms(
    *, candidates: list[int], winners: list[int], at: datetime, until: datetime
) -> list[int]:
    """The elected candidates hold the steward's powers until `until`; candidates who held
    an elected seat and lost stand down at `at`. The members seated, by id."""
    seated = []
    for membership in Membership.objects.select_for_update().filter(user_id__in=candidates):
        if membership.user_id in winners and membership.status == MembershipStatus.ACTIVE:
            membership.steward_until = until
            seated.append(membership.user_id)
        elif membership.user_id not in winners and membership.steward_until is not None:
            membership.steward_until = min(membership.steward_until, at)
        else:
            continue
        membership.save(update_fields=["steward_until"])
    return seated


# --- erasure (run by vault.actions.erasure through members.personal_data) --------------

ERASED_PREFIX = "erased-"


def is_erased(user: User) -> bool:
    return user.username.startswith(ERASED_PREFIX) and not user.is_active


def check_erasable(member_id: int) -> None:
    """Refuse erasure while the co-op still needs the member's data, or twice."""
    user = User.objects.select_for_update().filter(pk=member_id).first()
    if user is None:
        raise NotFound("Member")
    if is_erased(user):
        raise MembersError("conflict", "Your data has already been erased.")
    membership = Membership.objects.select_for_update().filter(user=user).first()
    if membership is not None and membership.status in (
        MembershipStatus.ACTIVE,
        MembershipStatus.SUSPENDED,
    ):
        raise MembersError(
            "illegal_transition",
            "Leave the co-op before erasing your data: while you are a member, the co-op "
            "needs it to pay you and to count your vote.",
        )


def erase_logins(member_id: int) -> None:
    ApiToken.objects.filter(user_id=member_id).delete()


def erase_identity(member_id: int) -> None:
    """Kept for the books and the record, without what identifies the person: the user
    row keeps its id (so every posting still balances) but loses its name, address and
    password; applications and the membership lose their words and skills."""
    applications = Application.objects.filter(applicant_id=member_id)
    # Their words, and what stewards wrote about them in deciding.
    applications.update(motivation=ERASED, skills=[], decision_note=ERASED)
    Membership.objects.filter(user_id=member_id).update(skills=[])
    memberships = Membership.objects.filter(user_id=member_id)
    audit.redact_words(
        AuditEntry.objects.filter(
            Q(actor_id=member_id)
            | audit.about("members.application", applications.values_list("pk", flat=True))
            | audit.about("members.membership", memberships.values_list("pk", flat=True))
        )
    )
    user = User.objects.get(pk=member_id)
    user.username = f"{ERASED_PREFIX}{secrets.token_hex(6)}"
    user.username_key = None  # the name is free again
    user.display_name = ""
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
