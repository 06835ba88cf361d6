from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way)."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    uploaded = MultipleFileField(
        label=_("Your files (CSV or JSON; several at once)"),
        widget=MultipleFileInput(attrs={"multiple": True, "data-testid": "import-files"}),
    )
    fixed_hours = forms.FloatField(
        label=_("Hours your fixed-price work took, if any (the files cannot say)"),
        min_value=0,
        max_value=10_000,
        required=False,
    )
