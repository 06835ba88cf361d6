"""The books checked by an outside tool: beancount's own bean-check, and properties that
any sequence of operations must keep."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from beancount import loader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonwork.ledger import actions as ledger
from commonwork.ledger.actions.payouts import (
    mark_batch_paid,
    prepare_payout_batch,
    set_payout_account,
)
from commonwork.ledger.actions.periods import close_period
from commonwork.ledger.books import account_balances, check_books, export_beancount
from commonwork.ledger.models import EntryKind, JournalEntry
from tests.ledger.conftest import FOUNDED, at
from tests.ledger.test_periods import WEEK_LATER, _available

BEAN_CHECK = Path(sys.executable).parent / "bean-check"


def bean_check(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    books = tmp_path / "books.beancount"
    books.write_text(text, encoding="utf-8")
    return subprocess.run(  # noqa: S603 - our own file, beancount's own checker
        [str(BEAN_CHECK), str(books)], capture_output=True, text=True, check=False
    )


def test_a_month_of_real_operations_passes_bean_check(
    tmp_path: Path, alice: Any, bob: Any, carol: Any, dan: Any, complete_task: Any
) -> None:
    from commonwork.core import clock

    _available(bob, at(FOUNDED, 9), hours=5)
    _available(carol, at(FOUNDED, 9), hours=2)
    task = complete_task(bob, start=at(FOUNDED, 10))
    complete_task(carol, start=at(FOUNDED, 9), minutes=40)
    with clock.set_to(at(FOUNDED, 14)):
        ledger.tip_task(actor=dan, task_id=task.pk, amount_minor=300, key="tip")
        ledger.record_client_payment(actor=alice, client_id=dan.pk, amount_minor=900, key="p")
        ledger.record_expense(actor=alice, amount_minor=1234, memo='Hosting "basic"', key="e")
    set_payout_account(actor=bob, holder="Bob", iban="DE89370400440532013000")
    with clock.set_to(at(WEEK_LATER, 1)):
        period = close_period(actor=alice)
        mark_batch_paid(
            actor=alice, batch_id=prepare_payout_batch(actor=alice, period_id=period.pk).pk
        )

    result = bean_check(tmp_path, export_beancount())

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""


def test_bean_check_catches_books_that_were_altered_after_export(
    tmp_path: Path, alice: Any, bob: Any, complete_task: Any
) -> None:
    complete_task(bob, start=at(FOUNDED, 10))
    text = export_beancount()
    fee_line = next(line for line in text.splitlines() if line.strip().startswith("Income:Fees"))
    altered = text.replace(fee_line, fee_line.replace("-", "-1"), 1)
    result = bean_check(tmp_path, altered)
    assert result.returncode != 0
    assert "balance" in (result.stdout + result.stderr).lower()


ACCOUNTS = ["bank", "fees", "operating", "solidarity", "reserves", "payable", "capital"]
OWNED = {"payable", "capital", "receivable"}

line_strategy = st.tuples(
    st.sampled_from([*ACCOUNTS, "receivable"]),
    st.integers(min_value=1, max_value=10**9),
    st.integers(min_value=0, max_value=2),  # which member owns it, where owned
)
operation_strategy = st.one_of(
    st.tuples(st.just("post"), st.lists(line_strategy, min_size=1, max_size=4)),
    st.tuples(st.just("retry"), st.integers(min_value=0, max_value=50)),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=50)),
)
_keys = itertools.count()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation_strategy, min_size=1, max_size=12))
def test_any_sequence_of_operations_keeps_the_books_balanced(
    alice: Any, bob: Any, carol: Any, operations: list[Any]
) -> None:
    members = [alice.pk, bob.pk, carol.pk]
    expected = defaultdict(int, account_balances())
    posted: list[ledger.EntryDraft] = []
    for operation in operations:
        kind, argument = operation
        if kind == "post":
            lines = [
                ledger.Line(purpose, amount, members[owner] if purpose in OWNED else None)
                for purpose, amount, owner in argument
            ]
            # Balance the random lines against the bank, as a real entry would.
            rest = -sum(line.amount_minor for line in lines)
            if rest != 0:
                lines.append(ledger.Line("bank", rest))
            if len(lines) < 2:
                continue
            draft = ledger.EntryDraft(
                key=f"random:{next(_keys)}",
                kind=EntryKind.EXPENSE,
                memo="random",
                lines=tuple(lines),
            )
            ledger.post_entry(draft, actor=None)
            posted.append(draft)
            for line in lines:
                name = _name(line)
                expected[name] += line.amount_minor
        elif kind == "retry" and posted:
            ledger.post_entry(posted[argument % len(posted)], actor=None)  # changes nothing
        elif kind == "reverse" and posted:
            original = JournalEntry.objects.get(key=posted[argument % len(posted)].key)
            if not JournalEntry.objects.filter(reverses=original).exists():
                ledger.reverse_entry(actor=alice, entry_id=original.pk, reason="property test")
                for posting in original.postings.select_related("account"):
                    expected[posting.account.name] -= posting.amount_minor

    report = check_books()
    assert report.ok, report.problems
    balances = account_balances()
    assert {k: v for k, v in balances.items() if v} == {k: v for k, v in expected.items() if v}
    assert sum(balances.values()) == 0
    _entries, errors, _options = loader.load_string(export_beancount())
    assert errors == []


def _name(line: ledger.Line) -> str:
    from commonwork.ledger.actions import COOP_ACCOUNTS, OWNED_ACCOUNTS

    if line.owner_id is None:
        return COOP_ACCOUNTS[line.purpose][1]
    return OWNED_ACCOUNTS[line.purpose][1].format(owner=line.owner_id)
