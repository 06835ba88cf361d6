"""The books: accounts, immutable balanced journal entries, pay periods, statements, payouts.

Signs follow beancount's convention, so the export is a straight copy: a posting's
amount is positive for a debit and negative for a credit, every entry's postings add up
to zero, and the natural balance of a liability, equity or income account is negative.
Entries are never changed or deleted (the database refuses it where it can, see the
migration); a correction is a reversing entry.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AccountType(models.TextChoices):
    """The five roots of a double-entry chart, named as beancount names them."""

    ASSETS = "Assets", _("assets")
    LIABILITIES = "Liabilities", _("liabilities")
    EQUITY = "Equity", _("equity")
    INCOME = "Income", _("income")
    EXPENSES = "Expenses", _("expenses")


class AccountPurpose(models.TextChoices):
    BANK = "bank", _("bank clearing")
    RECEIVABLE = "receivable", _("client receivable")
    PAYABLE = "payable", _("member earnings payable")
    CAPITAL = "capital", _("member capital")
    FEES = "fees", _("fee revenue")
    OPERATING = "operating", _("operating expenses")
    FLOOR = "floor", _("pay-floor top-ups")
    STIPENDS = "stipends", _("stewards' stipends")
    SOLIDARITY = "solidarity", _("solidarity fund")
    RESERVES = "reserves", _("reserves")
    COMMUNITY = "community", _("community fund")


class Account(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    type = models.CharField(_("type"), max_length=12, choices=AccountType.choices)
    purpose = models.CharField(_("purpose"), max_length=12, choices=AccountPurpose.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    opened_at = models.DateTimeField(_("opened"))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "owner"], name="one_account_per_purpose_and_owner"
            ),
            models.UniqueConstraint(
                fields=["purpose"],
                condition=Q(owner__isnull=True),
                name="one_coop_account_per_purpose",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EntryKind(models.TextChoices):
    TASK_COMPLETION = "task", _("task completed")
    TIP = "tip", _("tip")
    SHARE_PURCHASE = "share", _("share bought")
    FLOOR_TOP_UP = "floor", _("pay-floor top-up")
    CLIENT_PAYMENT = "client_payment", _("client payment")
    EXPENSE = "expense", _("operating expense")
    STIPEND = "stipend", _("steward's stipend")
    PAYOUT = "payout", _("payout")
    YEAR_CLOSE = "year_close", _("year close")
    REVERSAL = "reversal", _("reversal")
    COVER_CONTRIBUTION = "cover_in", _("contribution to cover")
    COVER_BENEFIT = "cover_out", _("cover paid from the solidarity fund")


class JournalEntry(models.Model):
    key = models.CharField(
        max_length=200, unique=True, help_text="Idempotency key: one entry per key, ever."
    )
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the kind and lines, to refuse a reused key."
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    posted_at = models.DateTimeField(_("posted"))
    memo = models.CharField(_("memo"), max_length=200)
    task = models.ForeignKey(
        "work.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period = models.ForeignKey(
        "PayPeriod", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["posted_at", "id"]
        indexes = [models.Index(fields=["kind", "posted_at"])]

    def __str__(self) -> str:
        return f"entry {self.pk} ({self.kind})"


class Posting(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount_minor = models.BigIntegerField(help_text="Debit positive, credit negative.")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_minor=0), name="posting_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount_minor}"


class PayPeriod(models.Model):
    """A closed pay period: [starts_on, ends_on) in the co-op's time zone."""

    starts_on = models.DateField(_("starts"), unique=True)
    ends_on = models.DateField(_("ends (exclusive)"))
    closed_at = models.DateTimeField(_("closed"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parameters = models.JSONField(help_text="The governed values the close used, as strings.")
    pay_ratio = models.JSONField(help_text="The pay-ratio check of this period.")
    floor = models.JSONField(
        default=dict,
        blank=True,
        help_text="Top-ups due, paid and unpaid, and what clients paid (minor units).",
    )

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="period_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}..{self.ends_on}"

    @property
    def last_day(self) -> date:
        """The period's last day, for people: ends_on is the first day after it."""
        return self.ends_on - timedelta(days=1)


class Statement(models.Model):
    """A member's statement for one period. `figures` holds the numbers it shows."""

    period = models.ForeignKey(PayPeriod, on_delete=models.PROTECT, related_name="statements")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="statements"
    )
    figures = models.JSONField()

    class Meta:
        ordering = ["-period__starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["period", "member"], name="one_statement_per_period")
        ]

    def __str__(self) -> str:
        return f"statement {self.member_id} {self.period}"


class Invoice(models.Model):
    """A client's invoice for one period: the tasks completed for them and their tips."""

    period = models.ForeignKey(PayPeriod, on_delete=models.PROTECT, related_name="invoices")
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invoices"
    )
    number = models.CharField(max_length=40, unique=True)
    figures = models.JSONField()

    class Meta:
        ordering = ["-period__starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["period", "client"], name="one_invoice_per_period")
        ]

    def __str__(self) -> str:
        return self.number


class PayoutAccount(models.Model):
    """Where a member wants to be paid. The IBAN is checked when it is saved."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payout_account"
    )
    holder = models.CharField(_("account holder"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"payout account of {self.member_id}"


class PayoutStatus(models.TextChoices):
    PREPARED = "prepared", _("prepared")
    PAID = "paid", _("paid")
    CANCELLED = "cancelled", _("cancelled")


class PayoutBatch(models.Model):
    period = models.ForeignKey(PayPeriod, on_delete=models.PROTECT, related_name="payout_batches")
    status = models.CharField(
        max_length=10, choices=PayoutStatus.choices, default=PayoutStatus.PREPARED
    )
    prepared_at = models.DateTimeField()
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-prepared_at"]
        constraints = [
            # One live batch per period: a cancelled one may be prepared again.
            models.UniqueConstraint(
                fields=["period"],
                condition=~Q(status="cancelled"),
                name="one_live_batch_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"payout batch {self.pk}"


class PayoutLine(models.Model):
    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="lines")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount_minor = models.PositiveBigIntegerField()
    holder = models.CharField(max_length=70)
    iban = models.CharField(max_length=34)
    bic = models.CharField(max_length=11, blank=True)
    # True while its batch is prepared and not yet paid or cancelled.
    unpaid = models.BooleanField(default=True)

    class Meta:
        ordering = ["member_id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "member"], name="one_line_per_member"),
            # A member is in at most one batch not yet paid: never paid twice for one debt.
            models.UniqueConstraint(
                fields=["member"], condition=Q(unpaid=True), name="one_unpaid_line_per_member"
            ),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="payout_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.amount_minor}"


class YearClose(models.Model):
    year = models.PositiveSmallIntegerField(unique=True)
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    figures = models.JSONField()

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
