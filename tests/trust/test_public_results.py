"""Issue 14, point 6: the public results show counts and outcomes; what a decision about
one person says of them (its title, its reasons, who it is) stays with the members."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from commonwork.core import clock
from commonwork.governance import actions as proposals
from commonwork.governance.actions import ProposalContent
from tests.conftest import voting_window


def test_a_removal_shows_only_its_outcome_outside_the_membership(
    alice: Any, bob: Any, carol: Any, sam: Any
) -> None:
    proposal = proposals.propose(
        actor=bob,
        kind="removal",
        title="Remove Carol Lin",
        reason="Carol kept the tips of three clients.",
        content=ProposalContent(subject_id=carol.pk),
        **voting_window("removal"),
    )
    with clock.set_to(proposal.voting_opens_at + dt.timedelta(minutes=1)):
        proposals.open_voting(proposal_id=proposal.pk)
        for voter in (alice, bob, sam):
            proposals.cast_ballot(actor=voter, proposal_id=proposal.pk, choice="yes")
    with clock.set_to(proposal.voting_closes_at + dt.timedelta(minutes=1)):
        proposals.close_voting(proposal_id=proposal.pk)

    anonymous = Client()
    page = anonymous.get("/results/").content.decode()
    api = anonymous.get("/api/v1/results").content.decode()
    for public in (page, api):
        assert "Carol" not in public
        assert "tips" not in public
        assert "removal" in public.lower()
    [row] = anonymous.get("/api/v1/results").json()
    assert (row["status"], row["result"]["yes"]) == ("passed", 3)
    assert "subject_id" not in row

    member = Client()
    member.force_login(alice)
    assert "Remove Carol Lin" in member.get("/results/").content.decode()
