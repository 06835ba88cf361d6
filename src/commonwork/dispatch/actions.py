"""Running a dispatch round: read, solve, offer, record — in one transaction."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import asdict
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.core.errors import DomainError
from commonwork.core.metrics import ROUND_SECONDS, ROUND_SIZE
from commonwork.dispatch import solver, weather
from commonwork.dispatch.alerts import AlertSource
from commonwork.dispatch.live import active_alerts, build_round
from commonwork.dispatch.models import (
    DecisionKind,
    DispatchDecision,
    DispatchRound,
    RegionLock,
    WeatherAlert,
)
from commonwork.governance.parameters import read_parameter, snapshot
from commonwork.ledger import rules
from commonwork.ledger.actions.periods import pay_from_solidarity_fund
from commonwork.work import actions as work_actions
from commonwork.work.hooks import TaskCompleted


@transaction.atomic
def run_round(*, region: str = "", reuse_unchanged: bool = False) -> DispatchRound:
    """One round for a region: the optimal offers, each decision explained and stored.

    With `reuse_unchanged` (the scheduler's rounds), a round whose input, rules and code
    are exactly those of the region's last round, which assigned nothing, is not solved
    or stored again: its result could only be the same, so that round is returned. This
    keeps a quiet night (no one available, or nothing open) from storing a round every
    interval; any change — a worker's hours move on while they are available — runs anew.

    The region's lock row is held until the transaction ends, so a second round for the
    same region waits and then sees this one's offers (workers and tasks with a pending
    offer are not in its input). The database's one-pending-offer-per-task and
    per-worker constraints back this up across regions.
    """
    timer = ROUND_SECONDS.labels(region=region or "city").time()
    with timer:
        return _run_round_locked(region=region, reuse_unchanged=reuse_unchanged)


def _run_round_locked(*, region: str, reuse_unchanged: bool) -> DispatchRound:
    RegionLock.objects.get_or_create(region=region)
    RegionLock.objects.select_for_update().get(region=region)
    # A switch left on is no availability: lapsed periods end before anyone is offered work.
    work_actions.end_lapsed_availability(clock.now())
    started = clock.now()
    parameters = snapshot()
    params = solver.params_from_values(parameters.values)
    live = build_round(now=started, params=params, region=region)
    input_snapshot = solver.encode_round(live.round_input)
    if reuse_unchanged:
        previous = (
            DispatchRound.objects.filter(region=region).order_by("-started_at", "-id").first()
        )
        if (
            previous is not None
            and previous.assigned_count == 0
            and previous.solver_version == solver.SOLVER_VERSION
            and previous.parameter_version == parameters.version
            and bytes(previous.input_snapshot) == input_snapshot
        ):
            return previous
    ROUND_SIZE.labels(region=region or "city").observe(len(live.round_input.tasks))
    began = time.perf_counter()
    result = solver.solve(live.round_input)
    solve_ms = round((time.perf_counter() - began) * 1000)
    dispatch_round = DispatchRound.objects.create(
        region=region,
        started_at=started,
        finished_at=clock.now(),
        solver_version=solver.SOLVER_VERSION,
        parameter_version=parameters.version,
        parameters={name: str(value) for name, value in sorted(parameters.values.items())},
        input_snapshot=input_snapshot,
        result_digest=solver.result_digest(result),
        task_count=len(live.round_input.tasks),
        worker_count=len(live.round_input.workers),
        assigned_count=len(result.assignments),
        total_cost=result.total_cost,
        solve_ms=solve_ms,
    )
    decisions = []
    offered = 0
    for assignment in result.assignments:
        offer = None
        reason = ""
        try:
            with transaction.atomic():
                offer = work_actions.offer_task(
                    actor=None, task_id=assignment.task_id, worker_id=assignment.worker_id
                )
            offered += 1
        except DomainError as error:
            # The world moved between reading and offering (the worker went unavailable,
            # someone took the task from the board): the decision stays on record, unoffered.
            reason = error.code
        data = asdict(assignment)
        decisions.append(
            DispatchDecision(
                round=dispatch_round,
                kind=DecisionKind.ASSIGNED,
                task_id=assignment.task_id,
                worker_id=assignment.worker_id,
                offer=offer,
                reason=reason,
                data=data,
            )
        )
    decisions += [
        DispatchDecision(
            round=dispatch_round,
            kind=DecisionKind.UNASSIGNED,
            task_id=item.task_id,
            reason=item.reason,
            data=dict(item.detail),
        )
        for item in result.unassigned
    ]
    decisions += [
        DispatchDecision(
            round=dispatch_round,
            kind=DecisionKind.IDLE,
            worker_id=item.worker_id,
            reason=item.reason,
            data=dict(item.detail),
        )
        for item in result.idle
    ]
    DispatchDecision.objects.bulk_create(decisions)
    dispatch_round.offered_count = offered
    dispatch_round.save(update_fields=["offered_count"])
    audit.record(
        actor=None,
        action="dispatch.round",
        obj=dispatch_round,
        data={
            "region": region,
            "tasks": dispatch_round.task_count,
            "workers": dispatch_round.worker_count,
            "offers": offered,
            "digest": dispatch_round.result_digest,
        },
    )
    return dispatch_round


def replay(dispatch_round: DispatchRound) -> tuple[bool, str]:
    """Recompute a stored round from its snapshot: (identical?, the recomputed digest)."""
    round_input = solver.decode_round(bytes(dispatch_round.input_snapshot))
    digest = solver.result_digest(solver.solve(round_input))
    return digest == dispatch_round.result_digest, digest


def redact_worker_positions(worker_id: int) -> int:
    """Remove the worker's position from every stored round they were in (erasure). The
    round can no longer be replayed to the same digest; `dispatch_replay` says it was
    redacted. How many rounds were redacted."""
    round_ids = set(
        DispatchDecision.objects.filter(worker_id=worker_id).values_list("round_id", flat=True)
    )
    for dispatch_round in DispatchRound.objects.filter(pk__in=round_ids):
        round_input = solver.decode_round(bytes(dispatch_round.input_snapshot))
        dispatch_round.input_snapshot = _without_positions(round_input, {worker_id})
        dispatch_round.redacted = True
        dispatch_round.save(update_fields=["input_snapshot", "redacted"])
    DispatchDecision.objects.filter(worker_id=worker_id).update(data={})
    return len(round_ids)


# What a decision records that places a worker: how far they were from the pickup.
POSITIONAL_DATA = ("distance_km", "distance_cost", "cost")


def _without_positions(round_input: solver.RoundInput, worker_ids: set[int] | None) -> bytes:
    """The snapshot without the positions of these workers (None: of every worker)."""
    workers = tuple(
        dataclasses.replace(w, x_km=None, y_km=None, areas=None)
        if worker_ids is None or w.id in worker_ids
        else w
        for w in round_input.workers
    )
    return solver.encode_round(dataclasses.replace(round_input, workers=workers))


def expire_round_positions(now: datetime) -> int:
    """Rounds older than `location_retention_days` lose every worker's position, and
    their decisions the distances that would place a worker (retention): the round is
    marked redacted and no longer replays. How many rounds were redacted."""
    cutoff = now - timedelta(days=int(read_parameter("location_retention_days")))
    expired = list(
        DispatchRound.objects.filter(started_at__lt=cutoff, positions_removed_at__isnull=True)
    )
    for dispatch_round in expired:
        round_input = solver.decode_round(bytes(dispatch_round.input_snapshot))
        dispatch_round.input_snapshot = _without_positions(round_input, None)
        dispatch_round.redacted = True
        dispatch_round.positions_removed_at = now
        dispatch_round.save(update_fields=["input_snapshot", "redacted", "positions_removed_at"])
        decisions = list(DispatchDecision.objects.filter(round=dispatch_round))
        for decision in decisions:
            decision.data = {k: v for k, v in decision.data.items() if k not in POSITIONAL_DATA}
        DispatchDecision.objects.bulk_update(decisions, ["data"])
    return len(expired)


@transaction.atomic
def record_weather_alerts(source: AlertSource) -> int:
    """Store what the alert source says (new alerts, and changes to known ones, such as an
    earlier expiry); the number stored. A feed that cannot be read changes nothing."""
    alerts = source.read()
    now = clock.now()
    for alert in alerts:
        WeatherAlert.objects.update_or_create(
            identifier=alert.identifier[:200],
            defaults={
                "event": alert.event[:200],
                "severity": alert.severity,
                "headline": alert.headline[:300],
                "starts": alert.starts,
                "expires": alert.expires,
                "areas": [_area_json(area) for area in alert.areas],
                "source": source.name[:300],
                "received_at": now,
            },
        )
    if alerts:
        audit.record(
            actor=None,
            action="dispatch.weather_alerts",
            obj=None,
            data={"source": source.name[:300], "alerts": sorted(a.identifier for a in alerts)},
        )
    return len(alerts)


def _area_json(area: weather.Circle | weather.Polygon) -> dict[str, list[Any]]:
    if isinstance(area, weather.Circle):
        return {"circle": [area.lat, area.lon, area.radius_km]}
    return {"polygon": [list(point) for point in area.points]}


@transaction.atomic
def record_feed_failure(source: str, error: str) -> None:
    audit.record(
        actor=None,
        action="dispatch.weather_feed_failed",
        data={"source": source[:300], "error": error[:500]},
    )


def record_round_failure(region: str, error: BaseException) -> None:
    """A region's round failed (and rolled back): the audit log says so, for the stewards'
    console and the operator; the other regions' rounds went ahead."""
    audit.record(
        actor=None,
        action="dispatch.round_failed",
        data={"region": region[:40], "error": f"{type(error).__name__}: {error}"[:500]},
    )


def pay_hardship_supplement(event: TaskCompleted) -> None:
    """Under the supplement weather rule, a located task started while a binding alert was
    in force at its pickup earns its worker the governed supplement, a share of its price,
    from the solidarity fund (under the fund's rule, like the floor). Once per task."""
    task = event.task
    if int(read_parameter("weather_rule")) != 1 or task.worker_id is None:
        return
    started = task.started_at or task.completed_at
    if task.kind != "located" or task.pickup_lat is None or task.pickup_lon is None:
        return
    level = int(read_parameter("weather_alert_level"))
    if started is None or level >= len(weather.SEVERITIES):
        return
    alert = weather.binding(
        active_alerts(started),
        lat=task.pickup_lat,
        lon=task.pickup_lon,
        at=started,
        level=weather.SEVERITIES[level],
    )
    if alert is None:
        return
    amount = rules.hardship_supplement(
        task.price_minor, Fraction(read_parameter("weather_supplement_rate"))
    )
    if amount <= 0:
        return
    payment = pay_from_solidarity_fund(
        actor=None,
        key=f"hardship:{task.pk}",
        member_id=task.worker_id,
        amount_minor=amount,
        memo=f"Hardship supplement, task {task.pk}: {alert.event}"[:200],
    )
    audit.record(
        actor=None,
        action="dispatch.hardship_supplement",
        obj=task,
        data={"alert": alert.identifier, "paid_minor": payment.paid_minor, "due_minor": amount},
    )
