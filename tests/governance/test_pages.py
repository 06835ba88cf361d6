"""The decision pages: propose, vote, see the result; in both languages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from commonwork.core import clock
from commonwork.governance import actions as proposals
from commonwork.governance.actions import ProposalContent, advance_due_proposals
from commonwork.governance.models import Ballot, Proposal, ProposalStatus
from tests.conftest import as_form_times, proposed_earlier, voting_window


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_member_proposes_members_vote_and_the_result_is_public(
    alice: Any, bob: Any, carol: Any
) -> None:
    with proposed_earlier() as window:
        form = {
            "title": "Lower the fee to 6 %",
            "reason": "Hosting got cheaper.",
            "parameter": "fee_rate",
            "value": "6",  # percent, as the form shows it
            **as_form_times(window),
        }
        created = _client(bob).post("/proposals/new/", form)
    assert created.status_code == 302
    advance_due_proposals()
    proposal = Proposal.objects.get()
    assert proposal.status == ProposalStatus.VOTING
    page = _client(carol).get(f"/proposals/{proposal.pk}/")
    assert proposal.changes == {"fee_rate": "0.06"}  # stored as the fraction
    assert b'data-testid="current-value">8' in page.content
    assert b'data-testid="proposed-value">6' in page.content
    for member in (alice, bob, carol):
        assert (
            _client(member).post(f"/proposals/{proposal.pk}/vote/", {"choice": "yes"}).status_code
            == 302
        )
    assert Ballot.objects.count() == 3
    assert b'data-testid="my-vote"' in _client(bob).get(f"/proposals/{proposal.pk}/").content
    with clock.set_to(proposal.voting_closes_at + dt.timedelta(seconds=1)):
        advance_due_proposals()
    results = Client().get("/results/")
    assert results.status_code == 200
    assert "Lower the fee to 6 %" in results.content.decode()
    chinese = Client().get("/zh-hans/results/")
    assert "投票结果" in chinese.content.decode()


def test_out_of_bounds_values_are_shown_on_the_form(bob: Any) -> None:
    now = clock.now()
    response = _client(bob).post(
        "/proposals/new/",
        {
            "title": "Take half",
            "reason": "No.",
            "parameter": "fee_rate",
            "value": "90",
            "voting_opens_at": now.strftime("%Y-%m-%d %H:%M"),
            "voting_closes_at": (now + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M"),
        },
    )
    assert response.status_code == 400
    assert "90 lies outside 0 to 50 (% of the price)" in response.content.decode()
    assert not Proposal.objects.exists()


def test_people_without_a_membership_cannot_see_or_vote(erin: Any, alice: Any) -> None:
    assert _client(erin).get("/proposals/").status_code == 403


def test_a_member_delegates_and_takes_the_vote_back_from_the_page(bob: Any, carol: Any) -> None:
    client = _client(carol)
    kind = "parameter_change"
    assert client.post("/proposals/delegate/", {"delegate": "bob"}).status_code == 400  # no kind
    nobody = {"delegate": "nobody", "kind": kind}
    assert client.post("/proposals/delegate/", nobody).status_code == 404
    assert client.post("/proposals/delegate/", {"delegate": "bob", "kind": kind}).status_code == 302
    assert b'data-testid="delegation"' in client.get("/proposals/").content
    assert client.post("/proposals/delegate/revoke/", {"kind": "removal"}).status_code == 409
    assert client.post("/proposals/delegate/revoke/", {"kind": kind}).status_code == 302
    assert b'data-testid="delegation"' not in client.get("/proposals/").content


def test_notices_show_on_the_decisions_page_until_read(
    alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from commonwork.governance.actions import open_voting

    with proposed_earlier() as window:
        proposal = proposals.propose(
            kind="parameter_change",
            actor=alice,
            title="Rest longer",
            reason="Safety.",
            content=ProposalContent(changes={"min_rest_hours": "11"}),
            **window,
        )
    with django_capture_on_commit_callbacks(execute=True):
        open_voting(proposal_id=proposal.pk)
    page = _client(bob).get("/proposals/")
    assert page.content.count(b'data-testid="notice"') == 2  # proposed; voting open
    assert "Rest longer" in page.content.decode()
    assert _client(bob).post("/proposals/notices/read/").status_code == 302
    assert b'data-testid="notice"' not in _client(bob).get("/proposals/").content


def test_members_comment_on_a_proposal(alice: Any, carol: Any) -> None:
    proposal = proposals.propose(
        kind="parameter_change",
        actor=alice,
        title="Rest longer",
        reason="Safety.",
        content=ProposalContent(changes={"min_rest_hours": "11"}),
        **voting_window(),
    )
    client = _client(carol)
    assert (
        client.post(f"/proposals/{proposal.pk}/comment/", {"body": "Yes, please."}).status_code
        == 302
    )
    page = client.get(f"/zh-hans/proposals/{proposal.pk}/")
    assert page.content.count(b'data-testid="comment"') == 1
    assert "讨论" in page.content.decode()


def test_a_secret_vote_on_the_page_gives_a_receipt_that_finds_the_ballot(
    alice: Any, bob: Any
) -> None:
    import re

    from commonwork.governance.actions import open_voting

    with proposed_earlier() as window:
        proposal = proposals.propose(
            kind="parameter_change",
            actor=alice,
            title="Raise the floor",
            reason="Rents.",
            content=ProposalContent(changes={"pay_floor_per_hour": "1700"}),
            secret=True,
            **window,
        )
    open_voting(proposal_id=proposal.pk)
    client = _client(bob)
    voted = client.post(f"/proposals/{proposal.pk}/vote/", {"choice": "no"}, follow=True)
    match = re.search(r"receipt code is ([0-9A-F]{4}(?:-[0-9A-F]{4}){3})", voted.content.decode())
    assert match, voted.content.decode()
    receipt = match.group(1)
    assert b'data-testid="receipt"' in client.get(f"/proposals/{proposal.pk}/").content
    changed = client.post(
        f"/proposals/{proposal.pk}/vote/", {"choice": "yes", "receipt": receipt}, follow=True
    )
    assert changed.status_code == 200
    assert receipt not in changed.content.decode()  # shown once, at the first vote only
    with clock.set_to(proposal.voting_closes_at + dt.timedelta(seconds=1)):
        advance_due_proposals()
    page = client.get(f"/proposals/{proposal.pk}/", {"receipt": receipt})
    assert b'data-testid="found-ballot"' in page.content
    assert "counted as: yes" in page.content.decode()


def test_a_members_vote_is_shown_in_their_language(alice: Any, bob: Any) -> None:
    from commonwork.governance.actions import cast_ballot, open_voting

    with proposed_earlier() as window:
        proposal = proposals.propose(
            kind="parameter_change",
            actor=alice,
            title="Rest longer",
            reason="Safety.",
            content=ProposalContent(changes={"min_rest_hours": "11"}),
            **window,
        )
    open_voting(proposal_id=proposal.pk)
    cast_ballot(actor=bob, proposal_id=proposal.pk, choice="yes")
    page = _client(bob).get(f"/zh-hans/proposals/{proposal.pk}/").content.decode()
    assert "你投了：赞成" in page


def test_a_proposal_or_comment_form_sent_twice_takes_effect_once(alice: Any, bob: Any) -> None:
    form = {
        "key": "form-once",
        "title": "Rest longer",
        "reason": "Safety.",
        "parameter": "min_rest_hours",
        "value": "11",
        **as_form_times(voting_window()),
    }
    first = _client(bob).post("/proposals/new/", form)
    again = _client(bob).post("/proposals/new/", form)
    assert first["Location"] == again["Location"]
    assert Proposal.objects.count() == 1
    proposal = Proposal.objects.get()
    comment = {"key": "comment-once", "body": "Agreed."}
    for _attempt in range(2):
        assert _client(alice).post(f"/proposals/{proposal.pk}/comment/", comment).status_code == 302
    assert proposal.comments.count() == 1


def test_an_out_of_bounds_value_is_explained_in_chinese(bob: Any) -> None:
    now = clock.now()
    response = _client(bob).post(
        "/zh-hans/proposals/new/",
        {
            "title": "Take half",
            "reason": "No.",
            "parameter": "fee_rate",
            "value": "90",
            "voting_opens_at": now.strftime("%Y-%m-%d %H:%M"),
            "voting_closes_at": (now + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M"),
        },
    )
    assert response.status_code == 400
    assert "90 超出允许范围 0 到 50（价格的 %）" in response.content.decode()


def _window(kind: str) -> dict[str, str]:
    return as_form_times(voting_window(kind))


def test_every_kind_of_proposal_has_its_form_in_both_languages(alice: Any) -> None:
    from commonwork.governance.models import ProposalKind

    client = _client(alice)
    for kind in ProposalKind.values:
        for prefix in ("", "/zh-hans"):
            page = client.get(f"{prefix}/proposals/new/?kind={kind}")
            assert page.status_code == 200, (kind, prefix)
    assert client.get("/proposals/new/?kind=coup").status_code == 400


def test_a_free_decision_is_proposed_and_answered_from_the_pages(
    alice: Any, bob: Any, carol: Any
) -> None:
    form = {
        "title": "Which day for the assembly?",
        "reason": "We need a day.",
        "method": "multiple",
        "options": "Tuesday\nThursday\n\nSaturday",
    }
    with proposed_earlier("free_decision") as window:
        created = _client(bob).post(
            "/proposals/new/?kind=free_decision", form | as_form_times(window)
        )
    assert created.status_code == 302
    advance_due_proposals()
    proposal = Proposal.objects.get()
    assert [o["label"] for o in proposal.options] == ["Tuesday", "Thursday", "Saturday"]
    url = f"/proposals/{proposal.pk}/vote/"
    assert _client(carol).post(url, {"choice": "answer", "option": ["1", "3"]}).status_code == 302
    assert Ballot.objects.get(voter=carol).answer == ["1", "3"]
    assert _client(alice).post(url, {"choice": "answer", "option": ["9"]}).status_code == 400
    assert not Ballot.objects.filter(voter=alice).exists()
    page = _client(carol).get(f"/proposals/{proposal.pk}/")
    assert "Tuesday, Saturday" in page.content.decode()


def test_a_ranked_ballot_from_the_page_refuses_repeated_ranks(
    alice: Any, bob: Any, carol: Any
) -> None:
    form = {
        "title": "Steward",
        "reason": "A seat is free.",
        "candidates": [str(bob.pk), str(carol.pk)],
        "seats": "1",
    }
    with proposed_earlier("election") as window:
        created = _client(alice).post("/proposals/new/?kind=election", form | as_form_times(window))
    assert created.status_code == 302
    advance_due_proposals()
    proposal = Proposal.objects.get()
    url = f"/proposals/{proposal.pk}/vote/"
    b, c = bob.pk, carol.pk
    same = {"choice": "answer", f"rank_{b}": "1", f"rank_{c}": "1"}
    assert _client(bob).post(url, same).status_code == 400
    ranked = {"choice": "answer", f"rank_{b}": "2", f"rank_{c}": "1"}
    assert _client(bob).post(url, ranked).status_code == 302
    assert Ballot.objects.get(voter=bob).answer == [str(c), str(b)]
    assert _client(carol).post(url, {"choice": "abstain"}).status_code == 302


def test_a_bylaw_amendment_page_shows_the_lines_added_and_removed(alice: Any, bob: Any) -> None:
    form = {
        "title": "Tips",
        "reason": "Say it in the bylaws.",
        "bylaws_after": "One member, one vote.\r\nTips go to the worker.",
        **_window("bylaw_amendment"),
    }
    assert _client(bob).post("/proposals/new/?kind=bylaw_amendment", form).status_code == 302
    page = _client(alice).get(f"/proposals/{Proposal.objects.get().pk}/").content.decode()
    assert "<ins>+ Tips go to the worker.</ins>" in page


def test_a_draft_page_is_the_authors_alone_until_published(alice: Any, bob: Any) -> None:
    form = {
        "title": "Later",
        "reason": "Thinking.",
        "method": "consent",
        "draft": "on",
        **_window("free_decision"),
    }
    assert _client(bob).post("/proposals/new/?kind=free_decision", form).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.status == ProposalStatus.DRAFT
    assert _client(alice).get(f"/proposals/{proposal.pk}/").status_code == 404
    assert _client(bob).post(f"/proposals/{proposal.pk}/publish/").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISCUSSION
    assert _client(alice).get(f"/proposals/{proposal.pk}/").status_code == 200


def test_the_public_results_show_who_was_elected(alice: Any, bob: Any, carol: Any) -> None:
    with proposed_earlier("election") as window:
        proposal = proposals.propose(
            kind="election",
            actor=alice,
            title="Steward",
            reason="A seat is free.",
            content=ProposalContent(candidate_ids=[bob.pk, carol.pk]),
            **window,
        )
    proposals.open_voting(proposal_id=proposal.pk)
    for voter in (alice, bob):
        proposals.cast_ballot(
            actor=voter, proposal_id=proposal.pk, choice="answer", answer=[str(carol.pk)]
        )
    with clock.set_to(proposal.voting_closes_at + dt.timedelta(minutes=1)):
        advance_due_proposals()
    page = Client().get("/results/").content.decode()
    assert "Elected: Carol" in page
    assert "当选：" in Client().get("/zh-hans/results/").content.decode()


def test_the_published_secret_ballots_show_answers_in_words(alice: Any, bob: Any) -> None:
    from commonwork.governance.actions import open_voting
    from commonwork.governance.actions.ballots import cast_secret_ballot

    with proposed_earlier("free_decision") as window:
        proposal = proposals.propose(
            kind="free_decision",
            actor=alice,
            title="Which fruit for the depot?",
            reason="Snacks.",
            content=ProposalContent(method="multiple", options=["Apples", "Pears", "Plums"]),
            secret=True,
            **window,
        )
    open_voting(proposal_id=proposal.pk)
    cast_secret_ballot(actor=bob, proposal_id=proposal.pk, choice="answer", answer=["1", "3"])
    with clock.set_to(proposal.voting_closes_at + dt.timedelta(seconds=1)):
        advance_due_proposals()
    page = _client(alice).get(f"/proposals/{proposal.pk}/").content.decode()
    assert "Apples, Plums" in page
    assert "[&#x27;1&#x27;" not in page


def test_the_rule_picker_names_every_rule_in_the_readers_language(bob: Any) -> None:
    from commonwork.governance.labels import label
    from commonwork.governance.registry import PARAMETERS

    assert all(label(name) != name for name in PARAMETERS)  # every rule has a name
    page = _client(bob).get("/zh-hans/proposals/new/?kind=parameter_change").content.decode()
    assert "派单半径（公里）" in page or "派单半径 (公里)" in page
    assert "工伤保障：支付方式" in page
    assert "dispatch.radius_km (km)" not in page
