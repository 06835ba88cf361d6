"""The members part of the JSON API: the co-op, applications, memberships, tokens."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from commonwork.core.api_idempotency import idempotent
from commonwork.core.api_types import PathId
from commonwork.members import actions, selectors
from commonwork.members.http import api_actor
from commonwork.members.models import ApiToken, Application, Membership

router = Router(tags=["members"])


class CooperativeOut(Schema):
    name: str
    currency: str
    languages: list[str]
    bylaws: str
    founded_on: dt.date
    share_price_minor: int


class MembershipOut(Schema):
    id: int
    user_id: int
    username: str
    display_name: str
    role: str
    status: str
    shares: int
    skills: list[str]
    joined_at: dt.datetime

    @staticmethod
    def of(membership: Membership) -> "MembershipOut":
        return MembershipOut(
            id=membership.pk,
            user_id=membership.user_id,
            username=membership.user.username,
            display_name=membership.user.public_name,
            role=membership.role,
            status=membership.status,
            shares=membership.shares,
            skills=membership.skills,
            joined_at=membership.joined_at,
        )


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    membership: MembershipOut | None


class ApplicationIn(Schema):
    role: Literal["worker", "client"]
    motivation: str = Field(min_length=1, max_length=5000)
    skills: list[str] = Field(default_factory=list, max_length=30)


class ApplicationOut(Schema):
    id: int
    applicant_id: int
    applicant: str
    role: str
    motivation: str
    skills: list[str]
    status: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str

    @staticmethod
    def of(application: Application) -> "ApplicationOut":
        return ApplicationOut(
            id=application.pk,
            applicant_id=application.applicant_id,
            applicant=application.applicant.username,
            role=application.role,
            motivation=application.motivation,
            skills=application.skills,
            status=application.status,
            submitted_at=application.submitted_at,
            decided_at=application.decided_at,
            decision_note=application.decision_note,
        )


class DecisionIn(Schema):
    note: str = Field(default="", max_length=5000)


class StatusIn(Schema):
    status: Literal["active", "suspended", "left"]
    reason: str = Field(min_length=1, max_length=5000)


class SkillsIn(Schema):
    skills: list[str] = Field(max_length=30)


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=80)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @staticmethod
    def of(token: ApiToken) -> "TokenOut":
        return TokenOut(
            id=token.pk,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. It is shown this once and never stored.")


@router.get("/cooperative", response=CooperativeOut, auth=None)
def get_cooperative(request: HttpRequest) -> CooperativeOut:
    """The co-op this instance serves (public)."""
    coop = selectors.get_cooperative()
    if coop is None:
        from django.http import Http404

        raise Http404("No co-op has been founded on this instance yet.")
    return CooperativeOut(
        name=coop.name,
        currency=coop.currency,
        languages=coop.languages,
        bylaws=coop.bylaws,
        founded_on=coop.founded_on,
        share_price_minor=coop.share_price_minor,
    )


@router.get("/me", response=MeOut)
def get_me(request: HttpRequest) -> MeOut:
    actor = api_actor(request)
    membership = selectors.active_membership(actor)
    return MeOut(
        id=actor.pk,
        username=actor.username,
        display_name=actor.public_name,
        membership=MembershipOut.of(membership) if membership else None,
    )


@router.put("/me/skills", response=MembershipOut)
@idempotent
def put_my_skills(request: HttpRequest, body: SkillsIn) -> MembershipOut:
    return MembershipOut.of(actions.update_skills(actor=api_actor(request), skills=body.skills))


@router.post("/applications", response={201: ApplicationOut})
@idempotent
def post_application(request: HttpRequest, body: ApplicationIn) -> Status[Any]:
    application = actions.submit_application(
        actor=api_actor(request), role=body.role, motivation=body.motivation, skills=body.skills
    )
    return Status(201, ApplicationOut.of(application))


@router.get("/applications", response=list[ApplicationOut])
def list_applications(request: HttpRequest) -> list[ApplicationOut]:
    """Stewards: the applications waiting for a decision (each read is in the
    applicant's access log)."""
    return [ApplicationOut.of(a) for a in selectors.pending_applications(api_actor(request))]


@router.get("/applications/{application_id}", response=ApplicationOut)
def get_application(request: HttpRequest, application_id: PathId) -> ApplicationOut:
    return ApplicationOut.of(selectors.access_application_by_id(api_actor(request), application_id))


@router.post("/applications/{application_id}/admit", response=MembershipOut)
@idempotent
def admit_application(
    request: HttpRequest, application_id: PathId, body: DecisionIn
) -> MembershipOut:
    membership = actions.admit_application(
        actor=api_actor(request), application_id=application_id, note=body.note
    )
    return MembershipOut.of(membership)


@router.post("/applications/{application_id}/reject", response=ApplicationOut)
@idempotent
def reject_application(
    request: HttpRequest, application_id: PathId, body: DecisionIn
) -> ApplicationOut:
    application = actions.reject_application(
        actor=api_actor(request), application_id=application_id, note=body.note
    )
    return ApplicationOut.of(application)


@router.get("/members", response=list[MembershipOut])
def list_members(request: HttpRequest) -> list[MembershipOut]:
    """Stewards: every membership (each read is in the member's access log)."""
    return [MembershipOut.of(m) for m in selectors.list_members(api_actor(request))]


@router.post("/members/{membership_id}/status", response=MembershipOut)
@idempotent
def change_member_status(
    request: HttpRequest, membership_id: PathId, body: StatusIn
) -> MembershipOut:
    membership = actions.change_membership_status(
        actor=api_actor(request),
        membership_id=membership_id,
        status=body.status,
        reason=body.reason,
    )
    return MembershipOut.of(membership)


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest) -> list[TokenOut]:
    return [TokenOut.of(t) for t in selectors.api_tokens_of(api_actor(request))]


@router.post("/tokens", response={201: TokenCreatedOut})
@idempotent
def create_token(request: HttpRequest, body: TokenIn) -> Status[Any]:
    token, plain = actions.create_api_token(actor=api_actor(request), name=body.name)
    return Status(201, TokenCreatedOut(**TokenOut.of(token).model_dump(), token=plain))


@router.delete("/tokens/{token_id}", response=TokenOut)
@idempotent
def revoke_token(request: HttpRequest, token_id: PathId) -> TokenOut:
    return TokenOut.of(actions.revoke_api_token(actor=api_actor(request), token_id=token_id))
