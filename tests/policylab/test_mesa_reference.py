"""The outside check: the Mesa reference implementation of the same model gives the same
metrics within sampling error (averaged over seeds)."""

from __future__ import annotations

from statistics import fmean

import pytest
from bench.policylab_mesa import run_reference

from commonwork.policylab.config import rules_from, scenario_from
from commonwork.policylab.library import RULE_SETS, SCENARIOS
from commonwork.policylab.report import summarize
from commonwork.policylab.simulate import simulate

SEEDS = (1, 2, 3, 4)
# Between runs of either implementation, seed to seed, these metrics move by about this
# much on a one-day small city; the means of four seeds must agree within it.
TOLERANCE = {
    "platform_share": 0.01,
    "paid_share_of_time": 0.05,
    "daily_hours_median": 1.0,
    "completion_rate": 0.07,
    "wait_median": 1.5,
}


def _mean_metrics(run: object) -> dict[str, float]:
    rules = rules_from(RULE_SETS["extractive"])
    summaries = [
        summarize(
            run(scenario_from({**SCENARIOS["small"], "days": 1, "seed": seed}), rules),  # type: ignore[operator]
            floor_per_hour_minor=1500,
        )
        for seed in SEEDS
    ]
    return {key: fmean(s[key] for s in summaries) for key in TOLERANCE}


@pytest.fixture(scope="module")
def both() -> tuple[dict[str, float], dict[str, float]]:
    return _mean_metrics(simulate), _mean_metrics(run_reference)


@pytest.mark.parametrize("metric", sorted(TOLERANCE))
def test_both_implementations_agree_within_sampling_error(
    metric: str, both: tuple[dict[str, float], dict[str, float]]
) -> None:
    ours, mesa = both
    assert ours[metric] == pytest.approx(mesa[metric], abs=TOLERANCE[metric])


def test_the_reference_counts_the_kilometres_its_workers_ride() -> None:
    """Its workers' vehicle costs grow with every ride (they used to stay at zero)."""
    outcome = run_reference(
        scenario_from({**SCENARIOS["small"], "days": 1, "seed": 5}),
        rules_from(RULE_SETS["extractive"]),
    )
    assert sum(w.costs_minor for w in outcome.workers) > 0
