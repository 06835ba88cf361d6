"""Issue 14, point 7: at a member's erasure, what others wrote about them goes too: a
steward's decision note, a removal proposal's title and reasons and the discussion under
it, a client's dispute about their work and its settlement, and the free text of the
audit log's entries about them. The audit log still verifies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command

from commonwork.core import clock
from commonwork.governance import actions as proposals
from commonwork.governance.actions import ProposalContent
from commonwork.members import actions as member_actions
from commonwork.members.models import MembershipStatus, Role
from commonwork.vault import actions as vault_actions
from commonwork.work import actions as work_actions
from tests.conftest import PASSWORD, voting_window
from tests.vault.test_erasure import _scan

WORDS = [
    "Zelda rides too fast downtown",  # a steward's note at admission
    "Zelda kept the tips twice",  # a removal proposal's reason
    "Remove Zelda Quinn",  # its title
    "I saw Zelda do it",  # a comment in its discussion
    "Zelda left the basket at the wrong door",  # a client's dispute
    "Zelda owes a redelivery",  # the steward's settlement
    "Zelda asked to leave",  # a steward's reason for a status change
]


def test_what_others_wrote_about_an_erased_member_goes_with_them(
    alice: Any, bob: Any, carol: Any, dan: Any, make_task: Any
) -> None:
    zelda = member_actions.register_user(username="zelda", password=PASSWORD)
    application = member_actions.submit_application(
        actor=zelda, role=Role.WORKER, motivation="Let me ride.", skills=["bike"]
    )
    member_actions.admit_application(actor=alice, application_id=application.pk, note=WORDS[0])
    task = make_task()
    work_actions.take_task(actor=zelda, task_id=task.pk)
    work_actions.start_task(actor=zelda, task_id=task.pk)
    work_actions.deliver_task(actor=zelda, task_id=task.pk)
    dispute = work_actions.dispute_task(actor=dan, task_id=task.pk, reason=WORDS[4])
    work_actions.resolve_dispute(actor=alice, dispute_id=dispute.pk, outcome="pay", note=WORDS[5])
    removal = proposals.propose(
        actor=bob,
        kind="removal",
        title=WORDS[2],
        reason=WORDS[1],
        content=ProposalContent(subject_id=zelda.pk),
        **voting_window("removal"),
    )
    proposals.comment_on(actor=carol, proposal_id=removal.pk, body=WORDS[3])
    with clock.set_to(removal.voting_opens_at + dt.timedelta(minutes=1)):
        proposals.open_voting(proposal_id=removal.pk)
    zelda.refresh_from_db()
    member_actions.change_membership_status(
        actor=alice,
        membership_id=zelda.membership.pk,
        status=MembershipStatus.LEFT,
        reason=WORDS[6],
    )
    assert _scan(WORDS)  # the scan finds them while kept

    vault_actions.erase_member(actor=zelda)

    assert _scan(WORDS) == []
    call_command("verify_audit")  # still intact
