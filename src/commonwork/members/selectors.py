"""Reads about the co-op and its members, each checked against the actor."""

from __future__ import annotations

from django.db.models import QuerySet

from commonwork.core import clock
from commonwork.core.errors import Forbidden, NotFound
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
from commonwork.vault import gate
from commonwork.vault.providers import Reader


def get_cooperative() -> Cooperative | None:
    return Cooperative.objects.filter(pk=1).first()


def cooperative_currency() -> str:
    """The ISO 4217 code the co-op keeps its books in ("" before it is founded)."""
    cooperative = get_cooperative()
    return cooperative.currency if cooperative else ""


def active_membership(user: Reader) -> Membership | None:
    """The user's membership if it is active, else None (anonymous users have none)."""
    if not user.is_authenticated or user.pk is None:
        return None
    membership = Membership.objects.filter(user_id=int(user.pk)).first()
    return membership if membership and membership.is_active else None


def require_role(user: Reader, *roles: Role) -> Membership:
    """The actor's active membership if it has one of `roles`, else Forbidden."""
    membership = active_membership(user)
    if membership is None:
        raise Forbidden("Only active members of the co-op can do this.")
    if roles and not any(holds_role(membership, role) for role in roles):
        # The role's code, not its label: the message is English (the API's language)
        # whatever language is active; pages translate the template.
        names = ", ".join(role.value for role in roles)
        raise Forbidden("Only members with the role {roles} can do this.", params={"roles": names})
    return membership


def holds_role(membership: Membership, role: Role) -> bool:
    """A member holds their own role; an elected steward also holds the steward's role
    until their term ends."""
    if membership.role == role:
        return True
    return (
        role == Role.STEWARD
        and membership.steward_until is not None
        and membership.steward_until > clock.now()
    )


def is_steward(user: Reader) -> bool:
    membership = active_membership(user)
    return membership is not None and holds_role(membership, Role.STEWARD)


def access_application_by_id(actor: User, application_id: int) -> Application:
    """Stewards see every application, each read through the vault's gate into the
    applicant's access log; an applicant sees their own."""
    application = Application.objects.select_related("applicant").filter(pk=application_id).first()
    if application is None or not (is_steward(actor) or application.applicant_id == actor.pk):
        raise NotFound("Application", field="application_id")
    gate.read(
        actor=actor, subject_id=application.applicant_id, category="identity", purpose="admission"
    )
    return application


def pending_applications(actor: User) -> list[Application]:
    """Stewards: the applications waiting for a decision, each applicant's details read
    through the vault's gate (into the applicant's access log)."""
    require_role(actor, Role.STEWARD)
    applications = list(
        Application.objects.filter(status=ApplicationStatus.PENDING).select_related("applicant")
    )
    gate.read_many(
        actor=actor,
        subject_ids=[a.applicant_id for a in applications],
        category="identity",
        purpose="admission",
    )
    return applications


def applications_of(actor: User) -> QuerySet[Application]:
    return Application.objects.filter(applicant_id=actor.pk).order_by("-submitted_at")


def list_members(actor: User) -> list[Membership]:
    """Stewards: the membership roll, each member's name read through the vault's gate."""
    require_role(actor, Role.STEWARD)
    members = list(Membership.objects.select_related("user").order_by("role", "user__username"))
    gate.read_many(
        actor=actor,
        subject_ids=[m.user_id for m in members],
        category="identity",
        purpose="membership",
    )
    return members


def access_membership_by_id(actor: User, membership_id: int) -> Membership:
    require_role(actor, Role.STEWARD)
    membership = Membership.objects.select_related("user").filter(pk=membership_id).first()
    if membership is None:
        raise NotFound("Membership", field="membership_id")
    return membership


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def api_tokens_of(actor: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=actor.pk).order_by("-created_at", "-id")


def may_use_api(user: User) -> bool:
    """Whether this log-in may use the API: members and applicants, not a suspended or
    removed member (the same holds for their tokens and their browser session)."""
    membership = Membership.objects.filter(user_id=user.pk).only("status").first()
    return membership is None or membership.status not in (
        MembershipStatus.SUSPENDED,
        MembershipStatus.REMOVED,
    )
