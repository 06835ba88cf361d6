"""Every write of the policy lab: runs started by members (or by a proposal), run in the
background, stored with their report. The co-op's rule set is read from the governed
parameters, so "what if the fee were 6 %?" runs the very rules a vote would set."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import transaction

from commonwork.core import audit, clock
from commonwork.core.errors import DomainError
from commonwork.governance import labels
from commonwork.governance.parameters import snapshot
from commonwork.governance.registry import PARAMETERS, ParameterError
from commonwork.members.models import User
from commonwork.members.selectors import require_role
from commonwork.policylab import sweep
from commonwork.policylab.config import rules_from, scenario_from
from commonwork.policylab.library import RULE_SETS, SCENARIOS
from commonwork.policylab.models import LabRun, RunStatus
from commonwork.policylab.report import distributions, summarize
from commonwork.policylab.simulate import simulate

PAGE_SCENARIO = SCENARIOS["small-day"]


def cooperative_rules(values: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The cooperative rule set under these governed parameter values."""

    def decimal(key: str) -> float:
        return float(Fraction(values[key]))

    return {
        **RULE_SETS["cooperative"],
        "name": name,
        "fee_rate": decimal("fee_rate"),
        "solidarity_rate": decimal("solidarity_rate"),
        "floor_per_hour_minor": int(values["pay_floor_per_hour"]),
        "max_hours_per_day": decimal("max_hours_per_day"),
        "max_hours_per_week": decimal("max_hours_per_week"),
        "min_rest_hours": decimal("min_rest_hours"),
        "break_after_minutes": int(values["break_after_minutes"]),
        "break_minutes": int(values["break_minutes"]),
        "radius_km": decimal("dispatch.radius_km"),
        "weight_distance": decimal("dispatch.weight_distance"),
        "weight_fairness": decimal("dispatch.weight_fairness"),
        "unassigned_penalty": decimal("dispatch.unassigned_penalty"),
        "floor_from_fund": int(values["pay_floor_funded_by"]) == 0,
        "floor_deficit_limit_minor": int(values["pay_floor_deficit_limit"]),
        "surplus_reserves_share": decimal("surplus.reserves_share"),
        "surplus_patronage_share": decimal("surplus.patronage_share"),
        "surplus_community_share": decimal("surplus.community_share"),
    }


# The governed rules cooperative_rules reads: the ones the lab can try other values of.
LAB_RULES = frozenset(
    {
        "fee_rate",
        "solidarity_rate",
        "pay_floor_per_hour",
        "max_hours_per_day",
        "max_hours_per_week",
        "min_rest_hours",
        "break_after_minutes",
        "break_minutes",
        "dispatch.radius_km",
        "dispatch.weight_distance",
        "dispatch.weight_fairness",
        "dispatch.unassigned_penalty",
        "pay_floor_deficit_limit",
    }
)


def current_values() -> dict[str, Any]:
    return dict(snapshot().values)


@transaction.atomic
def start_run(
    *,
    actor: User | None,
    rule_sets: list[dict[str, Any]],
    proposal_id: int | None = None,
    seeds: int = 1,
    sweep_parameter: str = "",
) -> LabRun:
    """Record a run and queue it; it runs once this commits."""
    if actor is not None:
        require_role(actor)
    for data in rule_sets:
        rules_from(data)  # refused here, before anything is queued
    run = LabRun.objects.create(
        requested_by=actor,
        requested_at=clock.now(),
        scenario=PAGE_SCENARIO["name"],
        rule_sets=rule_sets,
        proposal_id=proposal_id,
        seeds=seeds,
        sweep_parameter=sweep_parameter,
    )
    if actor is not None:
        audit.record(actor=actor, action="policylab.run_started", obj=run, data={})
    from commonwork.policylab.tasks import run_lab

    run_id = run.pk
    transaction.on_commit(lambda: run_lab.enqueue(run_id))
    return run


def complete_run(run_id: int) -> LabRun:
    """Simulate a queued run and store its report. Running it twice changes nothing."""
    run = LabRun.objects.get(pk=run_id)
    if run.status != RunStatus.RUNNING:
        return run
    scenario = scenario_from(PAGE_SCENARIO)
    summaries: dict[str, dict[str, float]] = {}
    spreads = {}
    if run.seeds > 1:
        # A sweep: each rule set on several draws of the city, the mean of each measure.
        runs = sweep.runs_of(
            [((), data) for data in run.rule_sets],
            scenario=PAGE_SCENARIO,
            seeds=[scenario.seed + i for i in range(run.seeds)],
        )
        summaries = sweep.Table.of(runs, _execute(runs)).means()
    else:
        floor = max(int(d.get("floor_per_hour_minor", 0)) for d in run.rule_sets)
        for data in run.rule_sets:
            rules = rules_from(data)
            outcome = simulate(scenario, rules)
            summaries[rules.name] = summarize(outcome, floor_per_hour_minor=floor)
            spreads[rules.name] = distributions(outcome)
    clean = {
        name: {k: (None if math.isnan(v) else round(float(v), 6)) for k, v in values.items()}
        for name, values in summaries.items()
    }
    LabRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.DONE,
        summaries=json.loads(json.dumps(clean)),
        spreads=json.loads(json.dumps(spreads)),
        finished_at=clock.now(),
    )
    return LabRun.objects.get(pk=run_id)


def compare_proposal(*, actor: User | None, proposal: Any) -> LabRun:
    """The co-op's rules now against the rules a parameter-change proposal would set."""
    now = current_values()
    proposed = {**now, **proposal.changes}
    return start_run(
        actor=actor,
        rule_sets=[
            cooperative_rules(now, "current rules"),
            cooperative_rules(proposed, "proposed"),
        ],
        proposal_id=proposal.pk,
    )


def _execute(runs: list[sweep.Run]) -> list[dict[str, float]]:
    """A sweep's runs on the Dask scheduler the operator named, else one by one here."""
    if settings.COMMONWORK_DASK_SCHEDULER:
        with sweep.cluster(scheduler=settings.COMMONWORK_DASK_SCHEDULER) as client:
            return sweep.execute(runs, client=client)
    return sweep.execute(runs)


# A small sweep: what members can start from a proposal's page, seconds each.
SWEEP_SEEDS = 2
SWEEP_MOST_VALUES = 4


def swept_rule(proposal: Any) -> str | None:
    """The rule a sweep from this parameter change tries values of: the first it changes
    that the lab models."""
    return next((key for key in sorted(proposal.changes) if key in LAB_RULES), None)


def sweep_proposal(*, actor: User | None, proposal: Any, typed: list[str]) -> LabRun:
    """ "What if the fee were 8, 10 or 12 %?": the rules as the proposal would set them,
    once for each value typed (in the unit the page shows) for the rule it changes, each
    on SWEEP_SEEDS draws of the city."""
    name = swept_rule(proposal)
    if name is None:
        raise DomainError("not_modelled", "The policy lab does not model the rule this changes.")
    spec = PARAMETERS[name]
    values: list[str] = []
    for text in (t.strip() for t in typed):
        if not text:
            continue
        try:
            stored = labels.from_display(spec.unit, text)
            spec.parse(stored)
        except (ValueError, ZeroDivisionError, ParameterError) as error:
            raise DomainError(
                "invalid_value",
                "“{value}” is not a value this rule can take.",
                field="values",
                params={"value": text[:40]},
            ) from error
        if stored not in values:
            values.append(stored)
    if not 2 <= len(values) <= SWEEP_MOST_VALUES:
        raise DomainError(
            "invalid_value",
            "Give between 2 and {most} different values to compare.",
            field="values",
            params={"most": SWEEP_MOST_VALUES},
        )
    now = current_values()
    # Each rule set is named by its value as the page shows it; the page names the rule.
    shown = labels.DISPLAY_UNITS.get(spec.unit)
    percent = " %" if shown is not None and shown.label.startswith("%") else ""
    rule_sets = [
        cooperative_rules(
            {**now, **proposal.changes, name: stored},
            labels.to_display(spec.unit, stored) + percent,
        )
        for stored in values
    ]
    return start_run(
        actor=actor,
        rule_sets=rule_sets,
        proposal_id=proposal.pk,
        seeds=SWEEP_SEEDS,
        sweep_parameter=name,
    )


def fail_run(run_id: int, error: Exception) -> None:
    """A run that raised is marked failed with the error, for the page to say so."""
    LabRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED, error=repr(error)[:2000], finished_at=clock.now()
    )
