"""Weather and air-quality alerts as dispatch reads them: the Common Alerting Protocol
(CAP 1.2, OASIS), the XML format national weather services publish their warnings in.
Pure: parsing a feed's text, a point-in-area test and the governed level's comparison.
Fetching a feed is the job's business (`dispatch.alerts`); a test passes fixtures.

An alert binds dispatch while it is in force (from its onset, or when it was sent, to its
expiry) for the points inside its areas (a circle "lat,lon radius_km" or a polygon of
"lat,lon" pairs), when its severity reaches the level the members set.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import defusedxml.ElementTree as SafeET

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
# CAP's severities, from least to most severe ("Unknown" ranks below everything).
SEVERITIES = ("Unknown", "Minor", "Moderate", "Severe", "Extreme")
EARTH_RADIUS_KM = 6371.0088


class AlertFeedError(ValueError):
    """A feed that is not CAP 1.2 or has an alert dispatch cannot place or date."""


@dataclass(frozen=True)
class Circle:
    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]  # (lat, lon), first == last


@dataclass(frozen=True)
class Alert:
    identifier: str
    event: str  # "Heat", "Thunderstorm", "Air quality"...
    severity: str  # one of SEVERITIES
    starts: datetime
    expires: datetime
    headline: str
    areas: tuple[Circle | Polygon, ...]

    def in_force(self, at: datetime) -> bool:
        return self.starts <= at < self.expires

    def covers(self, lat: float, lon: float) -> bool:
        return any(_inside(area, lat, lon) for area in self.areas)


def severity_reaches(severity: str, level: str) -> bool:
    """An alert at `level` or above binds; an unknown severity never does."""
    if severity not in SEVERITIES or severity == "Unknown":
        return False
    return SEVERITIES.index(severity) >= SEVERITIES.index(level)


def binding(
    alerts: Sequence[Alert], *, lat: float, lon: float, at: datetime, level: str
) -> Alert | None:
    """The most severe alert in force at this point and time that reaches the level."""
    hits = [
        alert
        for alert in alerts
        if alert.in_force(at) and severity_reaches(alert.severity, level) and alert.covers(lat, lon)
    ]
    return max(hits, key=lambda a: (SEVERITIES.index(a.severity), a.identifier), default=None)


def parse_cap(text: str | bytes) -> list[Alert]:
    """Every alert in a CAP 1.2 document: one `<alert>`, or a feed (Atom or anything else)
    that carries `<alert>` elements. Cancelled alerts and tests are left out."""
    try:
        root = SafeET.fromstring(text)
    except SafeET.ParseError as error:
        raise AlertFeedError(f"not XML: {error}") from error
    ns = {"cap": CAP_NAMESPACE}
    alerts = [root] if root.tag == f"{{{CAP_NAMESPACE}}}alert" else root.findall(".//cap:alert", ns)
    parsed = []
    for alert in alerts:
        status = alert.findtext("cap:status", "", ns)
        kind = alert.findtext("cap:msgType", "", ns)
        if status != "Actual" or kind == "Cancel":
            continue
        identifier = alert.findtext("cap:identifier", "", ns)
        sent = alert.findtext("cap:sent", "", ns)
        for info in alert.findall("cap:info", ns):
            parsed.append(_info(identifier, sent, info, ns))
    return parsed


def _info(identifier: str, sent: str, info: object, ns: dict[str, str]) -> Alert:
    find = info.findtext  # type: ignore[attr-defined]
    expires = find("cap:expires", "", ns)
    if not expires:
        raise AlertFeedError(f"alert {identifier!r} has no expiry")
    areas: list[Circle | Polygon] = []
    for area in info.findall("cap:area", ns):  # type: ignore[attr-defined]
        for circle in area.findall("cap:circle", ns):
            areas.append(_circle(circle.text or "", identifier))
        for polygon in area.findall("cap:polygon", ns):
            areas.append(_polygon(polygon.text or "", identifier))
    if not areas:
        raise AlertFeedError(f"alert {identifier!r} has no circle or polygon to place it")
    severity = find("cap:severity", "Unknown", ns)
    return Alert(
        identifier=identifier,
        event=find("cap:event", "", ns),
        severity=severity if severity in SEVERITIES else "Unknown",
        starts=_time(
            find("cap:onset", "", ns) or find("cap:effective", "", ns) or sent, identifier
        ),
        expires=_time(expires, identifier),
        headline=find("cap:headline", "", ns),
        areas=tuple(areas),
    )


def _time(value: str, identifier: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise AlertFeedError(f"alert {identifier!r}: bad time {value!r}") from error
    if moment.tzinfo is None:
        raise AlertFeedError(f"alert {identifier!r}: time {value!r} has no offset")
    return moment


def _pair(text: str, identifier: str) -> tuple[float, float]:
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError as error:
        raise AlertFeedError(f"alert {identifier!r}: bad point {text!r}") from error
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise AlertFeedError(f"alert {identifier!r}: point {text!r} is off the globe")
    return lat, lon


def _circle(text: str, identifier: str) -> Circle:
    try:
        centre, radius = text.split()
        lat, lon = _pair(centre, identifier)
        return Circle(lat, lon, float(radius))
    except ValueError as error:
        raise AlertFeedError(f"alert {identifier!r}: bad circle {text!r}") from error


def _polygon(text: str, identifier: str) -> Polygon:
    points = tuple(_pair(pair, identifier) for pair in text.split())
    if len(points) < 4 or points[0] != points[-1]:
        raise AlertFeedError(f"alert {identifier!r}: a polygon needs 4 points, closed")
    return Polygon(points)


def _inside(area: Circle | Polygon, lat: float, lon: float) -> bool:
    if isinstance(area, Circle):
        return _distance_km(area.lat, area.lon, lat, lon) <= area.radius_km
    # Ray casting on (lon, lat) as a plane: fine for the size of a city or a region.
    inside = False
    points = area.points
    for (lat1, lon1), (lat2, lon2) in itertools.pairwise(points):
        if (lat1 > lat) != (lat2 > lat):
            crossing = lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1)
            if lon < crossing:
                inside = not inside
    return inside


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
