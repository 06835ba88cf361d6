"""The ledger's writes for erasure (run by the vault through ledger.personal_data)."""

from __future__ import annotations

from commonwork.ledger.models import PayoutAccount, PayoutLine
from commonwork.vault.actions.erasure import ERASED


def erase_payout_details(member_id: int) -> None:
    """The bank details go; the payout lines the books need stay, without them."""
    PayoutAccount.objects.filter(member_id=member_id).delete()
    PayoutLine.objects.filter(member_id=member_id).update(holder=ERASED, iban="ERASED", bic="")
