"""Joining the co-op: registration, applications, admission, status changes, tokens."""

from __future__ import annotations

import pytest

from commonwork.core.errors import DomainError, Forbidden, NotFound
from commonwork.core.models import AuditEntry
from commonwork.members import actions
from commonwork.members.models import (
    ApiToken,
    Application,
    ApplicationStatus,
    Membership,
    MembershipStatus,
    Role,
)
from commonwork.members.selectors import get_cooperative


def test_founding_makes_the_founder_a_steward_holding_a_share(alice):
    coop = get_cooperative()
    assert coop is not None
    assert coop.currency == "EUR"
    assert alice.membership.role == Role.STEWARD
    assert alice.membership.shares == 1


def test_it_refuses_a_second_cooperative(alice, erin):
    coop = get_cooperative()
    assert coop is not None
    with pytest.raises(DomainError) as refused:
        actions.found_cooperative(
            name="Another",
            currency="EUR",
            languages=["en"],
            bylaws="x",
            founded_on=coop.founded_on,
            share_price_minor=1,
            founder=erin,
        )
    assert refused.value.code == "conflict"


def test_it_refuses_a_taken_username_whatever_its_case(alice):
    with pytest.raises(DomainError) as refused:
        actions.register_user(username="ALICE", password="another-long-password-1")
    assert refused.value.field == "username"


def test_it_refuses_a_weak_password(db):
    with pytest.raises(DomainError) as refused:
        actions.register_user(username="frank", password="123")
    assert refused.value.field == "password"


def test_an_admitted_applicant_becomes_an_active_member_with_one_share(alice, erin):
    application = actions.submit_application(
        actor=erin, role=Role.WORKER, motivation="I ride a bike.", skills=["Bike", " bike "]
    )
    membership = actions.admit_application(actor=alice, application_id=application.pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED
    assert application.decided_by == alice
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.shares == 1
    assert membership.skills == ["bike"]
    assert AuditEntry.objects.filter(action="application.admitted").count() == 1


def test_only_a_steward_admits(bob, erin):
    application = actions.submit_application(actor=erin, role=Role.WORKER, motivation="Hi")
    with pytest.raises(Forbidden):
        actions.admit_application(actor=bob, application_id=application.pk)
    assert Membership.objects.filter(user=erin).count() == 0


def test_an_application_is_decided_only_once(alice, erin):
    application = actions.submit_application(actor=erin, role=Role.CLIENT, motivation="Hi")
    actions.reject_application(actor=alice, application_id=application.pk, note="Not now.")
    with pytest.raises(DomainError) as refused:
        actions.admit_application(actor=alice, application_id=application.pk)
    assert refused.value.code == "illegal_transition"
    assert Membership.objects.filter(user=erin).count() == 0


def test_rejecting_needs_a_reason(alice, erin):
    application = actions.submit_application(actor=erin, role=Role.CLIENT, motivation="Hi")
    with pytest.raises(DomainError) as refused:
        actions.reject_application(actor=alice, application_id=application.pk, note="  ")
    assert refused.value.field == "note"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_nobody_applies_to_be_a_steward_or_twice(alice, erin):
    with pytest.raises(DomainError):
        actions.submit_application(actor=erin, role=Role.STEWARD, motivation="Power")
    actions.submit_application(actor=erin, role=Role.WORKER, motivation="Hi")
    with pytest.raises(DomainError) as refused:
        actions.submit_application(actor=erin, role=Role.WORKER, motivation="Again")
    assert refused.value.code == "conflict"
    assert Application.objects.filter(applicant=erin).count() == 1


def test_an_unknown_application_is_not_found(alice):
    with pytest.raises(NotFound):
        actions.admit_application(actor=alice, application_id=999_999)


def test_a_steward_suspends_and_reinstates_with_a_reason(alice, bob):
    membership = bob.membership
    actions.change_membership_status(
        actor=alice, membership_id=membership.pk, status="suspended", reason="Bylaw 4 review"
    )
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.SUSPENDED
    actions.change_membership_status(
        actor=alice, membership_id=membership.pk, status="active", reason="Review closed"
    )
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_a_member_who_left_cannot_be_reactivated(alice, bob):
    membership = bob.membership
    actions.change_membership_status(
        actor=alice, membership_id=membership.pk, status="left", reason="Moved away"
    )
    with pytest.raises(DomainError) as refused:
        actions.change_membership_status(
            actor=alice, membership_id=membership.pk, status="active", reason="Back"
        )
    assert refused.value.code == "illegal_transition"


def test_a_suspended_member_can_no_longer_act(alice, bob):
    actions.change_membership_status(
        actor=alice, membership_id=bob.membership.pk, status="suspended", reason="Review"
    )
    with pytest.raises(Forbidden):
        actions.create_api_token(actor=bob, name="phone")


def test_api_tokens_are_stored_hashed_and_revocable(bob):
    token, plain = actions.create_api_token(actor=bob, name="phone")
    assert plain.startswith("cw_")
    assert not ApiToken.objects.filter(token_hash=plain).exists()
    assert plain not in token.prefix + token.token_hash
    assert actions.user_for_api_token(plain) == bob
    actions.revoke_api_token(actor=bob, token_id=token.pk)
    assert actions.user_for_api_token(plain) is None


def test_nobody_revokes_another_members_token(bob, carol):
    token, plain = actions.create_api_token(actor=bob, name="phone")
    with pytest.raises(NotFound):
        actions.revoke_api_token(actor=carol, token_id=token.pk)
    assert actions.user_for_api_token(plain) == bob
