"""Closing a pay period and a year: the floor top-ups, statements, invoices, the surplus.

A close is one transaction: the period row, every top-up entry, every statement and
invoice commit together or not at all, so a close killed halfway leaves nothing and
running it again completes it once. Closes are serialised by a row lock on the
co-op, and a period's start date is unique, so no period is ever closed twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext

from commonwork.core import audit, clock, money
from commonwork.governance.parameters import read_parameter
from commonwork.governance.registry import format_value
from commonwork.ledger import rules
from commonwork.ledger.actions.entries import (
    EntryDraft,
    Line,
    lock_coop_account,
    post_entries,
    post_entry,
)
from commonwork.ledger.errors import LedgerError
from commonwork.ledger.models import (
    AccountPurpose,
    AccountType,
    EntryKind,
    Invoice,
    JournalEntry,
    PayPeriod,
    Posting,
    Statement,
    YearClose,
)
from commonwork.members.models import Cooperative, Membership, MembershipStatus, Role, User
from commonwork.members.selectors import holds_role, require_role
from commonwork.vault.contact import email_of
from commonwork.vault.gate import job_reads
from commonwork.work import actions as work_actions
from commonwork.work.models import AvailabilityPeriod
from commonwork.work.selectors import on_task_spans

FLOOR_FUNDED_BY = {0: AccountPurpose.SOLIDARITY, 1: AccountPurpose.FLOOR}


def local_midnight(day: date) -> datetime:
    """The start of `day` in the co-op's time zone (settings.TIME_ZONE)."""
    return timezone.make_aware(datetime.combine(day, time()), timezone.get_default_timezone())


def next_period_start() -> date:
    """Where the next period to close begins: the end of the last, or the founding day."""
    last = PayPeriod.objects.order_by("-starts_on").first()
    if last is not None:
        return last.ends_on
    return Cooperative.objects.get(pk=1).founded_on


def _seconds(moment: datetime, start: datetime) -> int:
    return int((moment - start).total_seconds())


def gather_member_periods(start: datetime, end: datetime) -> dict[int, rules.MemberPeriod]:
    """Each member's availability, on-task time and money in [start, end), from the
    availability records, the tasks and the books."""
    available: dict[int, list[rules.Interval]] = defaultdict(list)
    for worker_id, began, ended in AvailabilityPeriod.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=start), started_at__lt=end
    ).values_list("worker_id", "started_at", "ended_at"):
        available[worker_id].append((_seconds(began, start), _seconds(ended or end, start)))

    on_task = {
        worker_id: [
            (_seconds(began, start), _seconds(finished, start)) for began, finished in spans
        ]
        for worker_id, spans in on_task_spans(since=start, until=end).items()
    }

    money: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_entry: dict[int, dict[str, Any]] = defaultdict(dict)
    rows = Posting.objects.filter(
        entry__posted_at__gte=start,
        entry__posted_at__lt=end,
        entry__kind__in=[EntryKind.TASK_COMPLETION, EntryKind.TIP, EntryKind.STIPEND],
    ).values_list(
        "entry_id", "entry__kind", "account__purpose", "account__owner_id", "amount_minor"
    )
    for entry_id, kind, purpose, owner_id, amount in rows:
        if kind == EntryKind.TIP and purpose == AccountPurpose.PAYABLE:
            money[owner_id]["tips"] -= amount
        elif kind == EntryKind.STIPEND and purpose == AccountPurpose.PAYABLE:
            money[owner_id]["stipends"] -= amount
        elif kind == EntryKind.TASK_COMPLETION:
            by_entry[entry_id][purpose] = (owner_id, amount)
    for parts in by_entry.values():
        if AccountPurpose.PAYABLE not in parts:
            continue  # a task whose whole price went to fee and fund pays nobody
        worker_id, worker_amount = parts[AccountPurpose.PAYABLE]
        figures = money[worker_id]
        figures["tasks"] += 1
        figures["earnings"] -= worker_amount
        figures["price"] += parts.get(AccountPurpose.RECEIVABLE, (None, 0))[1]
        figures["fee"] -= parts.get(AccountPurpose.FEES, (None, 0))[1]
        figures["solidarity"] -= parts.get(AccountPurpose.SOLIDARITY, (None, 0))[1]

    members = set(available) | set(on_task) | set(money)
    return {
        member: rules.MemberPeriod(
            member_id=member,
            available=tuple(available.get(member, ())),
            on_task=tuple(on_task.get(member, ())),
            tasks=money[member]["tasks"],
            price_minor=money[member]["price"],
            earnings_minor=money[member]["earnings"],
            fee_minor=money[member]["fee"],
            solidarity_minor=money[member]["solidarity"],
            tips_minor=money[member]["tips"],
            stipends_minor=money[member]["stipends"],
        )
        for member in sorted(members)
    }


def _invoice_figures(start: datetime, end: datetime) -> dict[int, list[dict[str, Any]]]:
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        Posting.objects.filter(
            entry__posted_at__gte=start,
            entry__posted_at__lt=end,
            entry__kind__in=[EntryKind.TASK_COMPLETION, EntryKind.TIP],
            account__purpose=AccountPurpose.RECEIVABLE,
        )
        .order_by("entry__posted_at", "entry_id")
        .values_list(
            "account__owner_id", "entry__kind", "entry__task_id", "entry__memo", "amount_minor"
        )
    )
    for client_id, kind, task_id, memo, amount in rows:
        lines[client_id].append(
            {"kind": kind, "task": task_id, "memo": memo, "amount_minor": amount}
        )
    return lines


def _alert_if_fund_low(period: PayPeriod, limit: int, unpaid: int) -> None:
    """Tell the stewards (audit log, and email in each one's language, once this period
    commits) when the fund is within a fifth of its limit or the floor went unpaid."""
    fund = solidarity_fund_minor()
    if not (unpaid or (fund < 0 and -fund >= limit * 4 // 5)):
        return
    audit.record(
        actor=None,
        action="ledger.solidarity_fund_low",
        obj=period,
        data={"fund_minor": fund, "limit_minor": limit, "floor_unpaid_minor": unpaid},
    )
    stewards = [
        m.user
        for m in Membership.objects.filter(status=MembershipStatus.ACTIVE).select_related("user")
        if holds_role(m, Role.STEWARD)
    ]
    messages = []
    for steward in stewards:
        address = email_of(steward.pk)
        if not address:
            continue
        with translation.override(steward.preferred_language):
            messages.append(
                (
                    gettext("The solidarity fund is running low"),
                    gettext(
                        "After closing %(period)s the solidarity fund stands at %(fund)s "
                        "(the members allow down to minus %(limit)s); %(unpaid)s of the floor "
                        "went unpaid. The transparency page suggests a solidarity rate that "
                        "would fund it."
                    )
                    % {
                        "period": period,
                        "fund": money.format_minor(fund, ""),
                        "limit": money.format_minor(limit, ""),
                        "unpaid": money.format_minor(unpaid, ""),
                    },
                    settings.DEFAULT_FROM_EMAIL,
                    [address],
                )
            )
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))


def solidarity_fund_minor() -> int:
    """What the solidarity fund holds now (its credit balance; negative in deficit)."""
    total = Posting.objects.filter(
        account__owner__isnull=True, account__purpose=AccountPurpose.SOLIDARITY
    ).aggregate(total=Sum("amount_minor"))["total"]
    return -int(total or 0)


def hour_caps(starts_on: date, ends_on: date) -> rules.HourCaps:
    """The governed day and week caps over a period, its days and weeks beginning at
    local midnight and on Mondays, as dispatch counts them."""
    start = local_midnight(starts_on)
    days = [starts_on + timedelta(days=n) for n in range((ends_on - starts_on).days)]
    return rules.HourCaps(
        day_starts=tuple(_seconds(local_midnight(day), start) for day in days),
        week_starts=tuple(
            _seconds(local_midnight(day), start) for day in days if day.weekday() == 0
        ),
        day_cap_seconds=round(float(read_parameter("max_hours_per_day")) * 3600),
        week_cap_seconds=round(float(read_parameter("max_hours_per_week")) * 3600),
    )


def _statement_figures(
    period: rules.MemberPeriod,
    pay: rules.MemberPeriodPay,
    floor: int,
    *,
    paid: int,
    cover_share: Fraction = Fraction(0),
) -> dict[str, Any]:
    """A statement's figures. The floor's top-up as due, as paid, and what is still owed
    when the fund could not cover it (pay and hourly pay count what was paid)."""
    unpaid = pay.top_up_minor - paid
    pay_minor = pay.pay_minor - unpaid
    hourly = (
        rules.effective_hourly_minor(pay_minor=pay_minor, engaged_seconds=pay.engaged_seconds)
        if unpaid
        else pay.effective_hourly_minor
    )
    return {
        "tasks": period.tasks,
        "engaged_seconds": pay.engaged_seconds,
        "beyond_caps_seconds": pay.beyond_caps_seconds,
        "earnings_minor": period.earnings_minor,
        "floor_due_minor": pay.top_up_minor,
        "top_up_minor": paid,
        "floor_unpaid_minor": unpaid,
        "tips_minor": period.tips_minor,
        "stipends_minor": period.stipends_minor,
        "pay_minor": pay_minor,
        "total_minor": pay.total_minor - unpaid,
        "price_minor": period.price_minor,
        "fee_minor": period.fee_minor,
        "solidarity_minor": period.solidarity_minor,
        # Of the fee on this member's work, what went into the fund for cover.
        "cover_contribution_minor": rules.cover_contribution(period.fee_minor, cover_share),
        "floor_per_hour_minor": floor,
        "effective_hourly_minor": None if hourly is None else round(hourly),
    }


@transaction.atomic
def close_period(*, actor: User | None, starts_on: date | None = None) -> PayPeriod:
    """Close the next pay period: top up every member to the floor for their engaged
    hours, write each member's statement and each client's invoice, check the pay ratio.

    `actor` is a steward, or None for the scheduled close."""
    if actor is not None:
        require_role(actor, Role.STEWARD)
    # One close at a time, and no other draw on the solidarity fund while the floor's
    # top-ups draw on it (the fund's account row, not a co-op-wide lock).
    lock_coop_account(AccountPurpose.SOLIDARITY)
    # Availability left on past its end, or without a sign of its worker, ends where it
    # lapsed before the period's engaged time is counted.
    work_actions.end_lapsed_availability(clock.now())
    expected = next_period_start()
    starts_on = starts_on or expected
    if PayPeriod.objects.filter(starts_on=starts_on).exists():
        raise LedgerError(
            "conflict",
            "The period starting {starts_on} is already closed.",
            params={"starts_on": starts_on},
        )
    if starts_on != expected:
        raise LedgerError(
            "invalid",
            "The next period to close starts on {expected}.",
            field="starts_on",
            params={"expected": expected},
        )
    days = int(read_parameter("pay_period_days"))
    ends_on = starts_on + timedelta(days=days)
    start, end = local_midnight(starts_on), local_midnight(ends_on)
    if end > clock.now():
        raise LedgerError(
            "invalid",
            "This period runs until {ends_on}; it can be closed after that.",
            params={"ends_on": ends_on},
        )
    floor = int(read_parameter("pay_floor_per_hour"))
    cap = Fraction(read_parameter("pay_ratio_cap"))
    funded_by = FLOOR_FUNDED_BY[int(read_parameter("pay_floor_funded_by"))]

    members = gather_member_periods(start, end)
    job_reads(
        job="payroll",
        purpose="payroll",
        subject_ids=members,
        categories=("availability", "tasks", "earnings"),
    )
    period_seconds = _seconds(end, start)
    caps = hour_caps(starts_on, ends_on)
    pays = {
        member: rules.member_period_pay(
            figures, period_seconds=period_seconds, floor_per_hour_minor=floor, caps=caps
        )
        for member, figures in members.items()
    }
    ratio = rules.check_pay_ratio(
        {member: pay.effective_hourly_minor for member, pay in pays.items()}, cap=cap
    )
    period = PayPeriod.objects.create(
        starts_on=starts_on,
        ends_on=ends_on,
        closed_at=clock.now(),
        closed_by=actor,
        parameters={
            "pay_floor_per_hour": str(floor),
            "pay_ratio_cap": format_value(cap),
            "pay_floor_funded_by": funded_by,
            "pay_period_days": str(days),
        },
        pay_ratio={
            "ratio": None if ratio.ratio is None else str(float(ratio.ratio)),
            "highest_member": ratio.highest_member,
            "lowest_member": ratio.lowest_member,
            "cap": format_value(cap),
            "exceeded": ratio.exceeded,
        },
    )
    # The members' share of the period's fees goes into the fund before the floor draws on
    # it: what pays for the cover they chose (docs/protection.md).
    cover_share = Fraction(read_parameter("cover_contribution_share"))
    contribution = rules.cover_contribution(
        sum(figures.fee_minor for figures in members.values()), cover_share
    )
    if contribution:
        post_entries(
            [
                EntryDraft(
                    key=f"cover:{starts_on.isoformat()}",
                    kind=EntryKind.COVER_CONTRIBUTION,
                    memo=f"Contribution to cover {starts_on}..{ends_on}",
                    lines=(
                        Line(AccountPurpose.FEES, contribution),
                        Line(AccountPurpose.SOLIDARITY, -contribution),
                    ),
                    period_id=period.pk,
                )
            ],
            actor=actor,
            posted_at=end - timedelta(microseconds=1),
        )
    limit = int(read_parameter("pay_floor_deficit_limit"))
    floor_paid = rules.pay_floor(
        {member: pay.top_up_minor for member, pay in pays.items()},
        fund_minor=solidarity_fund_minor(),
        deficit_limit_minor=limit if funded_by == AccountPurpose.SOLIDARITY else None,
    )
    top_ups = [
        EntryDraft(
            key=f"floor:{starts_on.isoformat()}:{member}",
            kind=EntryKind.FLOOR_TOP_UP,
            memo=f"Pay-floor top-up {starts_on}..{ends_on}",
            lines=(
                Line(funded_by, amount),
                Line(AccountPurpose.PAYABLE, -amount, member),
            ),
            period_id=period.pk,
        )
        for member, amount in floor_paid.paid.items()
        if amount > 0
    ]
    if top_ups:
        post_entries(top_ups, actor=actor, posted_at=end - timedelta(microseconds=1))
    Statement.objects.bulk_create(
        Statement(
            period=period,
            member_id=member,
            figures=_statement_figures(
                members[member], pay, floor, paid=floor_paid.paid[member], cover_share=cover_share
            ),
        )
        for member, pay in pays.items()
    )
    Invoice.objects.bulk_create(
        Invoice(
            period=period,
            client_id=client,
            number=f"INV-{starts_on:%Y%m%d}-{client}",
            figures={"lines": lines, "total_minor": sum(line["amount_minor"] for line in lines)},
        )
        for client, lines in sorted(_invoice_figures(start, end).items())
    )
    period.floor = {
        "cover_contribution_minor": contribution,
        "due_minor": sum(pay.top_up_minor for pay in pays.values()),
        "paid_minor": floor_paid.paid_minor,
        "unpaid_minor": floor_paid.unpaid_minor,
        "price_minor": sum(members[member].price_minor for member in pays),
    }
    period.save(update_fields=["floor"])
    _alert_if_fund_low(period, limit, floor_paid.unpaid_minor)
    audit.record(
        actor=actor,
        action="ledger.period_closed",
        obj=period,
        data={
            "statements": len(pays),
            "top_ups": len(top_ups),
            "floor_due_minor": sum(pay.top_up_minor for pay in pays.values()),
            "top_up_minor": floor_paid.paid_minor,
            "floor_unpaid_minor": floor_paid.unpaid_minor,
            "pay_ratio": period.pay_ratio,
        },
    )
    if ratio.exceeded:
        audit.record(
            actor=actor, action="ledger.pay_ratio_exceeded", obj=period, data=period.pay_ratio
        )
    return period


def close_due_periods() -> list[PayPeriod]:
    """Close every period that has ended (the scheduled job); each close is its own
    transaction, so a failure leaves the earlier closes in place."""
    closed: list[PayPeriod] = []
    if not Cooperative.objects.filter(pk=1).exists():
        return closed
    while True:
        starts_on = next_period_start()
        ends_on = starts_on + timedelta(days=int(read_parameter("pay_period_days")))
        if local_midnight(ends_on) > clock.now():
            return closed
        closed.append(close_period(actor=None, starts_on=starts_on))


# --- the year -----------------------------------------------------------------------


def _labour_by_member(year: int, basis: int) -> dict[int, int]:
    """Each member's labour over the year's closed periods: engaged seconds (basis 0) or
    earnings with top-ups and stipends (basis 1)."""
    labour: dict[int, int] = defaultdict(int)
    field = "engaged_seconds" if basis == 0 else "pay_minor"
    for member_id, figures in Statement.objects.filter(period__starts_on__year=year).values_list(
        "member_id", "figures"
    ):
        labour[member_id] += int(figures.get(field, 0))
    return dict(labour)


@transaction.atomic
def close_year(*, actor: User | None, year: int) -> YearClose:
    """Close a year: revenue minus expenses is the surplus, split by the governed shares
    into reserves, patronage returns by labour and the community fund (ledger.rules)."""
    if actor is not None:
        require_role(actor, Role.STEWARD)
    # One year close at a time: it alone moves the surplus into the reserves.
    lock_coop_account(AccountPurpose.RESERVES)
    if YearClose.objects.filter(year=year).exists():
        raise LedgerError("conflict", "The year {year} is already closed.", params={"year": year})
    if local_midnight(date(year + 1, 1, 1)) > clock.now():
        raise LedgerError(
            "invalid",
            "The year {year} has not ended yet.",
            field="year",
            params={"year": year},
        )
    shares = {
        name: Fraction(read_parameter(f"surplus.{name}_share"))
        for name in ("reserves", "patronage", "community")
    }
    if sum(shares.values()) != 1:
        raise LedgerError(
            "invalid",
            "The governed surplus shares (reserves, patronage, community) must add up to 1.",
        )
    basis = int(read_parameter("surplus.patronage_basis"))
    paid_out = int(read_parameter("surplus.patronage_paid_out")) == 1
    start, end = local_midnight(date(year, 1, 1)), local_midnight(date(year + 1, 1, 1))
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for account_type, purpose, amount in (
        Posting.objects.filter(
            entry__posted_at__gte=start,
            entry__posted_at__lt=end,
            account__type__in=[AccountType.INCOME, AccountType.EXPENSES],
        )
        .exclude(entry__kind=EntryKind.YEAR_CLOSE)
        .values_list("account__type", "account__purpose", "amount_minor")
    ):
        totals[(account_type, purpose)] += amount
    revenue = -sum(amount for (kind, _p), amount in totals.items() if kind == AccountType.INCOME)
    expenses = sum(amount for (kind, _p), amount in totals.items() if kind == AccountType.EXPENSES)
    labour = _labour_by_member(year, basis)
    split = rules.split_surplus(
        revenue - expenses,
        reserves_share=shares["reserves"],
        patronage_share=shares["patronage"],
        community_share=shares["community"],
        labour_by_member=labour,
    )
    patronage_purpose = AccountPurpose.PAYABLE if paid_out else AccountPurpose.CAPITAL
    surplus = revenue - expenses
    lines = [Line(purpose, -amount) for (_kind, purpose), amount in sorted(totals.items())]
    if surplus < 0:
        lines.append(Line(AccountPurpose.RESERVES, -surplus))  # a loss is borne by reserves
    else:
        lines += [
            Line(AccountPurpose.RESERVES, -split.reserves_minor),
            Line(AccountPurpose.COMMUNITY, -split.community_minor),
            *(
                Line(patronage_purpose, -amount, member)
                for member, amount in sorted(split.patronage_by_member.items())
            ),
        ]
    lines = [line for line in lines if line.amount_minor != 0]
    figures = {
        "revenue_minor": revenue,
        "expenses_minor": expenses,
        "surplus_minor": surplus,
        "reserves_minor": split.reserves_minor if surplus > 0 else min(surplus, 0),
        "patronage_minor": split.patronage_minor,
        "community_minor": split.community_minor,
        "patronage_by_member": {str(m): a for m, a in split.patronage_by_member.items()},
        "patronage_basis": "hours" if basis == 0 else "earnings",
        "patronage_to": patronage_purpose,
        "shares": {name: format_value(value) for name, value in shares.items()},
    }
    if len(lines) >= 2:
        post_entry(
            EntryDraft(
                key=f"year-close:{year}",
                kind=EntryKind.YEAR_CLOSE,
                memo=f"Year {year} closed: surplus shared as the members decided",
                lines=tuple(lines),
            ),
            actor=actor,
            posted_at=end - timedelta(microseconds=1),
        )
    closed = YearClose.objects.create(
        year=year, closed_at=clock.now(), closed_by=actor, figures=figures
    )
    audit.record(actor=actor, action="ledger.year_closed", obj=closed, data=figures)
    return closed


@dataclass(frozen=True)
class FundPayment:
    paid_minor: int
    owed_minor: int
    entry_id: int | None


@transaction.atomic
def pay_from_solidarity_fund(
    *, actor: User | None, key: str, member_id: int, amount_minor: int, memo: str
) -> FundPayment:
    """A payment from the solidarity fund to a member (a cover benefit), under the same
    rule as the floor: in full while the fund stays above minus the members' deficit
    limit, past it what the fund can give and the rest owed. The key makes it once."""
    if amount_minor <= 0:
        return FundPayment(0, 0, None)
    lock_coop_account(AccountPurpose.SOLIDARITY)  # one draw on the fund at a time
    existing = JournalEntry.objects.filter(key=key).first()
    if existing is not None:
        paid = -sum(
            p.amount_minor for p in existing.postings.all() if p.account.owner_id == member_id
        )
        return FundPayment(paid, amount_minor - paid, existing.pk)
    payment = rules.pay_floor(
        {member_id: amount_minor},
        fund_minor=solidarity_fund_minor(),
        deficit_limit_minor=int(read_parameter("pay_floor_deficit_limit")),
    )
    paid = payment.paid[member_id]
    if paid <= 0:
        return FundPayment(0, amount_minor, None)
    (entry,) = post_entries(
        [
            EntryDraft(
                key=key,
                kind=EntryKind.COVER_BENEFIT,
                memo=memo,
                lines=(
                    Line(AccountPurpose.SOLIDARITY, paid),
                    Line(AccountPurpose.PAYABLE, -paid, member_id),
                ),
            )
        ],
        actor=actor,
    )
    return FundPayment(paid, amount_minor - paid, entry.pk)
