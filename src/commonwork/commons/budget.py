"""The privacy budget's ledger: the hash of a charge, the check of the whole chain, and
what a quarter has spent. Charges are written by `commons.actions.charge` only."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from commonwork.commons.models import BudgetCharge, BudgetHead

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "charged_at",
    "release_id",
    "label",
    "unit",
    "mechanism",
    "epsilon",
    "delta",
    "bounds",
    "query",
    "code_hash",
)


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the charge's fields, in a canonical JSON."""
    body = {key: fields[key] for key in HASHED_FIELDS}
    body["charged_at"] = body["charged_at"].isoformat()
    body["epsilon"] = repr(float(body["epsilon"]))
    body["delta"] = repr(float(body["delta"]))
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def verify(
    charges: Iterable[BudgetCharge] | None = None, head_hash: str | None = None
) -> list[str]:
    """Every problem with the chain, in order; none means intact. An altered, removed or
    reordered charge breaks a hash or the run of seq; a removed tail no longer reaches
    the head's hash."""
    rows = list(BudgetCharge.objects.order_by("seq") if charges is None else charges)
    problems = []
    prev = GENESIS
    for expected, charge in enumerate(rows, 1):
        if charge.seq != expected:
            problems.append(f"charge #{charge.seq}: expected #{expected}")
        fields = {key: getattr(charge, key) for key in HASHED_FIELDS}
        if charge.prev_hash != prev or entry_hash(prev, fields) != charge.entry_hash:
            problems.append(f"charge #{charge.seq}: its hash does not match")
        prev = charge.entry_hash
    if head_hash is None:
        head = BudgetHead.objects.filter(pk=1).first()
        head_hash = head.entry_hash if head is not None else GENESIS
    if head_hash != prev:
        problems.append("the ledger's end does not match its head: charges were removed")
    return problems


def quarter_start(moment: dt.datetime) -> dt.datetime:
    local = timezone.localtime(moment)
    first = dt.date(local.year, 3 * ((local.month - 1) // 3) + 1, 1)
    return timezone.make_aware(dt.datetime.combine(first, dt.time()))


def spent_this_quarter(now: dt.datetime) -> float:
    """Every charge of the quarter counts against every member, whether or not their data
    was in it: an upper bound on what any one member has spent, so the cap holds for each."""
    total = BudgetCharge.objects.filter(charged_at__gte=quarter_start(now)).aggregate(
        total=Sum("epsilon")
    )["total"]
    return float(total or 0.0)
