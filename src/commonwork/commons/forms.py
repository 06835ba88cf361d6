from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from commonwork.commons.actions import MAX_WEEKS
from commonwork.commons.statistics import STATISTICS


class ReleaseForm(forms.Form):
    statistic = forms.ChoiceField(
        label=_("Statistic"), choices=[(s.key, _(s.title)) for s in STATISTICS.values()]
    )
    period_start = forms.DateField(
        label=_("First day (a Monday)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=MAX_WEEKS, initial=4)
    epsilon = forms.FloatField(label=_("Epsilon to spend"), min_value=0.001, max_value=10)
    key = forms.CharField(widget=forms.HiddenInput)

    @staticmethod
    def last_monday(today: dt.date, weeks: int) -> dt.date:
        return today - dt.timedelta(days=today.weekday() + 7 * weeks)
