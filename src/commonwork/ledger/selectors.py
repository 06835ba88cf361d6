"""Reads of the books, permission-checked, shaped for the pages and the API."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from django.db.models import Q, QuerySet, Sum

from commonwork.core.errors import NotFound
from commonwork.governance.parameters import read_parameter
from commonwork.governance.registry import spec_of
from commonwork.ledger import rules
from commonwork.ledger.actions import rates
from commonwork.ledger.actions.payouts import owed_by_member
from commonwork.ledger.models import (
    Account,
    AccountPurpose,
    AccountType,
    EntryKind,
    Invoice,
    PayoutAccount,
    PayoutBatch,
    PayoutStatus,
    PayPeriod,
    Posting,
    Statement,
)
from commonwork.members.models import User
from commonwork.members.selectors import is_steward
from commonwork.vault import gate
from commonwork.work.models import AvailabilityPeriod
from commonwork.work.selectors import on_task_spans


def statements_of(user: User) -> QuerySet[Statement]:
    return Statement.objects.filter(member_id=user.pk).select_related("period")


def invoices_of(user: User) -> QuerySet[Invoice]:
    return Invoice.objects.filter(client_id=user.pk).select_related("period")


def statement_for(user: User, statement_id: int) -> Statement:
    """A statement its member or a steward may read; anyone else is told it is not there."""
    statement = Statement.objects.select_related("period", "member").filter(pk=statement_id).first()
    if statement is None or (statement.member_id != user.pk and not is_steward(user)):
        raise NotFound("Statement")
    if statement.member_id != user.pk:
        # A steward reads another member's earnings: through the vault, into their log.
        gate.read(actor=user, subject_id=statement.member_id, category="earnings", purpose="payout")
    return statement


def invoice_for(user: User, invoice_id: int) -> Invoice:
    invoice = Invoice.objects.select_related("period", "client").filter(pk=invoice_id).first()
    if invoice is None or (invoice.client_id != user.pk and not is_steward(user)):
        raise NotFound("Invoice")
    return invoice


def payout_account_of(user: User) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(member_id=user.pk).first()


def balance_of_member(user: User) -> int:
    """What the co-op owes the member now (negative: what they owe the co-op)."""
    total = Posting.objects.filter(
        account__purpose=AccountPurpose.PAYABLE, account__owner_id=user.pk
    ).aggregate(total=Sum("amount_minor"))["total"]
    return -int(total or 0)


@dataclass(frozen=True)
class PayBar:
    """One week's bar in the pay chart, with its height in the chart's units (0..100)."""

    label: str
    hourly_minor: int
    height: float
    floor_height: float
    x: int

    @property
    def y(self) -> float:
        return 100 - self.height

    @property
    def floor_y(self) -> float:
        return 100 - self.floor_height


@dataclass(frozen=True)
class Tick:
    """A value on the chart's vertical axis, at its height in the chart's units."""

    y: float
    minor: int


def _chart_weeks(statements: list[Statement]) -> tuple[list[Statement], int]:
    """The weeks the chart shows (oldest first) and the value its top stands for."""
    weeks = [s for s in reversed(statements) if s.figures.get("effective_hourly_minor")]
    top = max(
        (
            max(int(s.figures["effective_hourly_minor"]), int(s.figures["floor_per_hour_minor"]))
            for s in weeks
        ),
        default=1,
    )
    return weeks, max(top, 1)


def pay_chart_ticks(statements: list[Statement]) -> list[Tick]:
    """The vertical axis: zero, half the top and the top, in money per hour."""
    weeks, top = _chart_weeks(statements)
    if not weeks:
        return []
    return [Tick(100 - 100 * share, round(top * share)) for share in (0.0, 0.5, 1.0)]


def pay_chart(statements: list[Statement], *, bar_width: int = 40) -> list[PayBar]:
    """Effective hourly pay per week against the floor that applied, oldest first,
    scaled so the tallest value is 100."""
    weeks, top = _chart_weeks(statements)
    return [
        PayBar(
            label=s.period.starts_on.strftime("%m-%d"),
            hourly_minor=int(s.figures["effective_hourly_minor"]),
            height=100 * int(s.figures["effective_hourly_minor"]) / top,
            floor_height=100 * int(s.figures["floor_per_hour_minor"]) / top,
            x=index * (bar_width + 10),
        )
        for index, s in enumerate(weeks)
    ]


@dataclass(frozen=True)
class BalanceRow:
    name: str  # the books' account name, as beancount has it
    type: str
    debit_minor: int
    credit_minor: int
    # What the account is for, in the reader's language (a member's account says which
    # member by number, as its name does: names go through the vault's gate).
    label: str = ""


def trial_balance() -> list[BalanceRow]:
    rows = []
    for account in Account.objects.annotate(total=Sum("postings__amount_minor")).order_by("name"):
        total = int(account.total or 0)
        rows.append(
            BalanceRow(
                account.name,
                account.type,
                max(total, 0),
                max(-total, 0),
                label=str(account.get_purpose_display()),
            )
        )
    return rows


FUND_PURPOSES = (AccountPurpose.SOLIDARITY, AccountPurpose.RESERVES, AccountPurpose.COMMUNITY)
CLIENT_MONEY_PARTS = ("worker", "tips", "fee", "solidarity")


def funds() -> dict[str, int]:
    """The co-op's funds as the credit balances they are (shown positive)."""
    totals = dict(
        Posting.objects.filter(
            account__owner__isnull=True,
            account__purpose__in=FUND_PURPOSES,
        )
        .values_list("account__purpose")
        .annotate(total=Sum("amount_minor"))
    )
    return {
        purpose: -int(totals.get(purpose, 0) or 0)
        for purpose in (
            AccountPurpose.SOLIDARITY,
            AccountPurpose.RESERVES,
            AccountPurpose.COMMUNITY,
        )
    }


@dataclass(frozen=True)
class Slice:
    """One part of where client money goes, per 100 of it."""

    key: str
    per_hundred: Fraction
    amount_minor: int


def _slices(parts: dict[str, int]) -> list[Slice]:
    total = sum(parts.values())
    return [
        Slice(key, Fraction(100 * amount, total) if total else Fraction(0), amount)
        for key, amount in parts.items()
    ]


# How many recent periods the fee's sufficiency looks back over.
SUFFICIENCY_PERIODS = 4


def floor_account() -> dict[str, Any]:
    """The floor as promised and as paid, over every closed period, and what solidarity
    rate would have paid the last few periods' floor in full from what clients paid."""
    # One row per period (closes write its floor's totals), so this stays cheap.
    floors = list(PayPeriod.objects.order_by("-starts_on").values_list("floor", flat=True))
    due = sum(int(f.get("due_minor", 0)) for f in floors)
    paid = sum(int(f.get("paid_minor", 0)) for f in floors)
    unpaid = sum(int(f.get("unpaid_minor", 0)) for f in floors)
    recent = floors[:SUFFICIENCY_PERIODS]
    recent_due = sum(int(f.get("due_minor", 0)) for f in recent)
    recent_price = sum(int(f.get("price_minor", 0)) for f in recent)
    needed = Fraction(recent_due, recent_price) if recent_price else None
    limit = int(read_parameter("pay_floor_deficit_limit"))
    fund = funds()[AccountPurpose.SOLIDARITY]
    return {
        "fund_minor": fund,
        "floor_due_minor": due,
        "floor_paid_minor": paid,
        "floor_unpaid_minor": unpaid,
        "floor_paid_share": Fraction(paid, due) if due else None,
        "sufficient_solidarity_rate": needed,
        # A rate the members could vote: within the governed bounds of solidarity_rate.
        "sufficient_rate_possible": needed is not None
        and needed <= Fraction(spec_of("solidarity_rate").maximum),
        "solidarity_rate_maximum": Fraction(spec_of("solidarity_rate").maximum),
        "sufficiency_periods": len(recent),
        "deficit_limit_minor": limit,
        "fund_low": fund < 0 and -fund >= limit * 4 // 5,
    }


def transparency() -> dict[str, Any]:
    """The published numbers: the rates in force, the split of 100 by the rules, and the
    split of everything clients have paid so far, as the books show it."""
    fee_rate, solidarity_rate = rates()
    hundred = rules.split_price(10_000, fee_rate=fee_rate, solidarity_rate=solidarity_rate)
    by_rule = _slices(
        {
            "worker": hundred.worker_minor,
            "fee": hundred.fee_minor,
            "solidarity": hundred.solidarity_minor,
        }
    )
    actual: dict[str, int] = defaultdict(int)
    for kind, purpose, total in (
        Posting.objects.filter(
            entry__kind__in=[EntryKind.TASK_COMPLETION, EntryKind.TIP],
            amount_minor__lt=0,
        )
        .values_list("entry__kind", "account__purpose")
        .annotate(total=Sum("amount_minor"))
    ):
        key = (
            "tips"
            if kind == EntryKind.TIP
            else {
                AccountPurpose.PAYABLE: "worker",
                AccountPurpose.FEES: "fee",
                AccountPurpose.SOLIDARITY: "solidarity",
            }.get(purpose, "other")
        )
        actual[key] -= int(total)
    in_books = _slices({key: actual.get(key, 0) for key in CLIENT_MONEY_PARTS})
    top_ups = -int(
        Posting.objects.filter(
            entry__kind=EntryKind.FLOOR_TOP_UP, account__purpose=AccountPurpose.PAYABLE
        ).aggregate(total=Sum("amount_minor"))["total"]
        or 0
    )
    costs = int(
        Posting.objects.filter(account__type=AccountType.EXPENSES, amount_minor__gt=0)
        .exclude(entry__kind=EntryKind.YEAR_CLOSE)
        .aggregate(total=Sum("amount_minor"))["total"]
        or 0
    )
    # Cover paid to members from the fund (hardship supplements included).
    cover_paid = -int(
        Posting.objects.filter(
            entry__kind=EntryKind.COVER_BENEFIT, account__purpose=AccountPurpose.PAYABLE
        ).aggregate(total=Sum("amount_minor"))["total"]
        or 0
    )
    return {
        **floor_account(),
        "cover_share": Fraction(read_parameter("cover_contribution_share")),
        "cover_in_minor": _fund_inflow(EntryKind.COVER_CONTRIBUTION),
        "cover_paid_minor": cover_paid,
        "fee_rate": fee_rate,
        "solidarity_rate": solidarity_rate,
        "floor_per_hour_minor": int(read_parameter("pay_floor_per_hour")),
        "pay_ratio_cap": Fraction(read_parameter("pay_ratio_cap")),
        "by_rule": by_rule,
        "in_books": in_books,
        "client_total_minor": sum(
            actual.get(k, 0) for k in ("worker", "tips", "fee", "solidarity")
        ),
        "top_ups_minor": top_ups,
        "costs_minor": costs,
        "funds": funds(),
        "last_period": PayPeriod.objects.order_by("-starts_on").first(),
    }


def _fund_inflow(kind: str) -> int:
    """What entries of this kind put into the solidarity fund (its credits)."""
    total = Posting.objects.filter(
        entry__kind=kind, account__purpose=AccountPurpose.SOLIDARITY, account__owner__isnull=True
    ).aggregate(total=Sum("amount_minor"))["total"]
    return -int(total or 0)


def books_overview() -> dict[str, Any]:
    batches = {
        batch.period_id: batch
        for batch in PayoutBatch.objects.exclude(status=PayoutStatus.CANCELLED).annotate(
            total=Sum("lines__amount_minor")
        )
    }
    periods = list(PayPeriod.objects.order_by("-starts_on")[:20])
    owed = owed_by_member()
    with_details = set(PayoutAccount.objects.values_list("member_id", flat=True))
    return {
        "trial_balance": trial_balance(),
        "funds": funds(),
        "periods": [(period, batches.get(period.pk)) for period in periods],
        "owed_total_minor": sum(owed.values()),
        "owed_without_details": sorted(m for m in owed if m not in with_details),
    }


def payout_batch_for_file(user: User, batch_id: int) -> PayoutBatch:
    """A batch a steward downloads as a bank file. The file holds each member's name, IBAN
    and amount, so those are read through the vault's gate, into each member's log."""
    batch = PayoutBatch.objects.select_related("period").filter(pk=batch_id).first()
    if batch is None or not is_steward(user):
        raise NotFound("Payout batch")
    members = list(batch.lines.values_list("member_id", flat=True))
    for category in ("identity", "earnings"):
        gate.read_many(actor=user, subject_ids=members, category=category, purpose="payout")
    return batch


def engaged_hours(member_ids: list[int], *, since: datetime, until: datetime) -> dict[int, float]:
    """Each member's engaged hours in [since, until): available or on a task, each second
    once — the pay floor's definition (rules.engaged_seconds), for cover and statistics."""
    available: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for member, started, ended in (
        AvailabilityPeriod.objects.filter(worker_id__in=member_ids, started_at__lt=until)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=since))
        .values_list("worker_id", "started_at", "ended_at")
    ):
        available[member].append((started, ended or until))
    on_task = on_task_spans(since=since, until=until, worker_ids=member_ids)

    def seconds(moment: datetime) -> int:
        return int((moment - since).total_seconds())

    window = (0, seconds(until))
    return {
        member: rules.engaged_seconds(
            available=[(seconds(a), seconds(b)) for a, b in available[member]],
            on_task=[(seconds(a), seconds(b)) for a, b in on_task.get(member, [])],
            window=window,
        )
        / 3600
        for member in member_ids
    }


def earnings(member_ids: list[int], *, since: datetime, until: datetime) -> dict[int, int]:
    """Each member's task pay and floor top-ups posted in [since, until), in minor units
    (what statistics about pay count; tips and other income apart)."""
    totals = (
        Posting.objects.filter(
            account__purpose=AccountPurpose.PAYABLE,
            account__owner_id__in=member_ids,
            entry__kind__in=(EntryKind.TASK_COMPLETION, EntryKind.FLOOR_TOP_UP),
            entry__posted_at__gte=since,
            entry__posted_at__lt=until,
        )
        .values_list("account__owner_id")
        .annotate(total=Sum("amount_minor"))
        .values_list("account__owner_id", "total")
    )
    # A payable's credit balance is negative: what the co-op owes the member.
    return {member: -int(total or 0) for member, total in totals}
