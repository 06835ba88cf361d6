"""The equity report (Fairwork 4.2): the pure rule (bounds, suppression, the budget's
split), and on the platform: declaring is a choice and can be withdrawn, a release is
noisy, charges the commons' budget and is refused past its quarterly cap, and the page shows it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from commonwork.commons.models import BudgetCharge
from commonwork.core.errors import DomainError
from commonwork.governance.actions.parameters import set_parameter
from commonwork.observatory import actions, equity
from commonwork.observatory.models import EquityDeclaration, PrivacyRelease
from commonwork.vault.models import AccessLogEntry


def _no_noise(value: float, sensitivity: float, epsilon: float) -> float:
    return value


def test_groups_below_the_minimum_are_not_shown_and_values_are_clamped() -> None:
    stats = {
        m: equity.MemberStats(engaged_hours=10, offers=20, earnings_minor=15_000) for m in range(7)
    }
    stats[0] = equity.MemberStats(engaged_hours=1, offers=500, earnings_minor=10**9)  # outlier
    declarations = {m: {"gender": "woman"} for m in range(6)} | {6: {"gender": "man"}}
    rows = {
        r.group: r for r in equity.equity_rows(stats, declarations, epsilon=1.0, noise=_no_noise)
    }
    assert rows["man"].members is None  # one member: suppressed
    women = rows["woman"]
    assert women.members == 6
    # The outlier counts at the bounds: (6 + 5 × 2) ÷ 6 offers an hour.
    assert women.offers_per_hour == pytest.approx((6 + 5 * 2) / 6)
    assert women.earnings_per_hour_minor == pytest.approx((6000 + 5 * 1500) / 6)


def test_each_measure_gets_an_even_share_of_the_epsilon() -> None:
    seen: list[tuple[float, float]] = []

    def spy(value: float, sensitivity: float, epsilon: float) -> float:
        seen.append((sensitivity, epsilon))
        return value

    equity.equity_rows({}, {}, epsilon=1.2, noise=spy)
    groups = sum(len(g) for g in equity.DIMENSIONS.values())
    assert len(seen) == groups * len(equity.MEASURES)
    assert all(eps == pytest.approx(1.2 / 6) for _, eps in seen)
    assert {s for s, _ in seen} == {
        1.0,
        equity.OFFERS_PER_HOUR_BOUND,
        equity.EARNINGS_PER_HOUR_BOUND,
    }


def test_the_laplace_noise_is_opendps_and_really_noise() -> None:
    draws = {round(actions.laplace(100.0, 1.0, 0.5), 6) for _ in range(20)}
    assert len(draws) > 15
    assert all(abs(d - 100) < 60 for d in draws)


@pytest.mark.django_db
def test_declaring_is_a_choice_withdrawn_by_choosing_nothing(bob: Any) -> None:
    actions.declare_groups(actor=bob, groups={"gender": "woman", "origin": ""})
    assert EquityDeclaration.objects.filter(member=bob).exists()
    with pytest.raises(DomainError):
        actions.declare_groups(actor=bob, groups={"gender": "robot"})
    actions.declare_groups(actor=bob, groups={"gender": "", "origin": ""})
    assert not EquityDeclaration.objects.exists()


@pytest.mark.django_db
def test_a_release_spends_the_budget_and_is_refused_once_it_is_spent(
    alice: Any, bob: Any, carol: Any
) -> None:
    set_parameter(actor=alice, name="commons.epsilon_per_quarter", value="0.3", reason="Test.")
    for member in (bob, carol):
        actions.declare_groups(actor=member, groups={"gender": "woman"})
    with pytest.raises(DomainError):
        actions.publish_equity_report(actor=bob)  # a steward publishes
    release = actions.publish_equity_report(actor=alice)
    assert release.epsilon == 0.2
    charge = BudgetCharge.objects.get()  # the commons' ledger, as every release
    assert (charge.epsilon, charge.label) == (0.2, f"equity report #{release.pk}")
    assert {row["group"] for row in release.result["rows"]} >= {"woman", "man"}
    # Two women: below the minimum, so nothing about them is shown.
    woman = next(r for r in release.result["rows"] if r["group"] == "woman")
    assert woman["members"] is None or woman["members"] >= equity.MIN_GROUP
    with pytest.raises(DomainError) as refused:
        actions.publish_equity_report(actor=alice)
    assert refused.value.code == "conflict"
    assert PrivacyRelease.objects.count() == 1
    logged = AccessLogEntry.objects.filter(subject=bob, purpose="equity_report")
    assert set(logged.values_list("category", flat=True)) == {
        "equity",
        "availability",
        "tasks",
        "earnings",
    }


@pytest.mark.django_db
def test_the_fairwork_page_shows_42_to_everyone_and_the_form_to_members(
    alice: Any, bob: Any
) -> None:
    actions.publish_equity_report(actor=alice)
    public = Client().get("/fairwork/").content.decode()
    assert 'data-testid="equity-report"' in public
    assert 'data-testid="declare"' not in public
    member = Client()
    member.force_login(bob)
    page = member.get("/zh-hans/fairwork/").content.decode()
    assert 'data-testid="declare"' in page
    assert "Fairwork" in page
