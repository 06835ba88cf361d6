"""The members' policy lab in the platform: runs in the background, its report on a page,
and a parameter-change proposal's before-and-after comparison."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from commonwork.governance import actions as proposals
from commonwork.governance.actions import ProposalContent
from commonwork.policylab.models import LabRun, RunStatus
from commonwork.policylab.selectors import rule_set_names
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


def test_a_member_tries_several_fees_from_a_fee_proposal(
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
    page = _client(alice).get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'data-testid="sweep-form"' in page
    assert 'name="value_1" value="8"' in page  # the fee now, in per cent
    assert 'name="value_2" value="4"' in page  # as proposed
    with django_capture_on_commit_callbacks(execute=True):
        answer = _client(alice).post(
            f"/proposals/{proposal.pk}/sweep/",
            {"key": "sweep-1", "value_1": "8", "value_2": "4", "value_3": "12,5"},
        )
    assert answer.status_code == 302
    run = LabRun.objects.get(proposal=proposal)
    assert run.status == RunStatus.DONE, run.error
    assert run.seeds == 2
    assert run.sweep_parameter == "fee_rate"
    assert [r["fee_rate"] for r in run.rule_sets] == [0.08, 0.04, 0.125]
    assert rule_set_names(run) == ["8 %", "4 %", "12.5 %"]  # as asked, whatever the database
    assert set(run.summaries) == {"8 %", "4 %", "12.5 %"}
    # Each value is the mean of two draws of the town; the fee orders what workers keep.
    shares = [run.summaries[name]["labour_share"] for name in ("4 %", "8 %", "12.5 %")]
    assert shares == sorted(shares, reverse=True)
    page = _client(bob).get(f"/proposals/{proposal.pk}/").content.decode()
    assert 'data-testid="sweep-heading"' in page
    assert page.index("<th>8 %</th>") < page.index("<th>4 %</th>") < page.index("<th>12.5 %</th>")
    zh = _client(bob).get(f"/zh-hans/proposals/{proposal.pk}/").content.decode()
    assert "试过的值" in zh  # the heading
    assert "试试这些值" in zh  # the button


def test_a_sweep_needs_two_values_the_rule_can_take(alice: Any, bob: Any) -> None:
    proposal = proposals.propose(
        kind="parameter_change",
        actor=bob,
        title="Lower the fee",
        reason="Costs fell.",
        content=ProposalContent(changes={"fee_rate": "0.04"}),
        **voting_window(),
    )
    for values in (
        {"value_1": "8"},
        {"value_1": "8", "value_2": "lots"},
        {"value_1": "8", "value_2": "150"},
    ):
        answer = _client(alice).post(f"/proposals/{proposal.pk}/sweep/", values)
        assert answer.status_code == 400, values
    assert not LabRun.objects.exists()


@pytest.mark.slow
def test_a_sweep_from_the_page_runs_on_the_scheduler_the_operator_names(
    alice: Any, bob: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from commonwork.policylab.sweep import cluster

    proposal = proposals.propose(
        kind="parameter_change",
        actor=bob,
        title="Lower the fee",
        reason="Costs fell.",
        content=ProposalContent(changes={"fee_rate": "0.04"}),
        **voting_window(),
    )
    with cluster(workers=1) as client:
        settings.COMMONWORK_DASK_SCHEDULER = client.scheduler_info()["address"]
        with django_capture_on_commit_callbacks(execute=True):
            _client(alice).post(
                f"/proposals/{proposal.pk}/sweep/", {"key": "s", "value_1": "8", "value_2": "4"}
            )
        # The named cluster's worker ran the runs: its log holds their task keys.
        ran = client.run(
            lambda dask_worker: sum(
                str(entry[0]).startswith("simulate_run") for entry in dask_worker.state.log
            )
        )
    run = LabRun.objects.get(proposal=proposal)
    assert run.status == RunStatus.DONE, run.error
    assert rule_set_names(run) == ["8 %", "4 %"]
    assert all(count > 0 for count in ran.values())
