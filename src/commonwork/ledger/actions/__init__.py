"""Every write to the books: balanced, idempotent, atomic, audited.

`post_entries` is the only function that inserts journal entries. Each entry carries an
idempotency key: posting the same key again with the same lines returns the entry that
exists; the same key with different lines is refused. The rules (how a price splits,
what the floor owes) are the pure functions of `ledger.rules`; this module only turns
their answers into postings."""

from commonwork.ledger.actions._shared import (
    COOP_ACCOUNTS,
    MAX_KEY_LENGTH,
    MAX_MANUAL_AMOUNT_MINOR,
    OWNED_ACCOUNTS,
)
from commonwork.ledger.actions.automatic import (
    post_share_purchase,
    post_task_completion,
)
from commonwork.ledger.actions.entries import (
    EntryDraft,
    Line,
    check_currency,
    check_manual_amount,
    post_entries,
    post_entry,
    rates,
)
from commonwork.ledger.actions.manual import (
    record_client_payment,
    record_expense,
    record_stipend,
    reverse_entry,
    tip_task,
)

__all__ = [
    "COOP_ACCOUNTS",
    "MAX_KEY_LENGTH",
    "MAX_MANUAL_AMOUNT_MINOR",
    "OWNED_ACCOUNTS",
    "EntryDraft",
    "Line",
    "check_currency",
    "check_manual_amount",
    "post_entries",
    "post_entry",
    "post_share_purchase",
    "post_task_completion",
    "rates",
    "record_client_payment",
    "record_expense",
    "record_stipend",
    "reverse_entry",
    "tip_task",
]
