"""The books in the JSON API: a member's balance and statements, tips, the stewards'
period close and payouts, and the public transparency numbers."""

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from commonwork.core.api_idempotency import idempotent
from commonwork.core.api_types import BodyInt, PathId
from commonwork.governance.registry import format_value
from commonwork.ledger import selectors
from commonwork.ledger.actions import payouts, periods, tip_task
from commonwork.ledger.models import PayoutBatch, PayPeriod, Statement
from commonwork.members.http import api_actor
from commonwork.members.selectors import cooperative_currency, require_role

router = Router(tags=["books"])


class BalanceOut(Schema):
    owed_to_member_minor: int = Field(description="Negative when the member owes the co-op.")
    currency: str


class StatementOut(Schema):
    id: int
    period_starts_on: dt.date
    period_ends_on: dt.date
    currency: str
    figures: dict[str, Any]

    @staticmethod
    def of(statement: Statement) -> "StatementOut":
        return StatementOut(
            id=statement.pk,
            period_starts_on=statement.period.starts_on,
            period_ends_on=statement.period.ends_on,
            currency=cooperative_currency(),
            figures=statement.figures,
        )


class TipIn(Schema):
    amount_minor: BodyInt = Field(gt=0, le=1_000_000_000)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    # A tip above the governed tip_confirm_above is refused (code "confirm") unless true.
    confirm: bool = False


class TipOut(Schema):
    entry_id: int
    task_id: int
    amount_minor: int


class PeriodOut(Schema):
    id: int
    starts_on: dt.date
    ends_on: dt.date
    closed_at: dt.datetime
    statements: int
    pay_ratio: dict[str, Any]

    @staticmethod
    def of(period: PayPeriod) -> "PeriodOut":
        return PeriodOut(
            id=period.pk,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            closed_at=period.closed_at,
            statements=period.statements.count(),
            pay_ratio=period.pay_ratio,
        )


class BatchOut(Schema):
    id: int
    period_id: int
    status: str
    total_minor: int
    lines: int

    @staticmethod
    def of(batch: PayoutBatch) -> "BatchOut":
        amounts = list(batch.lines.values_list("amount_minor", flat=True))
        return BatchOut(
            id=batch.pk,
            period_id=batch.period_id,
            status=batch.status,
            total_minor=sum(amounts),
            lines=len(amounts),
        )


class SliceOut(Schema):
    part: str
    per_hundred: str
    amount_minor: int


class TransparencyOut(Schema):
    currency: str
    fee_rate: str
    solidarity_rate: str
    pay_floor_per_hour_minor: int
    pay_ratio_cap: str
    split_of_100_by_rule: list[SliceOut]
    client_money_in_books: list[SliceOut]
    floor_top_ups_minor: int
    costs_minor: int
    funds_minor: dict[str, int]


@router.get("/money/balance", response=BalanceOut)
def get_balance(request: HttpRequest) -> BalanceOut:
    actor = api_actor(request)
    require_role(actor)
    return BalanceOut(
        owed_to_member_minor=selectors.balance_of_member(actor), currency=cooperative_currency()
    )


@router.get("/money/statements", response=list[StatementOut])
def get_statements(request: HttpRequest) -> list[StatementOut]:
    return [StatementOut.of(s) for s in selectors.statements_of(api_actor(request))]


@router.post("/tasks/{task_id}/tips", response={201: TipOut})
@idempotent
def post_tip(request: HttpRequest, task_id: PathId, body: TipIn) -> Status[Any]:
    """Tip the worker of a completed task. Send an Idempotency-Key: a retry tips once."""
    key = request.headers.get("Idempotency-Key") or f"api:{uuid.uuid4().hex}"
    entry = tip_task(
        actor=api_actor(request),
        task_id=task_id,
        amount_minor=body.amount_minor,
        key=key,
        currency=body.currency,
        confirmed=body.confirm,
    )
    return Status(201, TipOut(entry_id=entry.pk, task_id=task_id, amount_minor=body.amount_minor))


@router.post("/books/periods", response={201: PeriodOut})
@idempotent
def close_period(request: HttpRequest) -> Status[Any]:
    """Close the next pay period (stewards)."""
    return Status(201, PeriodOut.of(periods.close_period(actor=api_actor(request))))


@router.post("/books/periods/{period_id}/payout", response={201: BatchOut})
@idempotent
def prepare_payout(request: HttpRequest, period_id: PathId) -> Status[Any]:
    batch = payouts.prepare_payout_batch(actor=api_actor(request), period_id=period_id)
    return Status(201, BatchOut.of(batch))


@router.post("/books/payouts/{batch_id}/paid", response=BatchOut)
@idempotent
def mark_paid(request: HttpRequest, batch_id: PathId) -> BatchOut:
    return BatchOut.of(payouts.mark_batch_paid(actor=api_actor(request), batch_id=batch_id))


@router.post("/books/payouts/{batch_id}/cancel", response=BatchOut)
@idempotent
def cancel_batch(request: HttpRequest, batch_id: PathId) -> BatchOut:
    """Cancel a prepared batch the bank will not pay: what it held is owed again."""
    return BatchOut.of(payouts.cancel_payout_batch(actor=api_actor(request), batch_id=batch_id))


@router.get("/transparency", response=TransparencyOut, auth=None)
def get_transparency(request: HttpRequest) -> TransparencyOut:
    """The published numbers: rates in force and where client money has gone."""
    numbers = selectors.transparency()

    def slices(parts: list[selectors.Slice]) -> list[SliceOut]:
        return [
            SliceOut(
                part=part.key,
                per_hundred=f"{float(part.per_hundred):.4f}",
                amount_minor=part.amount_minor,
            )
            for part in parts
        ]

    return TransparencyOut(
        currency=cooperative_currency(),
        fee_rate=format_value(numbers["fee_rate"]),
        solidarity_rate=format_value(numbers["solidarity_rate"]),
        pay_floor_per_hour_minor=numbers["floor_per_hour_minor"],
        pay_ratio_cap=format_value(numbers["pay_ratio_cap"]),
        split_of_100_by_rule=slices(numbers["by_rule"]),
        client_money_in_books=slices(numbers["in_books"]),
        floor_top_ups_minor=numbers["top_ups_minor"],
        costs_minor=numbers["costs_minor"],
        funds_minor={str(k): v for k, v in numbers["funds"].items()},
    )
