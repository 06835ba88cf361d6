"""The members app's share of members' personal data, and what only it can tell the
vault: what kind of reader someone is, the controller's name, members by user name.
Registered with the vault in MembersConfig.ready."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from commonwork.members import actions
from commonwork.members.models import ApiToken, Membership, Role, User
from commonwork.members.selectors import (
    active_membership,
    get_cooperative,
    holds_role,
    require_role,
    user_by_username,
)
from commonwork.vault import providers
from commonwork.vault.contact import email_of
from commonwork.vault.providers import Reader, Rows
from commonwork.vault.registry import ActorKind


class IdentityProvider:
    category = "identity"

    def rows(self, member_id: int) -> Rows:
        user = User.objects.get(pk=member_id)
        membership = Membership.objects.filter(user_id=member_id).first()
        row: dict[str, Any] = {
            "username": user.username,
            "display_name": user.display_name,
            "email": email_of(member_id),
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined,
        }
        if membership is not None:
            row.update(
                role=membership.role,
                status=membership.status,
                shares=membership.shares,
                skills=membership.skills,
                joined_at=membership.joined_at,
                left_at=membership.left_at,
            )
        return [row]

    def count(self, member_id: int) -> int:
        return 1

    def erase(self, member_id: int) -> None:
        actions.erase_identity(member_id)

    def expire(self, now: datetime) -> int:
        return 0  # kept while the member is one; erasure is the member's to ask for


class LoginsProvider:
    category = "logins"

    def rows(self, member_id: int) -> Rows:
        rows: Rows = [{"record": "last_login", "at": User.objects.get(pk=member_id).last_login}]
        rows += [
            {"record": "api_token", **row}
            for row in ApiToken.objects.filter(user_id=member_id)
            .order_by("created_at")
            .values("name", "prefix", "created_at", "last_used_at", "revoked_at")
        ]
        return rows

    def count(self, member_id: int) -> int:
        return 1 + ApiToken.objects.filter(user_id=member_id).count()

    def erase(self, member_id: int) -> None:
        actions.erase_logins(member_id)

    def expire(self, now: datetime) -> int:
        return 0


def reader_kind(actor: Reader) -> ActorKind:
    """What kind of reader a logged-in person is for another member's data."""
    membership = active_membership(actor)
    if membership is None:
        return "anonymous"
    if holds_role(membership, Role.STEWARD):
        return "steward"
    if membership.role == Role.CLIENT:
        return "client"
    return "member"


def _controller_name() -> str:
    cooperative = get_cooperative()
    return cooperative.name if cooperative else ""


def _member_id_by_username(username: str) -> int | None:
    user = user_by_username(username)
    return None if user is None else int(user.pk)


def _require_member(actor: Reader) -> None:
    require_role(actor)


def register() -> None:
    providers.register_directory(
        providers.Directory(
            reader_kind=reader_kind,
            controller_name=_controller_name,
            member_id_by_username=_member_id_by_username,
            member_exists=lambda member_id: User.objects.filter(pk=member_id).exists(),
            require_member=_require_member,
        )
    )
    providers.register_category(IdentityProvider())
    providers.register_category(LoginsProvider())
    providers.register_erasure_check(actions.check_erasable)
