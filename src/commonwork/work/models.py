from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from commonwork.work.lifecycle import TaskStatus

# Statuses in which a task has a worker attached, and those in which it must not.
_WITH_WORKER = [
    TaskStatus.ACCEPTED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.DELIVERED,
    TaskStatus.DISPUTED,
    TaskStatus.COMPLETED,
]
_WITHOUT_WORKER = [TaskStatus.DRAFT, TaskStatus.OPEN, TaskStatus.OFFERED]


class Tariff(models.Model):
    """A published price list. Publishing a new one never changes the old rows."""

    name = models.CharField(_("name"), max_length=80)
    base_minor = models.PositiveIntegerField(_("base price"))
    per_km_minor = models.PositiveIntegerField(_("price per km"))
    per_minute_minor = models.PositiveIntegerField(_("price per minute"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    """A client's piece of work with a stated purpose and outcome, visible to its workers."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=120)
    purpose = models.TextField(_("purpose"))
    outcome = models.TextField(_("outcome"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class TaskKind(models.TextChoices):
    REMOTE = "remote", _("remote")
    LOCATED = "located", _("located")


class Task(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=TaskKind.choices)
    region = models.CharField(_("region"), max_length=40, blank=True, default="")
    pickup_lat = models.FloatField(null=True, blank=True)
    pickup_lon = models.FloatField(null=True, blank=True)
    dropoff_lat = models.FloatField(null=True, blank=True)
    dropoff_lon = models.FloatField(null=True, blank=True)
    # What the client typed or the geocoder named (work.places); the point is what counts.
    pickup_address = models.CharField(_("pickup address"), max_length=200, blank=True, default="")
    dropoff_address = models.CharField(
        _("drop-off address"), max_length=200, blank=True, default=""
    )
    # The code the client passes to the recipient, who tells it to the worker at the door:
    # one way to prove a delivery (the other is a photo, DeliveryProof).
    recipient_code = models.CharField(max_length=6, blank=True, default="")
    distance_km = models.FloatField(default=0)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"))
    deadline = models.DateTimeField(_("deadline"))
    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="+")
    price_minor = models.PositiveIntegerField(_("price"))
    # Set when a linked co-op does the task for us: what we agreed to pay it, its share of
    # the price in the books whatever the rates are when the task completes.
    partner_price_minor = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=[(s.value, s.value) for s in TaskStatus],
        default=TaskStatus.DRAFT,
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tasks",
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # On-task time for the pay floor: from the first start to the last delivery.
    started_at = models.DateTimeField(null=True, blank=True)
    # The worker's steps on the road between start and delivery (shown to the client).
    arrived_at = models.DateTimeField(null=True, blank=True)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["worker", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind=TaskKind.REMOTE,
                    pickup_lat__isnull=True,
                    pickup_lon__isnull=True,
                    dropoff_lat__isnull=True,
                    dropoff_lon__isnull=True,
                )
                | Q(
                    kind=TaskKind.LOCATED,
                    pickup_lat__gte=-90,
                    pickup_lat__lte=90,
                    dropoff_lat__gte=-90,
                    dropoff_lat__lte=90,
                    pickup_lon__gte=-180,
                    pickup_lon__lte=180,
                    dropoff_lon__gte=-180,
                    dropoff_lon__lte=180,
                ),
                name="task_coordinates_match_kind",
            ),
            models.CheckConstraint(
                condition=Q(status__in=_WITH_WORKER, worker__isnull=False)
                | Q(status__in=_WITHOUT_WORKER, worker__isnull=True)
                | Q(status=TaskStatus.CANCELLED),
                name="task_worker_matches_status",
            ),
            models.CheckConstraint(condition=Q(estimated_minutes__gte=1), name="task_takes_time"),
            # The limits the forms and actions say, kept by the database too.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), 2000),
                name="task_description_at_most_2000",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProofKind(models.TextChoices):
    PHOTO = "photo", _("a photo")
    CODE = "code", _("the recipient's code")


class DeliveryProof(models.Model):
    """How a worker showed a located task was delivered: a photo (sealed with the
    worker's key, deleted after the governed `proof_retention_days`) or the recipient's
    code (only that it matched is kept)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="proofs")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=6, choices=ProofKind.choices)
    sealed_photo = models.BinaryField(null=True, blank=True)
    content_type = models.CharField(max_length=40, blank=True, default="")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="photo", sealed_photo__isnull=False) | Q(kind="code"),
                name="proof_photo_has_photo",
            ),
        ]

    def __str__(self) -> str:
        return f"proof ({self.kind}) for {self.task}"


class PushSubscription(models.Model):
    """Where to send a worker's offers by Web Push (the browser's endpoint and keys)."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"push for {self.worker}"


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    EXPIRED = "expired", _("expired")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Offer(models.Model):
    """A task offered to one worker. Declining or letting it expire costs them nothing."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="offers")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="offers"
    )
    status = models.CharField(
        max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-offered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(status="pending"), name="offer_one_pending_per_task"
            ),
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(status="pending"),
                name="offer_one_pending_per_worker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} → {self.worker} ({self.status})"


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")


class DisputeOutcome(models.TextChoices):
    PAY = "pay", _("the work stands and is paid")
    REDO = "redo", _("the worker redoes the work")
    CANCEL = "cancel", _("the task is cancelled")


class Dispute(models.Model):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="disputes")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    opened_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    outcome = models.CharField(max_length=10, choices=DisputeOutcome.choices, blank=True)
    resolution_note = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=Q(status="open"), name="dispute_one_open_per_task"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("reason"), 2000),
                name="dispute_reason_at_most_2000",
            ),
        ]

    def __str__(self) -> str:
        return f"dispute on {self.task}"


class AvailabilityPeriod(models.Model):
    """A stretch of time a worker said they were available. Only the worker opens or ends it."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="availability_periods"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # The end the worker set (or the governed default); it ends by itself then.
    planned_end = models.DateTimeField(null=True, blank=True)
    # The last sign of the worker being there: the start, a location, a task step, a tap
    # on "still here". After the governed time without one, availability ends by itself.
    last_active_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(ended_at__isnull=True),
                name="availability_one_open_period",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="availability_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} from {self.started_at}"


class LocationPing(models.Model):
    """Where a worker's phone said they were, sent only while they are available.

    Personal data (a location trace): sealed with the worker's own key (vault.keys), so
    erasure makes it unreadable; kept only `location_retention_days` (governed) and read
    only for dispatch while the worker is available. Read it with `vault.location.point`.
    """

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="location_pings"
    )
    sealed = models.BinaryField(help_text='"lat,lon", sealed with the worker\'s key.')
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["worker", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.worker} at {self.recorded_at}"


class WorkerPreferences(models.Model):
    """The worker's own limits, which dispatch must respect as hard constraints."""

    worker = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_preferences"
    )
    max_distance_km = models.FloatField(
        _("furthest pickup I will go to (km)"), null=True, blank=True
    )
    kinds = models.JSONField(_("kinds of task I take"), default=list, blank=True)
    areas = models.JSONField(
        _("areas I work in"),
        default=list,
        blank=True,
        help_text="Bounding boxes [south, west, north, east]; empty means anywhere.",
    )
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(max_distance_km__isnull=True) | Q(max_distance_km__gt=0),
                name="preferences_positive_distance",
            ),
        ]

    def __str__(self) -> str:
        return f"preferences of {self.worker}"
