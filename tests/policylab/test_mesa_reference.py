"""The outside check: an independent Mesa model written from docs/policylab.md
(bench/policylab_mesa.py, which imports nothing of Commonwork's) gives the same four
measures as the lab under both rule sets, within stated tolerances, on the means of ten
seeds that were not used while the two were brought into agreement (21 to 28 were)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from statistics import fmean

import pytest
from bench import policylab_mesa
from bench.policylab_mesa import run_reference

from commonwork.policylab.config import rules_from, scenario_from
from commonwork.policylab.library import RULE_SETS, SCENARIOS
from commonwork.policylab.report import summarize
from commonwork.policylab.simulate import simulate

pytestmark = pytest.mark.slow  # twenty two-day cities in each implementation

SEEDS = range(41, 51)
# Each model draws its own random numbers, so the two means are independent samples: the
# tolerances are about three standard errors of their difference over ten seeds (measured
# seed to seed: hourly pay ±50, paid share ±0.03, waits ±1.3 minutes, take ±0.002).
RELATIVE = {"hourly_pay_median": 0.04}
ABSOLUTE = {"paid_share_of_time": 0.03, "platform_share": 0.005, "wait_median": 1.5}
METRICS = sorted(RELATIVE | ABSOLUTE)


def _scenario(seed: int) -> dict[str, object]:
    return {**SCENARIOS["small"], "seed": seed}


def _ours(rule_set: str) -> dict[str, float]:
    rules = rules_from(RULE_SETS[rule_set])
    runs = [
        summarize(simulate(scenario_from(_scenario(seed)), rules), floor_per_hour_minor=1500)
        for seed in SEEDS
    ]
    return {key: fmean(run[key] for run in runs) for key in METRICS}


def _reference(rule_set: str) -> dict[str, float]:
    runs = [run_reference(_scenario(seed), RULE_SETS[rule_set]) for seed in SEEDS]
    return {key: fmean(getattr(run, key) for run in runs) for key in METRICS}


@pytest.fixture(scope="module")
def measured() -> dict[str, tuple[dict[str, float], dict[str, float]]]:
    return {name: (_ours(name), _reference(name)) for name in ("extractive", "cooperative")}


def _agree(ours: float, reference: float, metric: str) -> bool:
    if metric in RELATIVE:
        return ours == pytest.approx(reference, rel=RELATIVE[metric])
    return ours == pytest.approx(reference, abs=ABSOLUTE[metric])


@pytest.mark.parametrize("rule_set", ["extractive", "cooperative"])
@pytest.mark.parametrize("metric", METRICS)
def test_the_independent_reference_agrees_within_the_stated_tolerance(
    rule_set: str,
    metric: str,
    measured: dict[str, tuple[dict[str, float], dict[str, float]]],
) -> None:
    ours, reference = measured[rule_set]
    assert _agree(ours[metric], reference[metric], metric), (ours[metric], reference[metric])


def test_the_tolerances_tell_the_rule_sets_apart(
    measured: dict[str, tuple[dict[str, float], dict[str, float]]],
) -> None:
    """The check can fail: the lab's co-op against the reference's extractive platform
    disagrees on every measure."""
    cooperative, _ = measured["cooperative"]
    _, extractive = measured["extractive"]
    assert not any(_agree(cooperative[m], extractive[m], m) for m in METRICS)


def test_the_reference_imports_nothing_of_the_project() -> None:
    tree = ast.parse(Path(policylab_mesa.__file__).read_text())
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }
    assert imported - set(sys.stdlib_module_names) == {"mesa", "numpy", "scipy"}


def test_the_reference_counts_the_kilometres_its_workers_ride() -> None:
    """Its workers' vehicle costs grow with every ride (they used to stay at zero)."""
    one_day = {**SCENARIOS["small"], "days": 1, "seed": 5}
    assert run_reference(one_day, RULE_SETS["extractive"]).ridden_km > 100
