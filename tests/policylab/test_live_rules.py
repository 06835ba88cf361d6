"""The policy lab runs the platform's own rules: a governed value changed in a rule set
changes the lab's result exactly as the same change in the governed parameters changes
the live platform, on the same input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from commonwork.dispatch import solver
from commonwork.governance.actions import set_parameter
from commonwork.governance.parameters import snapshot
from commonwork.ledger import rules as pay_rules
from commonwork.ledger.actions.entries import rates
from commonwork.policylab import simulate as lab
from commonwork.policylab.actions import cooperative_rules, current_values
from commonwork.policylab.config import governed_values, rules_from, scenario_from
from commonwork.policylab.library import SCENARIOS

CHANGES = [
    ("max_hours_per_day", "6"),
    ("max_hours_per_week", "20"),
    ("min_rest_hours", "12"),
    ("dispatch.radius_km", "1.5"),
    ("dispatch.weight_fairness", "0"),
    ("dispatch.unassigned_penalty", "2"),
]


def _live_params() -> solver.Params:
    """What a live round solves with (dispatch.actions.run_round builds it so)."""
    return solver.params_from_values(snapshot().values)


def _lab_rules() -> Any:
    return rules_from(cooperative_rules(current_values(), "cooperative"))


def _lab_params() -> solver.Params:
    return solver.params_from_values(governed_values(_lab_rules()))


@pytest.mark.parametrize(("name", "value"), CHANGES)
def test_the_lab_and_a_live_round_build_the_same_solver_parameters_before_and_after(
    alice: Any, name: str, value: str
) -> None:
    before = _live_params()
    assert _lab_params() == before
    set_parameter(actor=alice, name=name, value=value, reason="what if")
    after = _live_params()
    assert after != before
    assert _lab_params() == after


def _round(hours_today: float) -> tuple[list[tuple[int, int]], list[tuple[int, str]]]:
    """One minute of the lab's dispatch and the live solver on the same input: a worker
    who has worked `hours_today` and another too far away, one task beside the first."""
    rules = _lab_rules()
    demand = lab._Demand(
        minute=np.array([0]), x=np.array([1.0]), y=np.array([1.0]), trip_km=np.array([2.0])
    )
    hours = lab._Hours(
        today=np.array([hours_today, 0.0]),
        week=np.array([hours_today, 0.0]),
        rest=np.array([24.0, 24.0]),
        without_break=np.array([0.0, 0.0]),
    )
    offered, refused = lab._offers(
        rules,
        solver.params_from_values(governed_values(rules)),
        demand,
        [0],
        np.array([0, 1]),
        np.array([1.2, 40.0]),
        np.array([1.0, 40.0]),
        np.zeros(2),
        hours,
        np.zeros(2),
    )
    live = solver.solve(
        solver.RoundInput(
            tasks=(solver.TaskIn(0, 1.0, 1.0, 20),),
            workers=(
                solver.WorkerIn(
                    0,
                    1.2,
                    1.0,
                    hours_today=hours_today,
                    hours_week=hours_today,
                    engaged_hours_week=hours_today,
                ),
                solver.WorkerIn(1, 40.0, 40.0),
            ),
            params=_live_params(),
        )
    )
    assert offered == [(a.task_id, a.worker_id) for a in live.assignments]
    return offered, refused


def test_a_lower_daily_cap_refuses_the_same_worker_in_the_lab_and_live(alice: Any) -> None:
    offered, refused = _round(hours_today=5.8)
    assert offered == [(0, 0)]
    set_parameter(actor=alice, name="max_hours_per_day", value="6", reason="what if")
    offered, refused = _round(hours_today=5.8)
    assert offered == []
    assert refused == [(0, solver.DAILY_CAP)]  # and the lab sends them home


def test_the_lab_splits_every_price_as_the_books_do_under_the_governed_fee(alice: Any) -> None:
    set_parameter(actor=alice, name="fee_rate", value="0.06", reason="what if")
    fee_rate, solidarity_rate = rates()  # what a live task completion posts with
    outcome = lab.simulate(
        scenario_from({**SCENARIOS["small"], "days": 1, "workers": 15, "seed": 11}),
        _lab_rules(),
    )
    priced = [t for t in outcome.tasks if t.client_paid_minor > 0]
    assert priced
    for task in priced:
        split = pay_rules.split_price(
            task.client_paid_minor, fee_rate=fee_rate, solidarity_rate=solidarity_rate
        )
        assert task.worker_paid_minor == split.worker_minor
        assert task.platform_kept_minor == split.fee_minor + split.solidarity_minor


def test_a_rule_set_with_caps_needs_the_platforms_solver() -> None:
    from commonwork.policylab.config import ConfigError
    from commonwork.policylab.library import RULE_SETS

    with pytest.raises(ConfigError) as refused:
        rules_from({**RULE_SETS["extractive"], "max_hours_per_day": 10})
    assert refused.value.field == "dispatch"
