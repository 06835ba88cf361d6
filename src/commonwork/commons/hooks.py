"""What the commons lets higher layers act on (see core.hooks)."""

from __future__ import annotations

from dataclasses import dataclass

from commonwork.commons.models import Release
from commonwork.core.hooks import Hook


@dataclass(frozen=True)
class ReleasePublished:
    """A release was published (in its transaction): federation announces it to the
    linked co-ops."""

    release: Release


release_published: Hook[ReleasePublished] = Hook("commons.release_published")
