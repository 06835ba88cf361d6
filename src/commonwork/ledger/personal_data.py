"""The ledger's share of members' personal data: their postings, statements and bank
details. Registered with the vault in LedgerConfig.ready."""

from __future__ import annotations

from datetime import datetime

from commonwork.ledger.actions.personal_data import erase_payout_details
from commonwork.ledger.models import PayoutAccount, Posting, Statement
from commonwork.vault import providers
from commonwork.vault.providers import Rows


class EarningsProvider:
    category = "earnings"

    def rows(self, member_id: int) -> Rows:
        rows: Rows = [
            {
                "record": "posting",
                "posted_at": p.entry.posted_at,
                "kind": p.entry.kind,
                "memo": p.entry.memo,
                "account": p.account.name,
                "amount_minor": p.amount_minor,
            }
            for p in Posting.objects.filter(account__owner_id=member_id)
            .select_related("entry", "account")
            .order_by("entry__posted_at", "id")
        ]
        rows += [
            {"record": "statement", "period": str(s.period), "figures": s.figures}
            for s in Statement.objects.filter(member_id=member_id).select_related("period")
        ]
        payout = PayoutAccount.objects.filter(member_id=member_id).first()
        if payout is not None:
            rows.append({"record": "payout_account", "holder": payout.holder, "iban": payout.iban})
        return rows

    def count(self, member_id: int) -> int:
        return (
            Posting.objects.filter(account__owner_id=member_id).count()
            + Statement.objects.filter(member_id=member_id).count()
            + PayoutAccount.objects.filter(member_id=member_id).count()
        )

    def erase(self, member_id: int) -> None:
        erase_payout_details(member_id)

    def expire(self, now: datetime) -> int:
        return 0  # the books are kept as long as the law asks


def register() -> None:
    providers.register_category(EarningsProvider())
