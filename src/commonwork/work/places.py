"""Places, not coordinates: turning an address into a point and back.

One interface, `Geocoder`, with two implementations:
- `Gazetteer`, a list of named places in a JSON file shipped with the project (the demo
  city's, by default). Tests and the demo use it, so nothing calls the internet.
- `GeopyGeocoder`, geopy's client for a Nominatim or Photon server the operator runs or
  chooses (``COMMONWORK_GEOCODER_URL``, e.g. ``nominatim+https://nominatim.example.org``).

This module is plain Python; `geocoder()` reads the settings once.
"""

from __future__ import annotations

import functools
import json
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

DEFAULT_GAZETTEER = Path(__file__).with_name("gazetteer") / "berlin.json"
# A reverse lookup names a place only if the point lies this close to it.
REVERSE_WITHIN_KM = 0.3


@dataclass(frozen=True)
class Place:
    label: str
    lat: float
    lon: float


class Geocoder(Protocol):
    def search(self, query: str, *, limit: int = 5) -> list[Place]:
        """Places matching `query`, best first (empty when none)."""
        ...

    def reverse(self, lat: float, lon: float) -> Place | None:
        """The named place at or near the point, if there is one."""
        ...


class GeocoderUnavailableError(Exception):
    """The configured geocoding server did not answer."""


def _fold(text: str) -> str:
    """Lower case without accents or punctuation, ß as ss: 'Straße' finds 'strasse'."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    kept = (c if c.isalnum() else " " for c in text if not unicodedata.combining(c))
    return " ".join("".join(kept).split())


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (the same formula as work.pricing)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class _Entry:
    place: Place
    names: tuple[str, ...]  # folded label and aliases


class Gazetteer:
    """Named places from a JSON file: {"places": [{"label", "lat", "lon", "aliases"}]}."""

    def __init__(self, entries: list[tuple[Place, list[str]]]) -> None:
        self._entries = [
            _Entry(place, tuple(_fold(n) for n in [place.label, *aliases]))
            for place, aliases in entries
        ]

    @classmethod
    def from_file(cls, path: Path) -> Gazetteer:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            [
                (
                    Place(str(p["label"]), float(p["lat"]), float(p["lon"])),
                    [str(a) for a in p.get("aliases", [])],
                )
                for p in data["places"]
            ]
        )

    def search(self, query: str, *, limit: int = 5) -> list[Place]:
        """Every word of the query must appear in a place's label or aliases; a name that
        starts with the query ranks first, then shorter labels."""
        words = _fold(query).split()
        if not words:
            return []
        phrase = " ".join(words)
        scored: list[tuple[int, int, Place]] = []
        for entry in self._entries:
            everything = " ".join(entry.names)
            if all(word in everything for word in words):
                rank = 0 if any(name.startswith(phrase) for name in entry.names) else 1
                scored.append((rank, len(entry.place.label), entry.place))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [place for _rank, _length, place in scored[:limit]]

    def places(self) -> list[Place]:
        return [entry.place for entry in self._entries]

    def reverse(self, lat: float, lon: float) -> Place | None:
        if not self._entries:
            return None
        nearest = min(self._entries, key=lambda e: distance_km(lat, lon, e.place.lat, e.place.lon))
        if distance_km(lat, lon, nearest.place.lat, nearest.place.lon) > REVERSE_WITHIN_KM:
            return None
        return nearest.place


class GeopyGeocoder:
    """A Nominatim or Photon server through geopy. `url` is ``kind+scheme://host/path``."""

    def __init__(self, url: str, *, user_agent: str, timeout: float = 5.0) -> None:
        from geopy.geocoders import Nominatim, Photon  # only when configured

        kind, _plus, address = url.partition("+")
        scheme, _sep, rest = address.partition("://")
        if kind not in ("nominatim", "photon") or scheme not in ("http", "https") or not rest:
            raise ValueError(
                "COMMONWORK_GEOCODER_URL is nominatim+https://host or photon+https://host."
            )
        client = Nominatim if kind == "nominatim" else Photon
        self._client = client(
            domain=rest.rstrip("/"), scheme=scheme, user_agent=user_agent, timeout=timeout
        )

    def search(self, query: str, *, limit: int = 5) -> list[Place]:
        from geopy.exc import GeopyError

        if not query.strip():
            return []
        try:
            found = self._client.geocode(query, exactly_one=False, limit=limit)
        except GeopyError as error:
            raise GeocoderUnavailableError(str(error)) from error
        return [Place(str(loc.address), loc.latitude, loc.longitude) for loc in found or []]

    def reverse(self, lat: float, lon: float) -> Place | None:
        from geopy.exc import GeopyError

        try:
            found = self._client.reverse((lat, lon), exactly_one=True)
        except GeopyError as error:
            raise GeocoderUnavailableError(str(error)) from error
        return None if found is None else Place(str(found.address), lat, lon)


@functools.cache
def geocoder() -> Geocoder:
    """The geocoder the settings name: a server when COMMONWORK_GEOCODER_URL is set, else
    the gazetteer file (COMMONWORK_GAZETTEER, the demo city's by default)."""
    from django.conf import settings

    url = getattr(settings, "COMMONWORK_GEOCODER_URL", "")
    if url:
        return GeopyGeocoder(url, user_agent="commonwork")
    path = getattr(settings, "COMMONWORK_GAZETTEER", "") or DEFAULT_GAZETTEER
    return Gazetteer.from_file(Path(path))


def format_point(lat: float, lon: float) -> str:
    return f"{lat:.5f}, {lon:.5f}"
