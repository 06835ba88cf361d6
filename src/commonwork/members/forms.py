"""Forms check the shape of what people type; the actions check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commonwork.members.models import MembershipStatus, Role


def split_skills(text: str) -> list[str]:
    """ "bike, translation" -> ["bike", "translation"]; the action cleans and checks them."""
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


class SkillsField(forms.CharField):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            required=False,
            max_length=600,
            help_text=_("Separate skills with commas, e.g. bike, translation."),
            **kwargs,  # type: ignore[arg-type]
        )


APPLY_ROLES = [(Role.WORKER.value, Role.WORKER.label), (Role.CLIENT.value, Role.CLIENT.label)]


class ApplicationForm(forms.Form):
    role = forms.ChoiceField(label=_("I want to join as"), choices=APPLY_ROLES)
    motivation = forms.CharField(
        label=_("Why do you want to join?"),
        max_length=2000,  # members.actions.MAX_MOTIVATION
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    skills = SkillsField(label=_("Skills"))


class JoinForm(ApplicationForm):
    """A visitor creates a log-in and applies in one step."""

    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Name others see"), max_length=80, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(
        label=_("Password"),
        min_length=8,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["username", "display_name", "email", "password", "role", "motivation"]


class DecisionNoteForm(forms.Form):
    note = forms.CharField(label=_("Note to the applicant"), required=False, max_length=2000)


class MembershipStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=MembershipStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class SkillsForm(forms.Form):
    skills = SkillsField(label=_("My skills"))


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80)
