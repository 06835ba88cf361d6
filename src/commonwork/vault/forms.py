from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commonwork.vault.registry import CATEGORIES


class ConsentForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    recipient = forms.CharField(label=_("Who may read (their user name)"), max_length=150)
    categories = forms.MultipleChoiceField(
        label=_("Which of your data"),
        choices=[(key, _(c.label)) for key, c in CATEGORIES.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    purpose = forms.CharField(
        label=_("For what purpose"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    valid_days = forms.IntegerField(label=_("For how many days"), min_value=1, initial=90)
    retention_days = forms.IntegerField(
        label=_("How long they may keep it (days)"), min_value=0, initial=365
    )
    jurisdiction = forms.CharField(label=_("Jurisdiction"), max_length=40, initial="EU")
