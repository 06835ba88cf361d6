"""Location points sealed with the worker's own key: the one way to write and read them."""

from __future__ import annotations

from commonwork.vault import keys


def seal_point(worker_id: int, lat: float, lon: float) -> bytes:
    return keys.seal(worker_id, f"{lat!r},{lon!r}")


def point(worker_id: int, sealed: bytes | memoryview | None) -> tuple[float, float] | None:
    """(lat, lon), or None once the worker's key is destroyed."""
    text = keys.unseal(worker_id, sealed)
    if text is None:
        return None
    lat, lon = text.split(",")
    return float(lat), float(lon)
