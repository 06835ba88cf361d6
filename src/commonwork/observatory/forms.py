from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class WageForm(forms.Form):
    country = forms.RegexField(label=_("Country (two letters)"), regex=r"^[A-Za-z]{2}$")
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    currency = forms.RegexField(label=_("Currency (three letters)"), regex=r"^[A-Za-z]{3}$")
    minimum_minor = forms.IntegerField(
        label=_("Minimum wage an hour, in cents"), min_value=0, required=False
    )
    living_minor = forms.IntegerField(
        label=_("Living wage an hour, in cents"), min_value=0, required=False
    )
    source = forms.CharField(label=_("Source"), max_length=500)
    as_of = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}))
    key = forms.CharField(widget=forms.HiddenInput)


class VehicleCostForm(forms.Form):
    country = forms.RegexField(label=_("Country (two letters)"), regex=r"^[A-Za-z]{2}$")
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    vehicle = forms.CharField(label=_("Vehicle"), max_length=20)
    currency = forms.RegexField(label=_("Currency (three letters)"), regex=r"^[A-Za-z]{3}$")
    per_km_minor = forms.IntegerField(label=_("Cost per km, in cents"), min_value=0)
    source = forms.CharField(label=_("Source"), max_length=500)
    as_of = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}))
    key = forms.CharField(widget=forms.HiddenInput)
