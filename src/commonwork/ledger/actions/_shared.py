"""commonwork.ledger.actions._shared"""

from __future__ import annotations

from commonwork.ledger.models import (
    AccountPurpose,
    AccountType,
)

MAX_KEY_LENGTH = 200
# A single manual amount above this (10 million major units at two decimals) is a typo.
MAX_MANUAL_AMOUNT_MINOR = 1_000_000_000

# The co-op's own accounts, one per purpose, and the accounts each member or client has.
COOP_ACCOUNTS: dict[str, tuple[AccountType, str]] = {
    AccountPurpose.BANK: (AccountType.ASSETS, "Assets:Bank"),
    AccountPurpose.FEES: (AccountType.INCOME, "Income:Fees"),
    AccountPurpose.OPERATING: (AccountType.EXPENSES, "Expenses:Operating"),
    AccountPurpose.FLOOR: (AccountType.EXPENSES, "Expenses:PayFloor"),
    AccountPurpose.STIPENDS: (AccountType.EXPENSES, "Expenses:Stipends"),
    AccountPurpose.SOLIDARITY: (AccountType.EQUITY, "Equity:Funds:Solidarity"),
    AccountPurpose.RESERVES: (AccountType.EQUITY, "Equity:Reserves"),
    AccountPurpose.COMMUNITY: (AccountType.EQUITY, "Equity:Funds:Community"),
}
OWNED_ACCOUNTS: dict[str, tuple[AccountType, str]] = {
    AccountPurpose.RECEIVABLE: (AccountType.ASSETS, "Assets:Receivable:Client{owner}"),
    AccountPurpose.PAYABLE: (AccountType.LIABILITIES, "Liabilities:Payable:Member{owner}"),
    AccountPurpose.CAPITAL: (AccountType.EQUITY, "Equity:Capital:Member{owner}"),
}
