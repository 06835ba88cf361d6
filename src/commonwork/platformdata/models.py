"""A member's import of what another platform holds on them: the files, sealed with
their key only as long as the governed retention allows, and the figures read from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UploadStatus(models.TextChoices):
    RECEIVED = "received", _("being read")
    READ = "read", _("read")
    FAILED = "failed", _("could not be read")


class Upload(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="platform_uploads"
    )
    received_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=UploadStatus.choices, default=UploadStatus.RECEIVED
    )
    file_names = models.JSONField(default=list)
    sealed_files = models.BinaryField(
        null=True, blank=True, help_text="The files as a zip, sealed with the member's key."
    )
    files_deleted_at = models.DateTimeField(null=True, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="For the vehicle cost table.")
    vehicle = models.CharField(max_length=20, blank=True)
    fixed_hours = models.FloatField(
        default=0.0, help_text="Hours the member gave for fixed-price work."
    )
    report = models.JSONField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} of member {self.member_id} ({self.status})"
