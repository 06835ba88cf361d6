"""The members' policy lab in the platform: runs in the background, its report on a page,
and a parameter-change proposal's before-and-after comparison."""

from __future__ import annotations

from typing import Any

from django.test import Client

from commonwork.governance import actions as proposals
from commonwork.governance.actions import ProposalContent
from commonwork.policylab.models import LabRun, RunStatus
from tests.conftest import voting_window


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_member_starts_a_comparison_and_reads_its_report(
    bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert _client(bob).post("/lab/start/").status_code == 302
    run = LabRun.objects.get()
    assert run.status == RunStatus.DONE
    assert list(run.summaries) == ["extractive", "cooperative"]
    page = _client(bob).get(f"/lab/{run.pk}/").content.decode()
    assert 'data-metric="platform_share"' in page
    assert "<svg" in _client(bob).get(f"/lab/{run.pk}/report.html").content.decode()
    report_zh = _client(bob).get(f"/zh-hans/lab/{run.pk}/report.html").content.decode()
    assert "客户的钱流向哪里" in report_zh
    assert "政策实验室" in _client(bob).get("/zh-hans/lab/").content.decode()


def test_non_members_cannot_use_the_lab(erin: Any) -> None:
    assert _client(erin).get("/lab/").status_code == 403
    assert _client(erin).post("/lab/start/").status_code == 403
    assert not LabRun.objects.exists()


def test_a_fee_proposal_shows_the_simulated_difference(
    alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = proposals.propose(
        kind="parameter_change",
        actor=bob,
        title="Lower the fee",
        reason="Costs fell.",
        content=ProposalContent(changes={"fee_rate": "0.04"}),
        **voting_window(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert _client(alice).post(f"/proposals/{proposal.pk}/simulate/").status_code == 302
    run = LabRun.objects.get(proposal=proposal)
    assert [r["fee_rate"] for r in run.rule_sets] == [0.08, 0.04]
    # The floor is paid from the solidarity fund, its debt down to the members' limit
    # covered by the fee: a lower fee keeps less and covers less of that debt, and the
    # report says so in what the co-op retains. Workers keep more of each price, so less
    # of the floor is due.
    current, proposed = run.summaries["current rules"], run.summaries["proposed"]
    assert current != proposed
    assert proposed["platform_share"] < current["platform_share"]
    assert proposed["floor_funding_rate"] < current["floor_funding_rate"]
    page = _client(bob).get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'data-testid="lab-table"' in page


def test_a_lab_form_sent_twice_starts_one_run(
    bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _client(bob).post("/lab/start/", {"key": "lab-1"})
        _client(bob).post("/lab/start/", {"key": "lab-1"})
    assert LabRun.objects.count() == 1
