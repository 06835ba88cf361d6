"""What the pages' maps need to know: the tile server, the service area, the task's
points with their pins. Plain data for the templates and static/js/map.js."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext, pgettext

from commonwork.governance.parameters import read_parameter
from commonwork.work.models import Task
from commonwork.work.places import Gazetteer, format_point, geocoder


def landmarks() -> list[dict[str, Any]]:
    """Without tiles, the gazetteer's places drawn faintly on the plain background, so a
    pin has something to be near (short names only: the part before the first comma)."""
    if settings.COMMONWORK_MAP_TILES:
        return []
    gazetteer = geocoder()
    if not isinstance(gazetteer, Gazetteer):
        return []
    return [
        {"name": place.label.split(",")[0], "lat": place.lat, "lon": place.lon}
        for place in gazetteer.places()
    ]


def map_settings() -> dict[str, Any]:
    """The tile server (none: a plain background) and the governed service area."""
    return {
        "landmarks": landmarks(),
        "words": {"zoom_in": gettext("Zoom in"), "zoom_out": gettext("Zoom out")},
        "tiles": settings.COMMONWORK_MAP_TILES,
        "attribution": settings.COMMONWORK_MAP_ATTRIBUTION,
        # Decimal degrees: the registry holds exact fractions (525163/10000).
        "centre": f"{float(read_parameter('service_area_lat')):.6f},"
        f"{float(read_parameter('service_area_lon')):.6f}",
        "radius_km": f"{float(read_parameter('service_area_radius_km')):g}",
    }


def pin_letters() -> dict[str, str]:
    return {
        "pickup": pgettext("map pin on a pickup", "A"),
        "dropoff": pgettext("map pin on a drop-off", "B"),
        "worker": pgettext("map pin on the worker", "W"),
    }


def task_points(task: Task, worker_at: tuple[float, float] | None) -> list[dict[str, Any]]:
    """The task's pins: pickup, drop-off, and the worker when their position may be shown."""
    if task.pickup_lat is None or task.pickup_lon is None:
        return []
    letters = pin_letters()
    points = [
        {
            "kind": "pickup",
            "letter": letters["pickup"],
            "lat": task.pickup_lat,
            "lon": task.pickup_lon,
            "label": task.pickup_address or format_point(task.pickup_lat, task.pickup_lon),
        },
    ]
    if task.dropoff_lat is not None and task.dropoff_lon is not None:
        points.append(
            {
                "kind": "dropoff",
                "letter": letters["dropoff"],
                "lat": task.dropoff_lat,
                "lon": task.dropoff_lon,
                "label": task.dropoff_address or format_point(task.dropoff_lat, task.dropoff_lon),
            }
        )
    if worker_at is not None:
        points.append(
            {
                "kind": "worker",
                "letter": letters["worker"],
                "lat": worker_at[0],
                "lon": worker_at[1],
                "label": "",
            }
        )
    return points


def open_in_maps(lat: float | None, lon: float | None) -> dict[str, str] | None:
    """Links that open the point in the phone's map app (geo: URI, RFC 5870) or on OSM."""
    if lat is None or lon is None:
        return None
    query = urlencode({"mlat": f"{lat:.5f}", "mlon": f"{lon:.5f}"})
    osm = f"https://www.openstreetmap.org/?{query}"
    return {"geo": f"geo:{lat:.5f},{lon:.5f}", "osm": f"{osm}#map=17/{lat:.5f}/{lon:.5f}"}
