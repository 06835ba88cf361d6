"""The books as a whole: checking them, and writing them in beancount's format.

`render_beancount` is pure: it takes plain rows and returns the text of a beancount
file, with a balance assertion for every account computed separately by the database,
so beancount's own `bean-check` confirms both that every entry balances and that the
database's balances are the sums of the postings it exported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Min, Sum
from django.utils import timezone

from commonwork.core import money
from commonwork.ledger.models import Account, AccountType, JournalEntry, Posting
from commonwork.members.models import Cooperative

# What balance an account of each type naturally carries (debit +1, credit -1); an
# account whose balance has the other sign is reported, not refused: a member who has
# bought a share before earning anything owes the co-op, for instance.
NATURAL_SIGN = {
    AccountType.ASSETS: 1,
    AccountType.EXPENSES: 1,
    AccountType.LIABILITIES: -1,
    AccountType.EQUITY: -1,
    AccountType.INCOME: -1,
}


@dataclass(frozen=True)
class BookEntry:
    id: int
    day: date
    kind: str
    key: str
    memo: str
    postings: tuple[tuple[str, int], ...]  # (account name, amount in minor units)


def _amount(amount_minor: int, currency: str) -> str:
    return f"{money.major_units(amount_minor, currency)} {currency}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def render_beancount(
    *,
    title: str,
    currency: str,
    opened_on: date,
    accounts: Sequence[str],
    entries: Iterable[BookEntry],
    balances: dict[str, int],
    balances_on: date,
) -> str:
    """A complete beancount file: options, one open per account, every entry, and a
    balance assertion per account on `balances_on` (which must follow the last entry)."""
    lines = [
        f"option {_quoted('title')} {_quoted(title)}",
        f"option {_quoted('operating_currency')} {_quoted(currency)}",
        "",
    ]
    lines += [f"{opened_on.isoformat()} open {name} {currency}" for name in accounts]
    lines.append("")
    for entry in entries:
        lines.append(f"{entry.day.isoformat()} * {_quoted(entry.memo)}")
        lines.append(f"  entry-id: {entry.id}")
        lines.append(f"  entry-key: {_quoted(entry.key)}")
        lines.append(f"  entry-kind: {_quoted(entry.kind)}")
        lines += [f"  {name}  {_amount(amount, currency)}" for name, amount in entry.postings]
        lines.append("")
    lines += [
        f"{balances_on.isoformat()} balance {name}  {_amount(balances.get(name, 0), currency)}"
        for name in accounts
    ]
    return "\n".join(lines) + "\n"


def book_entries() -> Iterable[BookEntry]:
    """Every journal entry with its postings, in posting order, streamed."""
    postings: dict[int, list[tuple[str, int]]] = {}
    rows = Posting.objects.order_by("entry_id", "id").values_list(
        "entry_id", "account__name", "amount_minor"
    )
    for entry_id, name, amount in rows.iterator(chunk_size=5000):
        postings.setdefault(entry_id, []).append((name, amount))
    zone = timezone.get_default_timezone()
    for entry in (
        JournalEntry.objects.order_by("posted_at", "id")
        .only("id", "posted_at", "kind", "key", "memo")
        .iterator(chunk_size=5000)
    ):
        yield BookEntry(
            id=entry.pk,
            day=entry.posted_at.astimezone(zone).date(),
            kind=entry.kind,
            key=entry.key,
            memo=entry.memo,
            postings=tuple(postings.get(entry.pk, ())),
        )


def account_balances() -> dict[str, int]:
    """Each account's balance, summed by the database."""
    return {
        name: int(total or 0)
        for name, total in Account.objects.annotate(
            total=Sum("postings__amount_minor")
        ).values_list("name", "total")
    }


def export_beancount() -> str:
    """The whole books of this instance in beancount's format."""
    cooperative = Cooperative.objects.get(pk=1)
    zone = timezone.get_default_timezone()
    first = JournalEntry.objects.aggregate(first=Min("posted_at"))["first"]
    opened_on = cooperative.founded_on
    if first is not None:
        opened_on = min(opened_on, first.astimezone(zone).date())
    entries = list(book_entries())
    last_day = max((entry.day for entry in entries), default=opened_on)
    return render_beancount(
        title=cooperative.name,
        currency=cooperative.currency,
        opened_on=opened_on,
        accounts=list(Account.objects.order_by("name").values_list("name", flat=True)),
        entries=entries,
        balances=account_balances(),
        balances_on=last_day + timedelta(days=1),
    )


@dataclass(frozen=True)
class BooksReport:
    entries: int
    postings: int
    debits_minor: int
    problems: list[str]
    unusual_balances: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_books() -> BooksReport:
    """Every check the books must pass, as the database sees them."""
    problems: list[str] = []
    unbalanced = (
        Posting.objects.values("entry_id")
        .annotate(total=Sum("amount_minor"))
        .exclude(total=0)
        .values_list("entry_id", "total")
    )
    problems += [f"entry {entry} is off by {total}" for entry, total in unbalanced]
    thin = (
        JournalEntry.objects.annotate(lines=Count("postings"))
        .filter(lines__lt=2)
        .values_list("id", flat=True)
    )
    problems += [f"entry {entry} has fewer than two postings" for entry in thin]
    totals = Posting.objects.aggregate(total=Sum("amount_minor"), count=Count("id"))
    if (totals["total"] or 0) != 0:
        problems.append(f"all debits and credits differ by {totals['total']}")
    debits = Posting.objects.filter(amount_minor__gt=0).aggregate(total=Sum("amount_minor"))
    unusual = []
    for account in Account.objects.annotate(total=Sum("postings__amount_minor")):
        balance = int(account.total or 0)
        if balance * NATURAL_SIGN[AccountType(account.type)] < 0:
            unusual.append(f"{account.name} carries {balance}")
    return BooksReport(
        entries=JournalEntry.objects.count(),
        postings=int(totals["count"] or 0),
        debits_minor=int(debits["total"] or 0),
        problems=problems,
        unusual_balances=unusual,
    )
