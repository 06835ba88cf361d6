"""Places, not coordinates: the geocoder interface with the local gazetteer and with a
real geopy client against a Nominatim-shaped server on this machine, and posting a task
by address inside (and outside) the co-op's service area."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from commonwork.core.errors import DomainError
from commonwork.governance.actions.parameters import set_parameter
from commonwork.governance.parameters import read_parameter
from commonwork.work import places
from commonwork.work.places import Gazetteer, GeopyGeocoder, Place

BERLIN = Gazetteer.from_file(places.DEFAULT_GAZETTEER)


def test_an_address_is_found_whatever_its_accents_case_or_alias() -> None:
    assert BERLIN.search("alexanderplatz")[0].label.startswith("Alexanderplatz")
    # ß is ss, umlauts fold, words may come in any order.
    assert BERLIN.search("Eisenbahnstrasse 42")[0].label.startswith("Markthalle Neun")
    assert BERLIN.search("schonhauser")[0].label.startswith("Schönhauser Allee")
    assert BERLIN.search("Kreuzberg kotti")[0].label.startswith("Kottbusser Tor")
    assert BERLIN.search("亚历山大广场")[0].label.startswith("Alexanderplatz")
    assert BERLIN.search("Hauptbahnhof")[0] == Place(
        "Berlin Hauptbahnhof, Europaplatz 1, 10557 Berlin-Moabit", 52.5251, 13.3694
    )


def test_nothing_is_found_for_an_unknown_place_or_an_empty_query() -> None:
    assert BERLIN.search("Sydney Opera House") == []
    assert BERLIN.search("   ") == []
    assert len(BERLIN.search("Berlin", limit=3)) == 3


def test_a_pin_is_named_only_when_it_lies_near_a_known_place() -> None:
    named = BERLIN.reverse(52.5221, 13.4130)  # a few metres from Alexanderplatz
    assert named is not None
    assert named.label.startswith("Alexanderplatz")
    assert BERLIN.reverse(52.45, 13.30) is None  # a field in the south-west


def test_a_geocoder_url_names_its_kind_and_scheme() -> None:
    for wrong in ("https://nominatim.example.org", "google+https://x", "nominatim+ftp://x"):
        with pytest.raises(ValueError, match="COMMONWORK_GEOCODER_URL"):
            GeopyGeocoder(wrong, user_agent="test")


class _Nominatim(BaseHTTPRequestHandler):
    """Answers /search and /reverse the way a Nominatim server does (jsonv2)."""

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if url.path == "/search":
            found = (
                []
                if "nowhere" in query["q"][0]
                else [
                    {"lat": "52.5219", "lon": "13.4132", "display_name": "Alexanderplatz, Berlin"}
                ]
            )
            body: Any = found
        elif url.path == "/reverse":
            body = {"lat": query["lat"][0], "lon": query["lon"][0], "display_name": "Somewhere"}
        else:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def nominatim() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Nominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"nominatim+http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_geopy_asks_the_configured_server(nominatim: str) -> None:
    geocoder = GeopyGeocoder(nominatim, user_agent="commonwork-test")
    assert geocoder.search("Alexanderplatz") == [Place("Alexanderplatz, Berlin", 52.5219, 13.4132)]
    assert geocoder.search("nowhere at all") == []
    assert geocoder.reverse(52.5, 13.4) == Place("Somewhere", 52.5, 13.4)


def test_a_server_that_does_not_answer_is_said_so() -> None:
    geocoder = GeopyGeocoder("nominatim+http://127.0.0.1:9", user_agent="t")  # discard port
    with pytest.raises(places.GeocoderUnavailableError):
        geocoder.search("Alexanderplatz")


# --- posting by address -----------------------------------------------------------------


@pytest.fixture
def service_area(alice: Any) -> None:
    for name, value in {
        "service_area_lat": "52.5163",
        "service_area_lon": "13.4010",
        "service_area_radius_km": "15",
    }.items():
        set_parameter(actor=alice, name=name, value=value, reason="Berlin.")


def test_a_task_posted_by_address_stores_the_place_found(make_task: Any) -> None:
    task = make_task(
        pickup=None, dropoff=None, pickup_address="Markthalle Neun", dropoff_address="Mauerpark"
    )
    assert task.pickup_address == "Markthalle Neun, Eisenbahnstraße 42, 10997 Berlin-Kreuzberg"
    assert (task.pickup_lat, task.pickup_lon) == (52.5020, 13.4318)
    assert (task.dropoff_lat, task.dropoff_lon) == (52.5430, 13.4020)
    assert task.distance_km == pytest.approx(5.0, abs=0.2)
    assert len(task.recipient_code) == 4
    assert task.recipient_code.isdigit()


def test_a_pin_wins_over_the_address_typed_beside_it(make_task: Any) -> None:
    task = make_task(pickup=(52.5100, 13.4000), pickup_address="my back yard")
    assert (task.pickup_lat, task.pickup_lon) == (52.5100, 13.4000)
    assert task.pickup_address == "my back yard"


def test_an_unknown_address_names_the_field_and_posts_nothing(make_task: Any) -> None:
    from commonwork.work.models import Task

    with pytest.raises(DomainError) as refused:
        make_task(pickup=None, pickup_address="Nowhere Lane 99")
    assert refused.value.code == "unknown_address"
    assert refused.value.field == "pickup_address"
    assert "Nowhere Lane 99" in refused.value.message
    with pytest.raises(DomainError) as too_long:
        make_task(pickup=None, pickup_address="x" * 201)
    assert too_long.value.field == "pickup_address"
    assert "200" in too_long.value.message
    assert not Task.objects.exists()


def test_the_service_area_bounds_what_is_posted_by_address(
    make_task: Any, service_area: None
) -> None:
    radius = float(read_parameter("service_area_radius_km"))
    assert radius == 15
    inside = make_task(pickup=None, pickup_address="Ostkreuz", dropoff=None, dropoff_address="Zoo")
    assert inside.pickup_address.startswith("Ostkreuz")
    with pytest.raises(DomainError) as outside:
        make_task(pickup=(52.40, 13.05), dropoff_address="Zoo", dropoff=None)  # Potsdam
    assert outside.value.field == "pickup_lat"
    assert "15 km" in outside.value.message


def test_a_remote_task_takes_no_address(make_task: Any) -> None:
    with pytest.raises(DomainError) as refused:
        make_task(kind="remote", pickup=None, dropoff=None, pickup_address="Alexanderplatz")
    assert refused.value.field == "kind"


def test_the_maps_centre_is_in_decimal_degrees(
    client: Any, project: Any, service_area: None
) -> None:
    from tests.conftest import log_in

    assert log_in(client, "dan")
    page = client.get("/client/").content.decode()
    assert 'data-centre="52.516300,13.401000"' in page
