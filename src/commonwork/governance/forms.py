"""Forms check the shape of what people type; the proposals' actions check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from commonwork.governance.registry import PARAMETERS


class ParameterProposalForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    title = forms.CharField(label=_("Title"), max_length=160)
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))
    parameter = forms.ChoiceField(label=_("Rule to change"))
    value = forms.CharField(label=_("New value"), max_length=40)
    voting_opens_at = forms.DateTimeField(
        label=_("Voting opens"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    voting_closes_at = forms.DateTimeField(
        label=_("Voting closes"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    secret = forms.BooleanField(
        label=_("Secret ballot (who voted is kept apart from what was voted)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parameter = self.fields["parameter"]
        assert isinstance(parameter, forms.ChoiceField)  # noqa: S101 - declared just above
        parameter.choices = [
            (name, f"{name} ({spec.unit})") for name, spec in sorted(PARAMETERS.items())
        ]


class BallotForm(forms.Form):
    choice = forms.ChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No")), ("abstain", _("Abstain"))]
    )
    receipt = forms.CharField(label=_("Your receipt code"), max_length=40, required=False)


class DelegationForm(forms.Form):
    delegate = forms.CharField(label=_("Member's user name"), max_length=150)


class CommentForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    body = forms.CharField(
        label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
