"""Proposals and ballots through the JSON API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from commonwork.core import clock
from commonwork.governance.actions import advance_due_proposals
from commonwork.governance.models import Ballot
from tests.conftest import VotingWindow, proposed_earlier, voting_window


def _iso(window: VotingWindow) -> dict[str, str]:
    return {
        "voting_opens_at": window["voting_opens_at"].isoformat(),
        "voting_closes_at": window["voting_closes_at"].isoformat(),
    }


def test_propose_vote_change_the_vote_and_read_the_result(
    as_member: Any, alice: Any, bob: Any
) -> None:
    with proposed_earlier() as window:
        status, proposal = as_member(bob).post(
            "/proposals",
            {
                "title": "Raise the floor",
                "reason": "Rents went up.",
                "changes": {"pay_floor_per_hour": "1700"},
                **_iso(window),
            },
            key="proposal-1",
        )
    assert status == 201
    assert proposal["status"] == "discussion"
    advance_due_proposals()  # the notice has passed: voting opens
    assert proposal["current_values"] == {"pay_floor_per_hour": "1500"}
    ballot = f"/proposals/{proposal['id']}/ballot"
    assert as_member(bob).call("PUT", ballot, {"choice": "no"})[0] == 200
    assert as_member(bob).call("PUT", ballot, {"choice": "yes"})[1]["choice"] == "yes"
    assert as_member(alice).call("PUT", ballot, {"choice": "yes"})[0] == 200
    status, refused = as_member(alice).call("PUT", ballot, {"choice": "maybe"})
    assert status == 422
    assert refused["code"]
    assert Ballot.objects.count() == 2
    with clock.set_to(window["voting_closes_at"] + dt.timedelta(minutes=1)):
        advance_due_proposals()
    status, results = as_member(None).get("/results")
    assert status == 200
    assert results[0]["status"] == "passed"
    assert results[0]["result"]["yes"] == 2


def test_an_out_of_bounds_value_is_refused_with_its_field(as_member: Any, bob: Any) -> None:
    status, body = as_member(bob).post(
        "/proposals",
        {
            "title": "Take it all",
            "reason": "No.",
            "changes": {"fee_rate": "0.99"},
            **_iso(voting_window()),
        },
    )
    assert status == 400
    assert body["field"] == "changes"
    assert "lies outside" in body["message"]


def test_a_secret_vote_through_the_api_answers_with_a_receipt(
    as_member: Any, alice: Any, bob: Any
) -> None:
    with proposed_earlier() as window:
        _status, proposal = as_member(alice).post(
            "/proposals",
            {
                "title": "Raise the floor",
                "reason": "Rents went up.",
                "changes": {"pay_floor_per_hour": "1700"},
                "secret": True,
                **_iso(window),
            },
        )
    advance_due_proposals()
    ballot = f"/proposals/{proposal['id']}/ballot"
    status, first = as_member(bob).call("PUT", ballot, {"choice": "no"})
    assert status == 200
    assert len(first["receipt"]) == 19
    status, again = as_member(bob).call("PUT", ballot, {"choice": "yes"})
    assert (status, again["field"]) == (409, "receipt")
    status, changed = as_member(bob).call(
        "PUT", ballot, {"choice": "yes", "receipt": first["receipt"]}
    )
    assert (status, changed["choice"], changed["receipt"]) == (200, "yes", "")


def test_an_election_through_the_api_takes_rankings_and_refuses_repeats(
    as_member: Any, alice: Any, bob: Any, carol: Any
) -> None:
    with proposed_earlier("election") as window:
        status, election = as_member(alice).post(
            "/proposals",
            {
                "kind": "election",
                "title": "Two stewards",
                "reason": "Terms end.",
                "candidate_ids": [alice.pk, bob.pk, carol.pk],
                "seats": 2,
                **_iso(window),
            },
            key="election-1",
        )
    advance_due_proposals()
    assert status == 201
    assert (election["method"], election["seats"]) == ("ranked", 2)
    assert [o["label"] for o in election["options"]] == ["Alice", "Bob", "Carol"]
    ballot = f"/proposals/{election['id']}/ballot"
    a, b = str(alice.pk), str(bob.pk)
    status, refused = as_member(bob).call("PUT", ballot, {"choice": "answer", "answer": [a, a]})
    assert (status, refused["field"]) == (400, "answer")
    status, cast = as_member(bob).call("PUT", ballot, {"choice": "answer", "answer": [b, a]})
    assert (status, cast["answer"]) == (200, [b, a])
    assert Ballot.objects.count() == 1


def test_a_draft_is_published_through_the_api(as_member: Any, alice: Any, bob: Any) -> None:
    status, draft = as_member(bob).post(
        "/proposals",
        {
            "kind": "free_decision",
            "method": "score",
            "options": ["Red", "Green"],
            "title": "Colour of the bags",
            "reason": "New bags.",
            "draft": True,
            **_iso(voting_window("free_decision")),
        },
        key="draft-1",
    )
    assert (status, draft["status"]) == (201, "draft")
    assert as_member(alice).get(f"/proposals/{draft['id']}")[0] == 404
    status, published = as_member(bob).post(f"/proposals/{draft['id']}/publish", {}, key="pub-1")
    assert (status, published["status"]) == (200, "discussion")
    opens = dt.datetime.fromisoformat(published["voting_opens_at"])
    with clock.set_to(opens + dt.timedelta(minutes=1)):
        advance_due_proposals()
    score = {"choice": "answer", "answer": {"1": 2, "2": 5}}
    with clock.set_to(opens + dt.timedelta(minutes=2)):
        assert as_member(alice).call("PUT", f"/proposals/{draft['id']}/ballot", score)[0] == 200
