"""Forms check the shape of what people type; the ledger's actions check the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class PayoutAccountForm(forms.Form):
    holder = forms.CharField(label=_("Account holder"), max_length=70)
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(label=_("BIC (optional)"), max_length=11, required=False)


class TipForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Tip"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CoopBankForm(forms.Form):
    holder = forms.CharField(label=_("Account holder"), max_length=70)
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(label=_("BIC (optional)"), max_length=11, required=False)
