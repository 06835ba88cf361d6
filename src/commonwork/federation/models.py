"""Federation: this co-op's keys, the peers it links with, what it sends them (a queue per
peer, in order) and what it has received (each activity once)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LocalKey(models.Model):
    """The co-op's signing key pairs. The newest signs; the actor document lists only it,
    and a peer that fails to verify with a cached key fetches the actor again (rotation).
    The private key is sealed with the vault's master key."""

    created_at = models.DateTimeField()
    private_sealed = models.BinaryField()
    public_pem = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"key of {self.created_at:%Y-%m-%d}"


class PeerState(models.TextChoices):
    ASKED = "asked", _("we asked to link")
    PENDING = "pending", _("asks to link with us")
    LINKED = "linked", _("linked")
    REFUSED = "refused", _("refused")
    ENDED = "ended", _("ended")


class Peer(models.Model):
    """Another co-op's instance, found by WebFinger, and the state of the link with it."""

    actor_url = models.URLField(unique=True)
    handle = models.CharField(max_length=200, blank=True, default="")
    name = models.CharField(_("name"), max_length=120, blank=True, default="")
    inbox_url = models.URLField()
    state = models.CharField(max_length=10, choices=PeerState.choices)
    # The Follow that asked for the link (ours, or theirs): Accept and Undo refer to it.
    follow_id = models.URLField(blank=True, default="")
    # What the peer's NodeInfo says it offers (kinds of work, areas, languages).
    offers = models.JSONField(default=dict, blank=True)
    # The peer in this co-op's books: the client of the work it sends us, the one paid for
    # the work we send it (an account, never a member).
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Learned: the peer refused RFC 9421 and took the older draft signature.
    prefers_draft = models.BooleanField(default=False)
    unreachable_since = models.DateTimeField(null=True, blank=True)
    last_delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    # The members' vote on a request to link, where the bylaws give the decision to them.
    vote = models.ForeignKey(
        "governance.Proposal", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or self.handle or self.actor_url


class PeerKey(models.Model):
    """A peer's public key, fetched from its actor document and cached."""

    key_id = models.URLField(unique=True)
    actor_url = models.URLField()
    public_pem = models.TextField()
    fetched_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key_id


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("waiting")
    DELIVERED = "delivered", _("delivered")
    REFUSED = "refused", _("refused by the peer")


class Outgoing(models.Model):
    """An activity for one peer. Each peer's queue is delivered in order (`seq`): the next
    waits until the one before it is delivered or refused."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="outgoing")
    seq = models.PositiveIntegerField()
    activity_id = models.URLField()
    activity = models.JSONField()
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["peer", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "seq"], name="outgoing_seq_per_peer"),
            models.UniqueConstraint(fields=["peer", "activity_id"], name="outgoing_once"),
        ]

    def __str__(self) -> str:
        return f"{self.peer_id}#{self.seq} {self.activity_id}"


class Incoming(models.Model):
    """An activity received: each id once, whatever the retries."""

    activity_id = models.URLField(unique=True)
    actor_url = models.URLField()
    kind = models.CharField(max_length=40)
    activity = models.JSONField()
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=300, blank=True, default="")

    def __str__(self) -> str:
        return self.activity_id


class SeenSignature(models.Model):
    """A signature already accepted: the same one again is a replay. Kept for twice the
    clock-skew window, after which its time alone refuses it."""

    digest = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.digest


class Refusal(models.Model):
    """A request refused, with why: what stewards read when a peer cannot reach us."""

    at = models.DateTimeField()
    reason = models.CharField(max_length=300)
    key_id = models.CharField(max_length=300, blank=True, default="")
    path = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.reason


class OverflowState(models.TextChoices):
    OFFERED = "offered", _("offered to linked co-ops")
    AGREED = "agreed", _("taken by a linked co-op")
    DONE = "done", _("done")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Overflow(models.Model):
    """A task of ours offered to linked co-ops (a Proposal), and the one that took it."""

    task = models.OneToOneField("work.Task", on_delete=models.PROTECT, related_name="+")
    proposal_id = models.URLField(unique=True)
    price_minor = models.PositiveIntegerField()  # what we pay the co-op that does it
    currency = models.CharField(max_length=3)
    state = models.CharField(max_length=10, choices=OverflowState.choices)
    peer = models.ForeignKey(
        Peer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement_id = models.URLField(blank=True, default="")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.proposal_id


class MirrorState(models.TextChoices):
    PROPOSED = "proposed", _("asked of us")
    OFFERED = "offered", _("we offered to do it")
    ACCEPTED = "accepted", _("ours to do")
    DONE = "done", _("done")
    DECLINED = "declined", _("gone to another co-op")


class Mirror(models.Model):
    """A linked co-op's request for a service, and the task here that does it."""

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="mirrors")
    proposal_id = models.URLField(unique=True)
    proposal = models.JSONField()
    agreement_id = models.URLField(blank=True, default="")
    offer_id = models.URLField(blank=True, default="")
    state = models.CharField(max_length=10, choices=MirrorState.choices)
    task = models.OneToOneField(
        "work.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.proposal_id


class PeerRelease(models.Model):
    """A linked co-op's published statistic, as it announced it: its noisy figures with
    their intervals and the privacy it spent, never anything about its members."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="releases")
    url = models.URLField(unique=True)
    statistic = models.CharField(max_length=40)
    period_start = models.DateField()
    period_end = models.DateField()
    epsilon = models.FloatField()
    figures = models.JSONField()
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["statistic", "-period_end", "peer"]

    def __str__(self) -> str:
        return self.url
