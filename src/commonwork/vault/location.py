"""Location points sealed with the worker's own key: the one way to write and read them."""

from __future__ import annotations

from collections.abc import Sequence

from commonwork.vault import keys
from commonwork.vault.actions.keys import seal


def seal_point(worker_id: int, lat: float, lon: float) -> bytes:
    return seal(worker_id, f"{lat!r},{lon!r}")


def point(worker_id: int, sealed: bytes | memoryview | None) -> tuple[float, float] | None:
    """(lat, lon), or None once the worker's key is destroyed."""
    return points([(worker_id, sealed)])[0]


def points(
    sealed: Sequence[tuple[int, bytes | memoryview | None]],
) -> list[tuple[float, float] | None]:
    """Many (worker, sealed point) opened at once, in order (one query for the keys)."""
    opened: list[tuple[float, float] | None] = []
    for text in keys.unseal_all(sealed):
        if text is None:
            opened.append(None)
            continue
        lat, lon = text.split(",")
        opened.append((float(lat), float(lon)))
    return opened
