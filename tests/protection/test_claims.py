"""A claim's whole life: filed, decided with reasons, appealed to the members, paid from
the solidarity fund under the fund's rule, the books balanced throughout; the vault's
gate on claims and documents for each kind of reader."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from commonwork.core import clock
from commonwork.core.errors import DomainError
from commonwork.governance.actions import ballots, lifecycle
from commonwork.governance.actions.parameters import set_parameter
from commonwork.ledger.actions.periods import solidarity_fund_minor
from commonwork.ledger.books import check_books, export_beancount
from commonwork.ledger.models import EntryKind, JournalEntry
from commonwork.protection import actions
from commonwork.protection.models import Claim, ClaimStatus
from commonwork.vault.models import AccessLogEntry
from tests.ledger.test_beancount import bean_check
from tests.protection.conftest import work_hours

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _injury_claim(member: Any, *, days: int = 10, medical: str = "") -> Claim:
    today = clock.now().date()
    return actions.file_claim(
        actor=member,
        cover="injury",
        starts_on=today - dt.timedelta(days=days - 1),
        ends_on=today,
        account="Knocked off my bike by a car door on the ring road.",
        medical=medical,
    )


def test_a_member_without_the_qualifying_hours_is_told_how_many_are_missing(
    bob: Any, injury_cover: None
) -> None:
    work_hours(bob, 12)
    with pytest.raises(DomainError) as refused:
        _injury_claim(bob)
    assert refused.value.code == "not_covered"
    assert refused.value.params["hours"] == "12.0"


def test_a_cover_the_members_did_not_choose_cannot_be_claimed(bob: Any) -> None:
    work_hours(bob, 40)
    with pytest.raises(DomainError) as refused:
        _injury_claim(bob)
    assert refused.value.code == "not_covered"
    assert not Claim.objects.exists()


def test_an_approved_claim_is_paid_from_the_fund_and_the_books_balance(
    alice: Any, bob: Any, injury_cover: None
) -> None:
    work_hours(bob, 24)
    fund_before = solidarity_fund_minor()
    claim = _injury_claim(bob, medical="Fractured wrist, plaster for six weeks.")
    assert claim.status == ClaimStatus.FILED
    with pytest.raises(DomainError):
        actions.decide_claim(actor=bob, claim_id=claim.pk, approve=True, reason="Mine.")
    with pytest.raises(DomainError):
        actions.decide_claim(actor=alice, claim_id=claim.pk, approve=True, reason=" ")
    decided = actions.decide_claim(
        actor=alice, claim_id=claim.pk, approve=True, reason="Police report attached."
    )
    assert decided.status == ClaimStatus.APPROVED
    # No task pay in the last four weeks: 60 % of nothing. The rule, not a guess.
    assert decided.amount_minor == 0
    assert solidarity_fund_minor() == fund_before
    assert check_books().problems == []


def test_a_claim_on_a_fixed_sum_is_paid_in_full_then_the_fund_rule_holds_the_rest(
    alice: Any, bob: Any, carol: Any, injury_cover: None
) -> None:
    """Sickness pays 200.00 a week. The fund may go 500.00 below zero (the members' limit):
    past it a claim is paid what is left and the rest is owed, paid when there is room."""
    for worker in (bob, carol):
        work_hours(worker, 24)
    today = clock.now().date()

    def sick(worker: Any) -> Claim:
        claim = actions.file_claim(
            actor=worker,
            cover="sickness",
            starts_on=today - dt.timedelta(days=13),
            ends_on=today,
            account="Flu, two weeks in bed.",
        )
        return actions.decide_claim(actor=alice, claim_id=claim.pk, approve=True, reason="GP note.")

    first = sick(bob)
    assert (first.amount_minor, first.paid_minor) == (40_000, 40_000)
    assert solidarity_fund_minor() == -40_000
    second = sick(carol)
    assert (second.amount_minor, second.paid_minor, second.owed_minor) == (40_000, 10_000, 30_000)
    assert second.settled_at is None
    assert solidarity_fund_minor() == -50_000
    assert check_books().problems == []
    # The members raise the limit: what was owed is paid, once.
    set_parameter(actor=alice, name="pay_floor_deficit_limit", value="90000", reason="Vote.")
    assert actions.pay_owed_claims() == 1
    assert actions.pay_owed_claims() == 0
    second.refresh_from_db()
    assert (second.paid_minor, second.owed_minor) == (40_000, 0)
    assert second.settled_at is not None
    assert JournalEntry.objects.filter(kind=EntryKind.COVER_BENEFIT).count() == 3
    assert check_books().problems == []


def test_a_refused_claim_goes_to_the_members_and_their_vote_pays_it(
    alice: Any, bob: Any, carol: Any, injury_cover: None, tmp_path: Any
) -> None:
    work_hours(bob, 24)
    today = clock.now().date()
    claim = actions.file_claim(
        actor=bob,
        cover="sickness",
        starts_on=today - dt.timedelta(days=6),
        ends_on=today,
        account="Concussion after a fall; a week off.",
        medical="Concussion.",
    )
    actions.decide_claim(
        actor=alice, claim_id=claim.pk, approve=False, reason="No incident report."
    )
    with pytest.raises(DomainError):
        actions.appeal_claim(actor=carol, claim_id=claim.pk, reason="For Bob.")
    appealed = actions.appeal_claim(
        actor=bob, claim_id=claim.pk, reason="I reported it on the phone the same day."
    )
    proposal = appealed.appeal
    assert proposal is not None
    assert "Concussion" not in proposal.body  # the medical part never goes to the vote
    assert "No incident report." in proposal.body
    with pytest.raises(DomainError):
        actions.appeal_claim(actor=bob, claim_id=claim.pk, reason="Again.")
    with clock.set_to(proposal.voting_opens_at):
        lifecycle.open_voting(proposal_id=proposal.pk)
        for voter in (alice, bob, carol):
            ballots.cast_ballot(actor=voter, proposal_id=proposal.pk, choice="answer", answer=["1"])
    with clock.set_to(proposal.voting_closes_at):
        lifecycle.close_voting(proposal_id=proposal.pk)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert "members' vote" in claim.decision_reason
    assert claim.paid_minor == claim.amount_minor == 20_000
    assert check_books().problems == []
    # Paid: beancount's own checker agrees the books balance with the claim in them.
    checked = bean_check(tmp_path, export_beancount())
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_members_can_uphold_a_refusal(
    alice: Any, bob: Any, carol: Any, injury_cover: None
) -> None:
    work_hours(bob, 24)
    claim = _injury_claim(bob)
    actions.decide_claim(actor=alice, claim_id=claim.pk, approve=False, reason="Not at work.")
    proposal = actions.appeal_claim(actor=bob, claim_id=claim.pk, reason="I was.").appeal
    assert proposal is not None
    with clock.set_to(proposal.voting_opens_at):
        lifecycle.open_voting(proposal_id=proposal.pk)
        for voter in (alice, carol):
            ballots.cast_ballot(actor=voter, proposal_id=proposal.pk, choice="answer", answer=["2"])
    with clock.set_to(proposal.voting_closes_at):
        lifecycle.close_voting(proposal_id=proposal.pk)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REFUSED


def _page(user: Any, url: str) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_the_gate_on_a_claim_and_its_documents_for_each_kind_of_reader(
    alice: Any, bob: Any, carol: Any, dan: Any, injury_cover: None
) -> None:
    work_hours(bob, 24)
    claim = _injury_claim(bob, medical="Fractured wrist.")
    with pytest.raises(DomainError):
        actions.add_document(
            actor=bob, claim_id=claim.pk, name="x.png", content_type="image/png", data=b"GIF89a"
        )
    with pytest.raises(DomainError):
        actions.add_document(
            actor=carol, claim_id=claim.pk, name="x.png", content_type="image/png", data=PNG
        )
    document = actions.add_document(
        actor=bob, claim_id=claim.pk, name="x-ray.png", content_type="image/png", data=PNG
    )
    url, file_url = f"/protection/claims/{claim.pk}/", f"/protection/documents/{document.pk}/"
    # The member and a steward deciding it read everything, medical part included.
    for reader in (bob, alice):
        page = _page(reader, url)
        assert page.status_code == 200
        assert "Fractured wrist." in page.content.decode()
        assert _page(reader, file_url).content == PNG
    # Another member and a client: as if it did not exist. Nobody logged in: log in first.
    for reader in (carol, dan):
        assert _page(reader, url).status_code == 404
        assert _page(reader, file_url).status_code == 404
    assert _page(None, url).status_code == 302
    # The steward's reads are in Bob's access log, with the bylaw that allowed them.
    logged = AccessLogEntry.objects.filter(subject=bob, category="claims")
    assert logged.filter(purpose="claim_decision").exists()
    assert not AccessLogEntry.objects.filter(subject=bob, actor_label__icontains="carol").exists()


def test_an_incident_hands_the_task_back_and_the_client_is_told(
    bob: Any, dan: Any, make_task: Any
) -> None:
    from commonwork.work import actions as work_actions
    from commonwork.work.models import Task

    task = make_task()
    work_actions.take_task(actor=bob, task_id=task.pk)
    work_actions.start_task(actor=bob, task_id=task.pk)
    incident = actions.report_incident(
        actor=bob,
        occurred_at=clock.now() - dt.timedelta(minutes=10),
        place="Ring road, by the bridge",
        account="A car door opened into me.",
        task_id=task.pk,
        hand_back=True,
    )
    assert incident.handed_back
    task = Task.objects.get(pk=task.pk)
    assert (task.status, task.worker_id, task.started_at) == ("open", None, None)
    client_page = _page(dan, f"/tasks/{task.pk}/").content.decode()
    assert "Handed back after an incident" in client_page
    with pytest.raises(DomainError):  # not one's own task
        actions.report_incident(
            actor=bob,
            occurred_at=clock.now(),
            place="x",
            account="y",
            task_id=task.pk,
            hand_back=True,
        )


def test_sos_tells_the_stewards_and_the_contact_where_the_worker_is(
    alice: Any, bob: Any, carol: Any, django_capture_on_commit_callbacks: Any
) -> None:
    actions.set_emergency_contact(actor=bob, name="Ana", email="ana@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        call = actions.send_sos(actor=bob, lat=52.5200, lon=13.4050)
    assert call.stewards_told >= 1
    assert call.contact_told
    recipients = {address for message in mail.outbox for address in message.to}
    assert "ana@example.org" in recipients
    assert all("mlat=52.520000&mlon=13.405000" in m.body for m in mail.outbox)
    logged = AccessLogEntry.objects.filter(subject=bob, purpose="sos")
    assert set(logged.values_list("category", flat=True)) == {"identity", "location", "claims"}
    with pytest.raises(DomainError):
        actions.send_sos(actor=bob, lat=95.0, lon=13.0)


def test_an_sos_without_a_position_still_goes_out_and_says_so(
    alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call = actions.send_sos(actor=bob, lat=None, lon=None)
    assert call.sealed_position is None
    assert mail.outbox
    assert "did not share a position" in mail.outbox[0].body


def test_overdue_claims_stand_out_on_the_steward_console(
    alice: Any, bob: Any, injury_cover: None
) -> None:
    work_hours(bob, 24)
    claim = _injury_claim(bob)
    with clock.set_to(claim.decide_by + dt.timedelta(hours=1)):
        page = _page(alice, "/steward/").content.decode()
    assert 'data-testid="claims-panel"' in page
    assert 'data-testid="claims-overdue"' in page
    # The claimant's name on the console was read through the gate, into Bob's log.
    assert AccessLogEntry.objects.filter(
        subject=bob, actor=alice, category="identity", purpose="claim_decision"
    ).exists()
    assert _page(bob, "/steward/").status_code == 403


def test_claims_lose_their_words_and_documents_after_the_retention_time(
    alice: Any, bob: Any, injury_cover: None
) -> None:
    from commonwork.protection.actions.personal_data import expire
    from commonwork.protection.models import ClaimDocument, Incident

    work_hours(bob, 24)
    incident = actions.report_incident(
        actor=bob, occurred_at=clock.now(), place="Bridge", account="Fell."
    )
    claim = _injury_claim(bob)
    actions.add_document(
        actor=bob, claim_id=claim.pk, name="x.png", content_type="image/png", data=PNG
    )
    actions.decide_claim(actor=alice, claim_id=claim.pk, approve=False, reason="No.")
    open_claim = _injury_claim(bob)  # still open: its words stay
    assert expire(clock.now()) == 0
    later = clock.now() + dt.timedelta(days=2191)
    assert expire(later) > 0
    claim.refresh_from_db()
    open_claim.refresh_from_db()
    assert bytes(claim.sealed_account) == b""
    assert not ClaimDocument.objects.filter(claim=claim).exists()
    assert bytes(open_claim.sealed_account) != b""
    assert not Incident.objects.filter(pk=incident.pk).exists()
