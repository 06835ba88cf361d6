"""Forms check the shape of what people type; the actions check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from commonwork.members.forms import SkillsField
from commonwork.work.models import DisputeOutcome, TaskKind


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Project title"), max_length=120)
    purpose = forms.CharField(
        label=_("Purpose (every worker on it sees this)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TaskForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,  # work.actions.tasks.MAX_DESCRIPTION
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskKind.choices)
    estimated_minutes = forms.IntegerField(label=_("Estimated minutes"), min_value=1)
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    skills = SkillsField(label=_("Skills needed"))
    pickup_lat = forms.FloatField(label=_("Pickup latitude"), required=False)
    pickup_lon = forms.FloatField(label=_("Pickup longitude"), required=False)
    dropoff_lat = forms.FloatField(label=_("Drop-off latitude"), required=False)
    dropoff_lon = forms.FloatField(label=_("Drop-off longitude"), required=False)

    def __init__(self, *args: Any, projects: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = projects  # type: ignore[attr-defined]

    @staticmethod
    def point(data: dict[str, Any], prefix: str) -> tuple[float | None, float | None] | None:
        lat, lon = data.get(f"{prefix}_lat"), data.get(f"{prefix}_lon")
        if lat is None and lon is None:
            return None
        # Half a point goes on to the action, which names the missing coordinate.
        return (lat, lon)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class ResolveDisputeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DisputeOutcome.choices)
    note = forms.CharField(label=_("Note to both sides"), max_length=2000)
