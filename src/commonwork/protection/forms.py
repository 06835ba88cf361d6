from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from commonwork.protection.models import CoverKind

_DAY = {"type": "date"}


class ClaimForm(forms.Form):
    cover = forms.ChoiceField(label=_("Cover"), choices=CoverKind.choices)
    # Date and datetime-local inputs take only ISO 8601, whatever the page's language.
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(_DAY, format="%Y-%m-%d"))
    ends_on = forms.DateField(
        label=_("Until (expected)"), widget=forms.DateInput(_DAY, format="%Y-%m-%d")
    )
    costs = forms.DecimalField(
        label=_("Costs, for a vehicle (in your currency)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    account = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    medical = forms.CharField(
        label=_("Medical details (only the stewards deciding read these)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    incident = forms.TypedChoiceField(
        label=_("The incident it comes from"), required=False, coerce=int, empty_value=None
    )
    key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, incidents: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["incident"].choices = [("", _("none")), *incidents]  # type: ignore[attr-defined]


class IncidentForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Where"), max_length=5000)
    account = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    task = forms.TypedChoiceField(label=_("Task"), required=False, coerce=int, empty_value=None)
    hand_back = forms.BooleanField(
        label=_("Hand the task back (no penalty): it is dispatched to someone else"),
        required=False,
    )
    key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, tasks: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = [("", _("none")), *tasks]  # type: ignore[attr-defined]


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Their name"), max_length=120)
    email = forms.EmailField(label=_("Their e-mail"))


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve and pay")), ("no", _("Refuse"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons (the member reads them)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the members should pay it (they read this; no medical details)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class DocumentForm(forms.Form):
    document = forms.FileField(label=_("A document or photo (PDF, JPEG or PNG, up to 10 MB)"))
