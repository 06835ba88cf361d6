"""Every write of the observatory: members declare or withdraw their groups; a steward
publishes the equity report, charging the commons' privacy budget."""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import json
from collections import defaultdict
from typing import Any

import opendp.prelude as opendp
from django.db import transaction
from django.db.models import Count

from commonwork.commons import actions as commons_actions
from commonwork.commons.statistics import OPENDP_VERSION
from commonwork.core import audit, clock
from commonwork.core.errors import DomainError
from commonwork.governance.parameters import read_parameter
from commonwork.ledger import selectors as ledger_selectors
from commonwork.members.models import Role, User
from commonwork.members.selectors import require_role
from commonwork.observatory import costs, equity, fairwork
from commonwork.observatory.models import (
    EquityDeclaration,
    FairworkAssessment,
    PrivacyRelease,
    VehicleCost,
    WageRate,
)
from commonwork.observatory.selectors import fairwork_facts
from commonwork.vault.actions.keys import seal
from commonwork.vault.gate import job_reads
from commonwork.vault.keys import unseal_all
from commonwork.work.models import Offer

opendp.enable_features("contrib")
WINDOW_DAYS = 28


class ObservatoryError(DomainError):
    pass


@transaction.atomic
def declare_groups(*, actor: User, groups: dict[str, str]) -> EquityDeclaration | None:
    """Declare (or change) one's groups; none at all withdraws the declaration."""
    require_role(actor)
    chosen = {k: v for k, v in groups.items() if v}
    for dimension, group in chosen.items():
        if group not in equity.DIMENSIONS.get(dimension, {}):
            raise ObservatoryError("invalid", "There is no such group.", field=dimension)
    if not chosen:
        EquityDeclaration.objects.filter(member=actor).delete()
        audit.record(actor=actor, action="observatory.declaration_withdrawn", obj=actor)
        return None
    declaration, _ = EquityDeclaration.objects.update_or_create(
        member=actor,
        defaults={"sealed": seal(actor.pk, json.dumps(chosen)), "declared_at": clock.now()},
    )
    audit.record(actor=actor, action="observatory.declared", obj=declaration, data={})
    return declaration


def laplace(value: float, sensitivity: float, epsilon: float) -> float:
    """OpenDP's Laplace mechanism at scale sensitivity ÷ epsilon."""
    mechanism = opendp.m.make_laplace(
        opendp.atom_domain(T=float, nan=False),
        opendp.absolute_distance(T=float),
        scale=sensitivity / epsilon,
    )
    return float(mechanism(float(value)))


def equity_code_hash() -> str:
    return hashlib.sha256(inspect.getsource(equity).encode()).hexdigest()


def _member_stats(member_ids: list[int], since: dt.datetime, until: dt.datetime) -> dict[int, Any]:
    hours = ledger_selectors.engaged_hours(member_ids, since=since, until=until)
    offers: dict[int, int] = defaultdict(int)
    for member, count in (
        Offer.objects.filter(worker_id__in=member_ids, offered_at__gte=since, offered_at__lt=until)
        .values("worker_id")
        .annotate(n=Count("id"))
        .values_list("worker_id", "n")
    ):
        offers[member] = count
    earnings = ledger_selectors.earnings(member_ids, since=since, until=until)
    return {m: equity.MemberStats(hours[m], int(offers[m]), earnings.get(m, 0)) for m in member_ids}


@transaction.atomic
def publish_equity_report(*, actor: User) -> PrivacyRelease:
    """A steward publishes the equity report for the last four weeks: it costs the
    governed epsilon, charged to the commons' budget ledger, and is refused past the
    quarter's cap."""
    require_role(actor, Role.STEWARD)
    now = clock.now()
    epsilon = float(read_parameter("equity_report_epsilon"))
    head = commons_actions.lock_budget(epsilon)  # refused past the quarter's cap
    rows = list(EquityDeclaration.objects.values_list("member_id", "sealed"))
    member_ids = [member for member, _ in rows]
    job_reads(
        job="equity_report",
        purpose="equity_report",
        subject_ids=member_ids,
        categories=("equity", "availability", "tasks", "earnings"),
    )
    opened = unseal_all([(member, sealed) for member, sealed in rows])
    declarations = {
        member: json.loads(text) for (member, _), text in zip(rows, opened, strict=True) if text
    }
    since = now - dt.timedelta(days=WINDOW_DAYS)
    stats = _member_stats(list(declarations), since, now)
    result = [
        row.__dict__
        for row in equity.equity_rows(stats, declarations, epsilon=epsilon, noise=laplace)
    ]
    release = PrivacyRelease.objects.create(
        kind="equity",
        released_at=now,
        released_by=actor,
        epsilon=epsilon,
        window_days=WINDOW_DAYS,
        result={"rows": result},
    )
    commons_actions.charge(
        head,
        commons_actions.Charge(
            label=f"equity report #{release.pk}",
            epsilon=epsilon,
            bounds={
                "offers_per_hour": int(equity.OFFERS_PER_HOUR_BOUND),
                "earnings_per_hour_minor": int(equity.EARNINGS_PER_HOUR_BOUND),
            },
            query="per declared group of each dimension: count of members, sum of offers "
            "per engaged hour, sum of earnings per engaged hour; each + Laplace noise",
            unit=f"worker × {WINDOW_DAYS} days",
            mechanism=f"Laplace, OpenDP {OPENDP_VERSION}",
            code_hash=equity_code_hash(),
        ),
    )
    audit.record(actor=actor, action="observatory.released", obj=release, data={"epsilon": epsilon})
    return release


def erase_declaration(member_id: int) -> None:
    EquityDeclaration.objects.filter(member_id=member_id).delete()


# --- the cost tables and the nightly self-assessment ----------------------------------


@transaction.atomic
def load_cost_tables(actor: User | None = None) -> int:
    """Add the rows of the cost tables' files that the database lacks; a row a steward
    has set stays as they set it. How many were added."""
    added = 0
    for row in costs.wages():
        _, created = WageRate.objects.get_or_create(
            country=row["country"], year=row["year"], defaults=row
        )
        added += created
    for row in costs.vehicle_costs():
        _, created = VehicleCost.objects.get_or_create(
            country=row["country"], year=row["year"], vehicle=row["vehicle"], defaults=row
        )
        added += created
    if added:
        audit.record(
            actor=actor, action="observatory.cost_tables_loaded", obj=None, data={"added": added}
        )
    return added


def _check_source(source: str) -> str:
    if len(source.strip()) < 10:
        raise ObservatoryError(
            "invalid", "Say where the figure comes from: a law, a study, a vote.", field="source"
        )
    return source.strip()


@transaction.atomic
def set_wage_rate(
    *,
    actor: User,
    country: str,
    year: int,
    currency: str,
    minimum_minor: int | None,
    living_minor: int | None,
    source: str,
    as_of: dt.date,
) -> WageRate:
    """A steward sets a country's wages for a year, with the figures' source; audited."""
    require_role(actor, Role.STEWARD)
    if minimum_minor is None and living_minor is None:
        raise ObservatoryError("invalid", "Give a minimum wage, a living wage or both.")
    row, _ = WageRate.objects.update_or_create(
        country=country.upper(),
        year=year,
        defaults={
            "currency": currency.upper(),
            "minimum_per_hour_minor": minimum_minor,
            "living_per_hour_minor": living_minor,
            "source": _check_source(source),
            "as_of": as_of,
        },
    )
    audit.record(
        actor=actor,
        action="observatory.wage_rate_set",
        obj=row,
        data={"minimum": minimum_minor, "living": living_minor, "source": row.source},
    )
    return row


@transaction.atomic
def set_vehicle_cost(
    *,
    actor: User,
    country: str,
    year: int,
    vehicle: str,
    currency: str,
    per_km_minor: int,
    source: str,
    as_of: dt.date,
) -> VehicleCost:
    """A steward sets what a kind of vehicle costs per km, with the source; audited."""
    require_role(actor, Role.STEWARD)
    if not vehicle.strip():
        raise ObservatoryError("invalid", "Name the vehicle.", field="vehicle")
    row, _ = VehicleCost.objects.update_or_create(
        country=country.upper(),
        year=year,
        vehicle=vehicle.strip().lower(),
        defaults={
            "currency": currency.upper(),
            "per_km_minor": per_km_minor,
            "source": _check_source(source),
            "as_of": as_of,
        },
    )
    audit.record(
        actor=actor,
        action="observatory.vehicle_cost_set",
        obj=row,
        data={"per_km_minor": per_km_minor, "source": row.source},
    )
    return row


@transaction.atomic
def assess_fairwork(now: dt.datetime) -> FairworkAssessment:
    """Judge every threshold on the records as they are now, and keep the result."""
    verdicts = fairwork.assess(fairwork_facts(now))
    assessment = FairworkAssessment.objects.create(
        computed_at=now,
        gig_score=fairwork.score(verdicts, "gig"),
        cloud_score=fairwork.score(verdicts, "cloud"),
        verdicts=[v.__dict__ for v in verdicts],
    )
    audit.record(
        actor=None,
        action="observatory.fairwork_assessed",
        obj=assessment,
        data={"gig": assessment.gig_score, "cloud": assessment.cloud_score},
    )
    return assessment


def assess_fairwork_if_due(now: dt.datetime) -> FairworkAssessment | None:
    """The nightly job: a new assessment when the last is 20 hours old or more."""
    last = FairworkAssessment.objects.first()
    if last is not None and now - last.computed_at < dt.timedelta(hours=20):
        return None
    return assess_fairwork(now)
