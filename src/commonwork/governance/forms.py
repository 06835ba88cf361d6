"""Forms check the shape of what people type; the proposals' actions check the rules."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commonwork.governance import labels
from commonwork.governance.actions import (
    FREE_METHODS,
    SURPLUS_SHARES,
    GovernanceError,
    ProposalContent,
)
from commonwork.governance.models import BallotChoice, BallotMethod, ProposalKind
from commonwork.governance.parameters import read_parameter
from commonwork.governance.registry import PARAMETERS, ParameterError, format_value
from commonwork.members.models import (
    Application,
    ApplicationStatus,
    Membership,
    MembershipStatus,
)
from commonwork.members.selectors import cooperative_currency, user_by_username

# The browser's datetime-local input takes only ISO 8601 ("2026-12-01T14:14"), whatever
# the page's language: a localised value ("2026/12/01 14:14" in Chinese) renders empty.
_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ProposalForm(forms.Form):
    """What every proposal has; each kind's form adds what it decides."""

    kind: ClassVar[str]
    key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    title = forms.CharField(label=_("Title"), max_length=160)
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))
    voting_opens_at = forms.DateTimeField(label=_("Voting opens"), widget=_WHEN)
    voting_closes_at = forms.DateTimeField(label=_("Voting closes"), widget=_WHEN)
    secret = forms.BooleanField(
        label=_("Secret ballot (who voted is kept apart from what was voted)"), required=False
    )
    draft = forms.BooleanField(
        label=_("Keep it as a draft that only I can see, to publish later"), required=False
    )

    def content(self) -> ProposalContent:
        raise NotImplementedError


class ParameterProposalForm(ProposalForm):
    kind = ProposalKind.PARAMETER_CHANGE
    parameter = forms.ChoiceField(label=_("Rule to change"))
    value = forms.CharField(label=_("New value"), max_length=40)
    field_order = ["key", "title", "reason", "parameter", "value"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parameter = self.fields["parameter"]
        assert isinstance(parameter, forms.ChoiceField)  # noqa: S101 - declared just above
        currency = cooperative_currency()
        rules: list[tuple[str, str]] = [
            (
                name,
                f"{labels.label(name, gettext)} "
                f"({labels.display_unit(spec.unit, gettext, currency)})",
            )
            for name, spec in PARAMETERS.items()
            if not name.startswith("surplus.")
        ]
        rules.sort(key=lambda choice: choice[1])
        parameter.choices = rules

    def clean(self) -> dict[str, Any]:
        """The value is typed in the unit shown beside the rule (the currency, percent);
        the registry stores it in its own (cents, fractions)."""
        data = super().clean() or {}
        name, typed = data.get("parameter"), data.get("value")
        if name in PARAMETERS and typed is not None:
            spec = PARAMETERS[name]
            try:
                data["value"] = labels.from_display(spec.unit, typed)
            except (ValueError, ZeroDivisionError):
                self.add_error(
                    "value",
                    _("“%(value)s” is not a number; write it like 12.50 or 8.")
                    % {"value": typed[:40]},
                )
                return data
            try:
                spec.parse(data["value"])
            except ParameterError:
                unit = labels.display_unit(spec.unit, gettext, cooperative_currency())
                self.add_error(
                    "value",
                    _("%(rule)s: %(value)s lies outside %(low)s to %(high)s (%(unit)s).")
                    % {
                        "rule": labels.label(name, gettext),
                        "value": typed.strip()[:40],
                        "low": labels.to_display(spec.unit, spec.minimum),
                        "high": labels.to_display(spec.unit, spec.maximum),
                        "unit": unit,
                    },
                )
        return data

    def content(self) -> ProposalContent:
        data = self.cleaned_data
        return ProposalContent(changes={data["parameter"]: data["value"]})


class SurplusProposalForm(ProposalForm):
    kind = ProposalKind.SURPLUS_ALLOCATION
    reserves = forms.CharField(label=_("Share kept in reserves"), max_length=20)
    patronage = forms.CharField(label=_("Share returned to members by their labour"), max_length=20)
    community = forms.CharField(label=_("Share given to the community fund"), max_length=20)
    field_order = ["key", "title", "reason", "reserves", "patronage", "community"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field, name in zip(("reserves", "patronage", "community"), SURPLUS_SHARES, strict=True):
            self.fields[field].initial = format_value(Fraction(read_parameter(name)))

    def content(self) -> ProposalContent:
        data = self.cleaned_data
        values = (data["reserves"], data["patronage"], data["community"])
        return ProposalContent(changes=dict(zip(SURPLUS_SHARES, values, strict=True)))


class AdmissionProposalForm(ProposalForm):
    kind = ProposalKind.ADMISSION
    application = forms.TypedChoiceField(label=_("Application"), coerce=int)
    field_order = ["key", "title", "reason", "application"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["application"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared just above
        pending = Application.objects.select_related("applicant").filter(
            status=ApplicationStatus.PENDING
        )
        field.choices = [(a.pk, f"{a.applicant} ({a.get_role_display()})") for a in pending]

    def content(self) -> ProposalContent:
        return ProposalContent(application_id=self.cleaned_data["application"])


class RemovalProposalForm(ProposalForm):
    kind = ProposalKind.REMOVAL
    member = forms.CharField(label=_("Member's user name"), max_length=150)
    field_order = ["key", "title", "reason", "member"]

    def clean_member(self) -> int:
        user = user_by_username(self.cleaned_data["member"])
        if user is None:
            raise forms.ValidationError(_("There is no member with this user name."))
        return int(user.pk)

    def content(self) -> ProposalContent:
        return ProposalContent(subject_id=self.cleaned_data["member"])


class BylawProposalForm(ProposalForm):
    kind = ProposalKind.BYLAW_AMENDMENT
    bylaws_after = forms.CharField(
        label=_("The bylaws as amended (the whole text)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=100_000,
    )
    field_order = ["key", "title", "reason", "bylaws_after"]

    def content(self) -> ProposalContent:
        return ProposalContent(bylaws_after=self.cleaned_data["bylaws_after"])


class ElectionProposalForm(ProposalForm):
    kind = ProposalKind.ELECTION
    candidates = forms.TypedMultipleChoiceField(
        label=_("Candidates"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    seats = forms.IntegerField(label=_("Seats to fill"), min_value=1, max_value=20, initial=1)
    field_order = ["key", "title", "reason", "candidates", "seats"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["candidates"]
        assert isinstance(field, forms.TypedMultipleChoiceField)  # noqa: S101 - declared above
        active = Membership.objects.select_related("user").filter(status=MembershipStatus.ACTIVE)
        field.choices = [(m.user_id, m.user.public_name) for m in active.order_by("user__username")]

    def content(self) -> ProposalContent:
        data = self.cleaned_data
        return ProposalContent(candidate_ids=data["candidates"], seats=data["seats"])


class FreeDecisionProposalForm(ProposalForm):
    kind = ProposalKind.FREE_DECISION
    method = forms.ChoiceField(
        label=_("How members answer"),
        choices=[(m.value, m.label) for m in FREE_METHODS],
    )
    options = forms.CharField(
        label=_("Options, one per line (not needed for consent)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    field_order = ["key", "title", "reason", "method", "options"]

    def content(self) -> ProposalContent:
        data = self.cleaned_data
        return ProposalContent(method=data["method"], options=data["options"].splitlines())


PROPOSAL_FORMS: dict[str, type[ProposalForm]] = {
    form.kind: form
    for form in (
        ParameterProposalForm,
        SurplusProposalForm,
        AdmissionProposalForm,
        RemovalProposalForm,
        BylawProposalForm,
        ElectionProposalForm,
        FreeDecisionProposalForm,
    )
}


def ballot_from_post(
    method: str, option_keys: list[str], post: Mapping[str, Any], chosen: list[str]
) -> tuple[str, object]:
    """The (choice, answer) a ballot form sent: the button pressed, or the answer built
    from the ranks, ticks or scores given. `chosen` is the ticked options (getlist)."""
    choice = str(post.get("choice", ""))
    if choice == BallotChoice.ABSTAIN or method in (BallotMethod.YES_NO, BallotMethod.CONSENT):
        return choice, None
    if method == BallotMethod.RANKED:
        ranks: dict[str, int] = {}
        for key in option_keys:
            raw = str(post.get(f"rank_{key}", "")).strip()
            if raw:
                if not raw.isdigit():
                    raise GovernanceError("invalid", "A rank is a whole number.", field="answer")
                ranks[key] = int(raw)
        if len(set(ranks.values())) != len(ranks):
            raise GovernanceError(
                "invalid", "Give each candidate you rank a different number.", field="answer"
            )
        return BallotChoice.ANSWER, sorted(ranks, key=ranks.__getitem__)
    if method == BallotMethod.SCORE:
        scores: dict[str, int] = {}
        for key in option_keys:
            raw = str(post.get(f"score_{key}", "")).strip()
            if raw:
                if not raw.isdigit():
                    raise GovernanceError("invalid", "A score is a whole number.", field="answer")
                scores[key] = int(raw)
        return BallotChoice.ANSWER, scores
    return BallotChoice.ANSWER, chosen


class DelegationForm(forms.Form):
    delegate = forms.CharField(label=_("Member's user name"), max_length=150)
    kind = forms.ChoiceField(label=_("On which kind of proposal"), choices=ProposalKind.choices)


class CommentForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    body = forms.CharField(
        label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppealForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    reason = forms.CharField(
        label=_("Why the removal should not stand"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
