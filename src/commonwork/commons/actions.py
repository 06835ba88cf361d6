"""Every write of the data commons: a charge to the privacy budget, and a release."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from commonwork.commons import budget, statistics, units
from commonwork.commons.hooks import ReleasePublished, release_published
from commonwork.commons.models import BudgetCharge, BudgetHead, Release
from commonwork.core import audit, clock
from commonwork.core.errors import DomainError
from commonwork.governance.parameters import read_parameter
from commonwork.members.models import Role, User
from commonwork.members.selectors import require_role
from commonwork.vault.gate import consented_reads

logger = logging.getLogger(__name__)
MAX_WEEKS = 13
MECHANISM = f"discrete Laplace, OpenDP {statistics.OPENDP_VERSION}"
UNIT = "worker × period"


class CommonsError(DomainError):
    pass


@dataclass(frozen=True)
class Charge:
    label: str
    epsilon: float
    bounds: dict[str, int]
    query: str
    unit: str = UNIT
    mechanism: str = MECHANISM
    delta: float = 0.0
    code_hash: str = ""


def _refuse_past_cap(requested: float, now: dt.datetime) -> None:
    cap = float(read_parameter("commons.epsilon_per_quarter"))
    spent = budget.spent_this_quarter(now)
    if spent + requested > cap + 1e-9:
        raise CommonsError(
            "conflict",
            "The privacy budget would pass its cap: {spent} spent this quarter, {requested} "
            "requested, a cap of {cap}.",
            field="epsilon",
            params={"spent": f"{spent:g}", "requested": f"{requested:g}", "cap": f"{cap:g}"},
        )


def lock_budget(requested: float) -> BudgetHead:
    """Take the ledger's lock and refuse a request that would pass the quarter's cap,
    before anything is read or any noise drawn. Call inside the charge's transaction."""
    BudgetHead.objects.get_or_create(pk=1)
    head = BudgetHead.objects.select_for_update().get(pk=1)
    _refuse_past_cap(requested, clock.now())
    return head


def charge(head: BudgetHead, spend: Charge, *, release: Release | None = None) -> BudgetCharge:
    """Append one charge to the ledger (under the lock `lock_budget` took)."""
    now = clock.now()
    fields = {
        "seq": head.seq + 1,
        "charged_at": now,
        "release_id": release.pk if release is not None else None,
        "label": spend.label,
        "unit": spend.unit,
        "mechanism": spend.mechanism,
        "epsilon": spend.epsilon,
        "delta": spend.delta,
        "bounds": spend.bounds,
        "query": spend.query,
        "code_hash": spend.code_hash or statistics.code_hash(),
    }
    digest = budget.entry_hash(head.entry_hash, fields)
    row = BudgetCharge.objects.create(**fields, prev_hash=head.entry_hash, entry_hash=digest)
    head.seq, head.entry_hash = row.seq, digest
    head.save(update_fields=["seq", "entry_hash"])
    return row


def bounds_now() -> statistics.Bounds:
    return statistics.Bounds(
        pay_per_hour_minor=int(read_parameter("commons.pay_bound_per_hour")),
        hours_per_week=int(read_parameter("commons.hours_bound_per_week")),
    )


def period_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _check_period(start: dt.date, weeks: int, now: dt.datetime) -> None:
    if start.weekday() != 0:
        raise CommonsError("invalid", "A period starts on a Monday.", field="period_start")
    if not 1 <= weeks <= MAX_WEEKS:
        raise CommonsError(
            "invalid", "A period is 1 to {most} weeks.", field="weeks", params={"most": MAX_WEEKS}
        )
    if period_start(start) + weeks * units.WEEK > now:
        raise CommonsError(
            "invalid", "Only a period that has ended can be published.", field="period_start"
        )


def publish(
    *,
    actor: User | None,
    statistic: str,
    start: dt.date,
    weeks: int,
    epsilon: float,
    scheduled: bool = False,
) -> Release:
    """Publish one statistic over a period of whole weeks: refused past the quarter's
    cap before any data is read; only members who consented to the commons are counted.
    `actor` None is the weekly job."""
    with transaction.atomic():
        return _publish(
            actor=actor,
            statistic=statistic,
            start=start,
            weeks=weeks,
            epsilon=epsilon,
            scheduled=scheduled,
        )


def _publish(
    *,
    actor: User | None,
    statistic: str,
    start: dt.date,
    weeks: int,
    epsilon: float,
    scheduled: bool,
) -> Release:
    if actor is not None:
        require_role(actor, Role.STEWARD)
    spec = statistics.STATISTICS.get(statistic)
    if spec is None:
        raise CommonsError("invalid", "There is no such statistic.", field="statistic")
    if not 0 < epsilon <= 10:
        raise CommonsError("invalid", "Epsilon is above 0 and at most 10.", field="epsilon")
    now = clock.now()
    _check_period(start, weeks, now)
    since = period_start(start)
    bounds = bounds_now()
    zones = units.zones(since, weeks)
    built = statistics.mechanisms(spec, epsilon=epsilon, bounds=bounds, weeks=weeks, zones=zones)
    spent = statistics.privacy_loss(built)
    if spent > epsilon * (1 + 1e-9):  # OpenDP's own maps must agree with the declaration
        raise RuntimeError(f"{statistic} would spend {spent}, more than its {epsilon}")
    head = lock_budget(spent)
    members = consented_reads(purpose=spec.purpose)
    outcome = statistics.run(
        spec,
        units.SOURCES[spec.purpose](members, since, weeks),
        epsilon=epsilon,
        bounds=bounds,
        weeks=weeks,
        zones=zones,
        built=built,
    )
    number = (Release.objects.filter(statistic=statistic).count()) + 1
    try:
        with transaction.atomic():
            release = Release.objects.create(
                statistic=statistic,
                version=spec.version,
                number=number,
                period_start=start,
                period_end=start + dt.timedelta(weeks=weeks),
                epsilon=outcome.epsilon,
                bounds=bounds.as_dict(),
                zones=zones,
                figures=[f.__dict__ for f in outcome.figures],
                scales=outcome.scales,
                published_at=now,
                published_by=actor,
                scheduled=scheduled,
            )
    except IntegrityError as exc:
        raise CommonsError(
            "conflict", "This period's release is already published.", field="period_start"
        ) from exc
    charge(
        head,
        Charge(
            label=f"{statistic} v{spec.version} #{number}",
            epsilon=outcome.epsilon,
            bounds=bounds.as_dict(),
            query="\n".join(f"{m.query.text} + noise of scale {m.scale:g}" for m in built),
            unit=f"worker × {weeks} week(s) from {start.isoformat()}",
        ),
        release=release,
    )
    audit.record(
        actor=actor,
        action="commons.released",
        obj=release,
        data={"statistic": statistic, "epsilon": outcome.epsilon, "weeks": weeks},
    )
    release_published.fire(ReleasePublished(release=release))
    return release


def last_week_start(now: dt.datetime) -> dt.date:
    today = timezone.localtime(now).date()
    return today - dt.timedelta(days=today.weekday() + 7)


WEEKLY = ("pay_per_engaged_hour", "weekly_hours")


def publish_weekly(now: dt.datetime) -> list[Release]:
    """The weekly job: last week's releases, each once (a retry or a second scheduler
    finds it published and moves on); nothing when the weekly epsilon is 0 or the
    budget is spent."""
    epsilon = float(read_parameter("commons.weekly_epsilon"))
    if epsilon <= 0:
        return []
    start = last_week_start(now)
    published = []
    for statistic in WEEKLY:
        if Release.objects.filter(
            statistic=statistic, period_start=start, scheduled=True, period_end=start + units.WEEK
        ).exists():
            continue
        try:
            published.append(
                publish(
                    actor=None,
                    statistic=statistic,
                    start=start,
                    weeks=1,
                    epsilon=epsilon,
                    scheduled=True,
                )
            )
        except CommonsError as refusal:  # the budget is spent: said, and tried next week
            logger.warning("weekly release of %s refused: %s", statistic, refusal)
    return published
