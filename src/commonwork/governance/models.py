from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _


class ParameterSource(models.TextChoices):
    FOUNDING = "founding", _("set when the co-op was founded")
    STEWARD = "steward", _("set by a steward under the bylaws")
    PROPOSAL = "proposal", _("set by a passed proposal")


class ParameterValue(models.Model):
    """One value a governed parameter took, from `set_at` on. Rows are never changed;
    the newest row per name is the current value and the id is the version."""

    name = models.CharField(max_length=80)
    value = models.CharField(max_length=80, help_text="Exact text: an integer or a decimal.")
    set_at = models.DateTimeField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=ParameterSource.choices)
    reason = models.TextField()
    proposal_ref = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name", "-id"]
        indexes = [models.Index(fields=["name", "-id"])]

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"


class ProposalKind(models.TextChoices):
    PARAMETER_CHANGE = "parameter_change", _("parameter change")
    ADMISSION = "admission", _("admission of an applicant")
    REMOVAL = "removal", _("removal of a member")
    SURPLUS_ALLOCATION = "surplus_allocation", _("surplus allocation")
    BYLAW_AMENDMENT = "bylaw_amendment", _("bylaw amendment")
    ELECTION = "election", _("election of stewards")
    FREE_DECISION = "free_decision", _("free decision")


class BallotMethod(models.TextChoices):
    YES_NO = "yes_no", _("yes or no")
    CONSENT = "consent", _("consent: passes unless objections reach the threshold")
    RANKED = "ranked", _("ranked choice")
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    SCORE = "score", _("score each option from 0 to 5")


class BallotChoice(models.TextChoices):
    YES = "yes", _("yes")
    NO = "no", _("no")
    ABSTAIN = "abstain", _("abstain")
    CONSENT = "consent", _("consent")
    OBJECT = "object", _("object")
    # A ranking, the chosen options or the scores, held in the ballot's `answer`.
    ANSWER = "answer", _("answered")


_KNOWN_CHOICE = models.Q(choice__in=BallotChoice.values)


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    DISCUSSION = "discussion", _("in discussion")
    VOTING = "voting", _("voting open")
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")
    VOID = "void", _("void: quorum missed")


class Proposal(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ProposalKind.choices)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("reason"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    status = models.CharField(
        max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.DISCUSSION
    )
    method = models.CharField(
        _("how members vote"),
        max_length=10,
        choices=BallotMethod.choices,
        default=BallotMethod.YES_NO,
    )
    changes = models.JSONField(default=dict, help_text="Parameter name → proposed value.")
    current_values = models.JSONField(default=dict, help_text="The values when proposed.")
    options = models.JSONField(
        default=list, help_text='Candidates or options, in ballot order: [{"key", "label"}].'
    )
    seats = models.PositiveSmallIntegerField(default=1)
    # Admission: the application voted on. Removal: the member whose removal is voted on.
    application = models.ForeignKey(
        "members.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="appeal"
    )
    bylaws_before = models.TextField(blank=True)
    bylaws_after = models.TextField(_("the amended bylaws"), blank=True)
    voting_opens_at = models.DateTimeField(_("voting opens"))
    voting_closes_at = models.DateTimeField(_("voting closes"))
    electorate_size = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # What the proposer says after the close (Loomio's "outcome"), shown with the result.
    outcome_statement = models.TextField(_("outcome statement"), blank=True, default="")
    outcome_written_at = models.DateTimeField(null=True, blank=True)
    secret = models.BooleanField(
        _("secret ballot"),
        default=False,
        help_text="Who voted is kept apart from what was voted; voters get receipt codes.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(voting_closes_at__gt=models.F("voting_opens_at")),
                name="proposal_window_not_empty",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("outcome_statement"), 2000),
                name="proposal_outcome_at_most_2000",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ElectorateMember(models.Model):
    """A member entitled to vote on a proposal: active when its voting opened."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="electorate")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="one_vote_right_each")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.proposal_id}"


class Ballot(models.Model):
    """An open ballot: one per member per proposal, changeable until the close. A ballot
    with `via` was not cast by the voter: at the close it followed the vote of the
    member they had delegated to, because they did not vote themselves."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="ballots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=BallotChoice.choices)
    answer = models.JSONField(null=True, blank=True)
    # Why, in the voter's words (optional); shown with their name beside open votes.
    reason = models.TextField(blank=True, default="")
    cast_at = models.DateTimeField()
    via = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "voter"], name="one_ballot_each"),
            models.CheckConstraint(condition=_KNOWN_CHOICE, name="ballot_choice_known"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("reason"), 1000), name="ballot_reason_at_most_1000"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} on {self.proposal_id}: {self.choice}"


class Delegation(models.Model):
    """A member's vote on one kind of proposal, entrusted to another member until taken
    back. A direct vote always overrides it."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_received"
    )
    kind = models.CharField(max_length=20, choices=ProposalKind.choices)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["delegator", "kind"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_delegation_per_kind",
            ),
            models.CheckConstraint(
                condition=~models.Q(delegator=models.F("delegate")), name="no_self_delegation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator_id} → {self.delegate_id} ({self.kind})"


class NoticeKind(models.TextChoices):
    PROPOSED = "proposed", _("a proposal is up for discussion")
    VOTING_OPEN = "voting_open", _("voting has opened")
    CLOSING_SOON = "closing_soon", _("voting closes within a day")
    RESULT = "result", _("the result is in")


class Notice(models.Model):
    """An in-app notification about a proposal; the same news goes out by email."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "proposal", "kind"], name="one_notice_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.member_id} on {self.proposal_id}"


class Comment(models.Model):
    """A member's word in a proposal's discussion."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.proposal_id}"


class Participation(models.Model):
    """That a member voted in a secret ballot, and nothing about how. `receipt_check` is
    a keyed hash of the voter and their receipt code: it lets only that voter use the code
    (to change or check their ballot), and without the code it leads to no ballot."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="participants")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    receipt_check = models.CharField(max_length=64, default="", editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "voter"], name="one_participation_each")
        ]

    def __str__(self) -> str:
        return f"{self.voter_id} voted on {self.proposal_id}"


def random_ballot_id() -> int:
    """A secret ballot's id: random, so ids say nothing of the order ballots came in."""
    return secrets.randbelow(2**62) + 1


class SecretBallot(models.Model):
    """What was voted in a secret ballot, found only by the voter's receipt code (stored
    as its SHA-256). No voter, no time, a random id: nothing ties it to a Participation
    row, nor orders it among the others."""

    id = models.BigIntegerField(primary_key=True, default=random_ballot_id, editable=False)
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="secret_ballots")
    receipt_digest = models.CharField(max_length=64)
    choice = models.CharField(max_length=10, choices=BallotChoice.choices)
    answer = models.JSONField(null=True, blank=True)
    # A secret voter's reason lives with the ballot, never with their name.
    reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["receipt_digest"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "receipt_digest"], name="one_secret_ballot_per_receipt"
            ),
            models.CheckConstraint(condition=_KNOWN_CHOICE, name="secret_ballot_choice_known"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("reason"), 1000),
                name="secret_ballot_reason_at_most_1000",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_digest[:16]}: {self.choice}"


class CandidateStatement(models.Model):
    """What a candidate in an election says to the members, in their own words."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="statements")
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("statement"))
    written_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "candidate"], name="one_statement_per_candidate"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), 1000),
                name="statement_at_most_1000",
            ),
        ]

    def __str__(self) -> str:
        return f"statement of {self.candidate} on {self.proposal}"
