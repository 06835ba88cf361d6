"""Forms check the shape of what people type; the actions check the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from commonwork.members.forms import SkillsField
from commonwork.work.models import DisputeOutcome, TaskKind


class ProjectForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: it shares the client's page with the task form, whose title field
        # would otherwise have the same id (and the labels would name both).
        kwargs.setdefault("auto_id", "project_%s")
        super().__init__(*args, **kwargs)

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
    pickup_address = forms.CharField(
        label=_("Pickup address"),
        required=False,
        max_length=200,  # work.actions.tasks.MAX_ADDRESS
        help_text=_("Type a street or a place, or drop pin A on the map."),
    )
    dropoff_address = forms.CharField(
        label=_("Drop-off address"),
        required=False,
        max_length=200,
        help_text=_("Type a street or a place, or drop pin B on the map."),
    )
    # Set by the map's pins; an address alone is looked up on the server.
    pickup_lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    pickup_lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    dropoff_lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    dropoff_lon = forms.FloatField(required=False, widget=forms.HiddenInput)

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


class DeliverForm(forms.Form):
    """Delivering a located task, with the recipient's code or a photo as proof."""

    code = forms.CharField(
        label=_("The recipient's code"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # What kind of picture it is, the action reads from its bytes (JPEG, PNG, WebP).
    photo = forms.FileField(
        label=_("Or a photo of the delivery"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class PreferencesForm(forms.Form):
    max_distance_km = forms.FloatField(
        label=_("Furthest pickup I will go to (km)"),
        required=False,
        min_value=0.1,
        max_value=500,
        help_text=_("Empty: any distance."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of task I take"),
        choices=TaskKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )
    # [[south, west, north, east], ...], drawn on the map by static/js/worker.js.
    areas = forms.JSONField(required=False, widget=forms.HiddenInput)

    def clean_areas(self) -> list[list[float]]:
        areas = self.cleaned_data.get("areas") or []
        if not isinstance(areas, list) or not all(
            isinstance(a, list) and all(isinstance(v, int | float) for v in a) for a in areas
        ):
            raise forms.ValidationError(_("The areas could not be read; draw them again."))
        return areas
