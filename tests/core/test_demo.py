"""The demo co-op `make run` loads: made through actions, idempotent, refused in production."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from commonwork.core.models import AuditEntry
from commonwork.members.models import Application, ApplicationStatus, Membership, User
from commonwork.site.demo import DEMO_PASSWORD, LOGINS
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Dispute, Project, Tariff, Task
from tests.conftest import log_in

# Each test loads the whole demo (four weeks of a co-op, about ten seconds): the slow set.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "applications": Application.objects.count(),
        "tariffs": Tariff.objects.count(),
        "projects": Project.objects.count(),
        "tasks": Task.objects.count(),
        "disputes": Dispute.objects.count(),
        "audit entries": AuditEntry.objects.count(),
    }


def _load() -> str:
    out = StringIO()
    call_command("load_demo", "--force", stdout=out)
    return out.getvalue()


def test_the_demo_co_op() -> None:
    """One load of the whole demo (four weeks of a co-op), then every check on it; and a
    second load changes nothing."""
    # given
    output = _load()
    first = _counts()

    # when
    again = _load()

    # then
    assert _counts() == first
    assert "already loaded" in again
    call_command("verify_audit", stdout=StringIO())
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        for check in CHECKS:
            check(output, Path(folder))


def check_the_demo_has_tasks_in_every_state_the_pages_show(output: str, tmp_path: Any) -> None:

    statuses = sorted(Task.objects.values_list("status", flat=True))

    assert statuses.count(TaskStatus.OPEN) >= 2
    assert TaskStatus.ACCEPTED in statuses
    assert TaskStatus.DELIVERED in statuses
    assert TaskStatus.DISPUTED in statuses
    assert Dispute.objects.filter(task__status=TaskStatus.DISPUTED).count() == 1
    assert Application.objects.filter(
        applicant__username="erin", status=ApplicationStatus.PENDING
    ).exists()


def check_every_demo_log_in_works_with_the_documented_password(output: str, tmp_path: Any) -> None:
    for login in LOGINS:
        assert log_in(Client(), login.username, DEMO_PASSWORD), login.username
        assert login.username in output
    assert DEMO_PASSWORD in output


def check_the_demo_roles_match_what_the_log_ins_say(output: str, tmp_path: Any) -> None:

    roles = dict(Membership.objects.values_list("user__username", "role"))

    assert {login.username: roles.get(login.username) for login in LOGINS} == {
        "alice": "steward",
        "bob": "worker",
        "carol": "worker",
        "dan": "client",
        "erin": None,  # has applied, not yet a member
    }


def test_it_refuses_to_load_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())

    assert User.objects.count() == 0


def test_it_refuses_to_touch_a_co_op_that_is_not_the_demo(alice, bob):
    # given: the cast's own co-op, which is not the demo
    before = _counts()

    # when / then
    with pytest.raises(CommandError, match="not the demo"):
        _load()
    assert _counts() == before


def check_the_demo_shows_an_offer_made_by_dispatch_with_its_reason(
    output: str, tmp_path: Any
) -> None:
    from commonwork.dispatch.models import DecisionKind, DispatchDecision
    from commonwork.work.models import Offer, OfferStatus

    offer = Offer.objects.get(status=OfferStatus.PENDING)
    assert offer.worker.username == "carol"
    decision = DispatchDecision.objects.get(offer=offer)
    assert decision.kind == DecisionKind.ASSIGNED
    client = Client()
    client.force_login(offer.worker)
    page = client.get(f"/tasks/{offer.task_id}/").content.decode()
    assert "Offered to the best-placed worker" in page


def check_the_demo_books_pass_bean_check_and_bob_was_paid_for_waiting(
    output: str, tmp_path: Any
) -> None:
    import subprocess
    import sys
    from pathlib import Path

    from commonwork.ledger.books import check_books, export_beancount
    from commonwork.ledger.models import Statement

    statement = Statement.objects.filter(member__username="bob").latest("period__starts_on")
    assert statement.figures["top_up_minor"] > 0
    assert statement.figures["engaged_seconds"] == 4 * 3600
    assert check_books().ok
    books = tmp_path / "demo.beancount"
    books.write_text(export_beancount(), encoding="utf-8")
    checked = subprocess.run(  # noqa: S603
        [str(Path(sys.executable).parent / "bean-check"), str(books)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def check_a_demo_worker_sees_that_dispatch_read_their_location_and_why(
    output: str, tmp_path: Any
) -> None:
    from commonwork.vault.models import AccessLogEntry

    carol = User.objects.get(username="carol")
    read = AccessLogEntry.objects.get(subject=carol, category="location")
    assert (read.actor_label, read.basis) == ("dispatch", "bylaws:dispatch")
    client = Client()
    assert log_in(client, "carol", DEMO_PASSWORD)
    assert (
        "Dispatch reads a worker&#x27;s current location"
        in client.get("/my-data/").content.decode()
    )


def check_the_demo_has_a_policy_lab_report(output: str, tmp_path: Any) -> None:
    from commonwork.policylab.models import LabRun, RunStatus

    run = LabRun.objects.get()
    assert run.status == RunStatus.DONE
    assert (
        run.summaries["extractive"]["platform_share"]
        > run.summaries["cooperative"]["platform_share"]
    )


def check_the_demo_shows_the_floor_fund_rule_at_work(output: str, tmp_path: Any) -> None:
    """The floor topped up waiting time from the solidarity fund, in full and within the
    members' limit; the statements and the public page say so."""
    from commonwork.governance.parameters import read_parameter
    from commonwork.ledger.actions.periods import solidarity_fund_minor
    from commonwork.ledger.models import Statement

    fund = solidarity_fund_minor()
    assert -int(read_parameter("pay_floor_deficit_limit")) <= fund
    statements = Statement.objects.all()
    assert any(s.figures.get("top_up_minor", 0) > 0 for s in statements)
    assert all(s.figures.get("floor_unpaid_minor", 0) == 0 for s in statements)
    page = Client().get("/transparency/").content.decode()
    assert 'data-testid="floor-account"' in page
    assert 'data-testid="fee-sufficiency"' in page


def check_the_demo_has_cover_in_its_bylaws_a_paid_and_an_open_claim_and_a_storm(
    output: str, tmp_path: Any
) -> None:
    """issue: safety and protection. The cover the founding bylaws chose is in force; Bob's
    injury claim was approved and paid from the fund; Carol's sickness claim waits for a
    steward; last Friday's storm kept a delivery from being offered, and says so."""
    from commonwork.dispatch import solver
    from commonwork.dispatch.explain import explain
    from commonwork.dispatch.models import DecisionKind, DispatchDecision
    from commonwork.governance.parameters import read_parameter
    from commonwork.ledger.books import check_books
    from commonwork.ledger.models import EntryKind, JournalEntry, PayPeriod
    from commonwork.protection.models import Claim, ClaimStatus

    assert int(read_parameter("cover.injury.basis")) == 1
    assert read_parameter("cover_contribution_share") > 0
    injury = Claim.objects.get(cover="injury")
    assert injury.status == ClaimStatus.APPROVED
    assert injury.paid_minor == injury.amount_minor > 0
    assert JournalEntry.objects.filter(kind=EntryKind.COVER_BENEFIT).count() == 1
    # One contribution to cover at each weekly close.
    assert (
        JournalEntry.objects.filter(kind=EntryKind.COVER_CONTRIBUTION).count()
        == PayPeriod.objects.count()
        == 4
    )
    assert Claim.objects.get(cover="sickness").status == ClaimStatus.FILED
    held = DispatchDecision.objects.get(kind=DecisionKind.UNASSIGNED, reason=solver.WEATHER_ALERT)
    assert "storm gusts, severe, until" in explain(held)[0]
    assert check_books().problems == []


def check_the_demo_statement_and_public_page_show_the_cover_contribution(
    output: str, tmp_path: Any
) -> None:
    from commonwork.ledger.models import Statement

    statement = Statement.objects.filter(member__username="bob").latest("period__starts_on")
    assert statement.figures["cover_contribution_minor"] > 0
    page = Client().get("/transparency/").content.decode()
    assert 'data-testid="cover-account"' in page
    assert "25.0 %" in page


CHECKS = [
    check_the_demo_has_tasks_in_every_state_the_pages_show,
    check_every_demo_log_in_works_with_the_documented_password,
    check_the_demo_roles_match_what_the_log_ins_say,
    check_the_demo_shows_an_offer_made_by_dispatch_with_its_reason,
    check_the_demo_books_pass_bean_check_and_bob_was_paid_for_waiting,
    check_a_demo_worker_sees_that_dispatch_read_their_location_and_why,
    check_the_demo_has_a_policy_lab_report,
    check_the_demo_shows_the_floor_fund_rule_at_work,
    check_the_demo_has_cover_in_its_bylaws_a_paid_and_an_open_claim_and_a_storm,
    check_the_demo_statement_and_public_page_show_the_cover_contribution,
]
