"""Where weather and air-quality alerts come from: a source behind one small interface.
In production the co-op names a CAP (Common Alerting Protocol) feed URL, its national
weather service's (COMMONWORK_WEATHER_FEED_URL); tests and the demo pass the XML itself.
The job reads the source every few minutes and stores what it finds (actions)."""

from __future__ import annotations

import urllib.request
from typing import Protocol

from django.conf import settings

from commonwork.dispatch import weather

FETCH_TIMEOUT_SECONDS = 20
LARGEST_FEED_BYTES = 5_000_000


class AlertSource(Protocol):
    name: str

    def read(self) -> list[weather.Alert]: ...


class CapFeed:
    """A CAP 1.2 feed over HTTP(S): one alert, or an Atom feed carrying alerts inline."""

    def __init__(self, url: str) -> None:
        if not url.startswith(("https://", "http://")):
            raise weather.AlertFeedError(f"not a web address: {url!r}")
        self.name = url

    def read(self) -> list[weather.Alert]:
        # http(s) only, checked when the source was made.
        request = urllib.request.Request(self.name, headers={"User-Agent": "Commonwork"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(LARGEST_FEED_BYTES + 1)
        if len(body) > LARGEST_FEED_BYTES:
            raise weather.AlertFeedError("the feed is larger than 5 MB")
        return weather.parse_cap(body)


class CapDocument:
    """CAP XML already in hand (a fixture, the demo, an upload)."""

    def __init__(self, text: str | bytes, name: str = "document") -> None:
        self.text, self.name = text, name

    def read(self) -> list[weather.Alert]:
        return weather.parse_cap(self.text)


def configured_source() -> AlertSource | None:
    url = getattr(settings, "WEATHER_FEED_URL", "")
    return CapFeed(url) if url else None
