from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from commonwork.core.marks import N_


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way)."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


# The cost table's vehicles, in the reader's language (others are shown as written).
VEHICLE_LABELS = {
    "car": N_("car"),
    "motorbike": N_("motorbike"),
    "bicycle": N_("bicycle"),
    "e-bike": N_("e-bike"),
    "scooter": N_("scooter"),
}


class UploadForm(forms.Form):
    def __init__(self, *args: Any, vehicles: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("none: costs not counted"))] + [
            (v, _(VEHICLE_LABELS[v]) if v in VEHICLE_LABELS else v) for v in vehicles or []
        ]
        self.fields["vehicle"].choices = choices  # type: ignore[attr-defined]

    uploaded = MultipleFileField(
        label=_("Your files (CSV or JSON; several at once)"),
        widget=MultipleFileInput(attrs={"multiple": True, "data-testid": "import-files"}),
    )
    vehicle = forms.ChoiceField(label=_("Your vehicle (for its costs per km)"), required=False)
    country = forms.RegexField(
        label=_("Country you work in (two letters)"),
        regex=r"^[A-Za-z]{2}$",
        required=False,
        max_length=2,
    )
    fixed_hours = forms.FloatField(
        label=_("Hours your fixed-price work took, if any (the files cannot say)"),
        min_value=0,
        max_value=10_000,
        required=False,
    )
