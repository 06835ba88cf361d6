"""Reading what platforms hand their workers: every supported format from its synthetic
fixture (src/commonwork/platformdata/samples), by column names not positions; false `Z`s,
repeated headers, rejected rows with their line and reason; and the figures against the
synthetic export's true values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bench.platformdata import import_files, synthetic_uber
from hypothesis import given, settings
from hypothesis import strategies as st

from commonwork.platformdata import figures, readers
from commonwork.platformdata.records import Imported

SAMPLES = Path(readers.__file__).parent / "samples"
BERLIN = ZoneInfo("Europe/Berlin")


def _read(*names: str) -> Imported:
    out = Imported()
    for name in names:
        path = SAMPLES / name
        out.extend(readers.read_file(path.name, path.read_bytes(), default_zone="Europe/Berlin"))
    return out


def test_the_subject_access_export_reads_local_times_in_the_rows_zone() -> None:
    data = _read("uber-sar/01 - Driver Lifetime Trips.csv")
    first = data.trips.iloc[0]
    # Written "2026-03-02T16:21:17.000Z" with timezone Europe/Berlin: 16:21 in Berlin,
    # 15:21 in UTC (Berlin is an hour ahead in winter).
    assert first.ended_local == dt.datetime(2026, 3, 2, 16, 21, 17)  # noqa: DTZ001 - wall clock
    assert first.ended_at == dt.datetime(2026, 3, 2, 16, 21, 17, tzinfo=BERLIN).astimezone(
        dt.UTC
    ).replace(tzinfo=None)
    assert first.distance_km == pytest.approx(3.1730 * 1.609344)
    assert first.customer_paid_minor == 1075 + 200  # fare and booking fee
    assert first.worker_paid_minor == 919
    assert data.formats == {"01 - Driver Lifetime Trips.csv": "uber_trips"}


def test_a_repeated_header_is_passed_over_and_columns_are_found_by_name() -> None:
    path = SAMPLES / "uber-sar/02 - Driver Payments.csv"
    text = path.read_text()
    assert text.count("recognize_timestamp_local") == 2  # two exports glued together
    reordered = "\n".join(";".join(reversed(line.split(";"))) for line in text.splitlines())
    a = readers.read_file("a.csv", text.encode())
    b = readers.read_file("b.csv", reordered.encode())
    assert len(a.payments) == len(b.payments) == 110
    assert a.payments["amount_minor"].tolist() == b.payments["amount_minor"].tolist()
    assert a.rejections == b.rejections == []


@pytest.mark.parametrize(
    ("name", "fmt", "trips", "rejected"),
    [
        ("driver_lifetime_trips-0.csv", "uber_trips", 2, [(5, "not a time: 'not a time'")]),
        ("Eats Lifetime Trip Data.csv", "uber_trips", 2, []),
        (
            "upwork-transactions.csv",
            "upwork",
            2,
            [(7, "unknown transaction type 'refund request'")],
        ),
        ("argyle-activities.json", "argyle_json", 1, [(3, "an activity without income")]),
        ("manual-template.csv", "manual", 2, [(4, "ends before it starts")]),
    ],
)
def test_every_format_reads_and_reports_each_rejected_row(
    name: str, fmt: str, trips: int, rejected: list[tuple[int, str]]
) -> None:
    data = _read(name)
    assert data.formats == {name: fmt}
    assert len(data.trips) == trips
    assert [(r.file, r.line, r.reason) for r in data.rejections] == [
        (name, line, reason) for line, reason in rejected
    ]


def test_the_couriers_commission_rate_and_upworks_fees_give_the_take() -> None:
    eats = figures.report(_read("Eats Lifetime Trip Data.csv")).overall
    assert eats.platform_take_share == pytest.approx(0.3, abs=0.001)
    upwork = figures.report(_read("upwork-transactions.csv"), extra_hours=12).overall
    assert upwork.customers_paid_minor == 55_000
    assert upwork.platform_take_minor == 5_500  # the two service fees
    assert upwork.engaged_hours == pytest.approx(10 + 12)  # stated and given hours


def test_a_file_of_no_known_shape_says_what_was_expected() -> None:
    with pytest.raises(readers.UnknownFormatError) as refused:
        readers.read_file("notes.csv", b"colour,size\nred,3\n")
    message = str(refused.value)
    assert "notes.csv" in message
    assert "Upwork transactions" in message
    assert "Argyle" in message
    with pytest.raises(readers.UnknownFormatError):
        readers.read_file("broken.json", b"{not json")


def test_payments_link_to_trips_by_time_and_the_rest_is_reported() -> None:
    data = _read("driver_lifetime_trips-0.csv", "driver_payments-0.csv")
    report = figures.report(data)
    # Seven fare and commission rows: six at their trips' drop-off, one adjustment days
    # later belongs to no trip.
    assert report.payments_linked_share == pytest.approx(6 / 7)
    assert report.overall.tips_minor == 200


@pytest.mark.parametrize("seed", [21, 22])
def test_the_figures_match_the_synthetic_exports_truth(seed: int) -> None:
    files, truth = synthetic_uber(1_500, seed)
    got = import_files(files).overall
    assert got.trips == truth.trips
    assert got.customers_paid_minor == truth.customers_paid_minor
    assert got.worker_fares_minor == truth.worker_fares_minor
    assert got.platform_take_share == pytest.approx(truth.take_share, rel=0.005)
    assert got.platform_take_share is not None
    assert 0.22 < got.platform_take_share < 0.28  # "about 25 %"
    assert got.tips_minor == truth.tips_minor
    assert got.logged_in_hours == pytest.approx(truth.logged_in_hours, rel=0.005)
    assert got.engaged_hours == pytest.approx(truth.engaged_hours, rel=0.005)
    assert got.logged_in_hours is not None
    assert got.engaged_hours / got.logged_in_hours == pytest.approx(0.54, abs=0.03)
    assert got.distance_km == pytest.approx(truth.distance_km, rel=0.005)


def test_the_coops_rules_apply_to_the_same_trips_with_the_floor() -> None:
    data = _read(*(f"uber-sar/{p.name}" for p in (SAMPLES / "uber-sar").iterdir()))
    rules = figures.CoopRules("EUR", 300, 120, 20, 0.10, 0.02, 1_500)
    report = figures.report(data, rules=rules, cost_per_km={2026: 8}.get)
    o = report.overall
    assert o.penalties == 2
    assert o.coop_rules_applied
    # Each week at least the floor for every logged-in hour, plus the tips.
    for week in report.weeks:
        assert week.coop_pay_minor is not None
        assert week.coop_pay_minor >= round(1_500 * (week.logged_in_hours or 0)) + week.tips_minor
    assert o.vehicle_costs_minor == round(o.distance_km * 8)
    assert o.pay_per_logged_in_hour_minor == pytest.approx(
        (o.pay_minor - o.vehicle_costs_minor) / (o.logged_in_hours or 1)
    )
    other = figures.report(data, rules=figures.CoopRules("USD", 300, 120, 20, 0.1, 0.02, 1_500))
    assert other.overall.coop_pay_minor is None  # another currency: not compared


# --- the whole-column readers against the one-by-one rules they replace ----------------


def naive(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0):
    """A time without a zone: UTC, or a wall clock, as the test says."""
    return dt.datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - on purpose


ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Sydney"]


def _reference_utc(wall: dt.datetime, zone_name: str) -> dt.datetime:
    """What `zoneinfo` makes of a wall-clock time (fold 0: the first of a repeated hour,
    the offset before the change for a skipped one), in UTC, without its zone."""
    aware = wall.replace(tzinfo=ZoneInfo(zone_name))
    return aware.astimezone(dt.UTC).replace(tzinfo=None)


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.datetimes(min_value=naive(2000, 1, 1), max_value=naive(2035, 12, 31)),
            st.sampled_from(ZONES),
            st.sampled_from(["%Y-%m-%dT%H:%M:%S.000Z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_local_times_read_by_column_match_zoneinfo_one_by_one(rows) -> None:
    walls = [w.replace(microsecond=0) for w, _, _ in rows]
    cells = [w.strftime(fmt) for w, (_, _, fmt) in zip(walls, rows, strict=True)]
    wall, _, unread = readers.parse_times(readers.texts(cells))
    assert not unread.any()
    utc, unknown = readers.localize(
        wall, readers.zone_codes(readers.texts([z for _, z, _ in rows]))
    )
    assert not unknown.any()
    got = [t.astype("datetime64[us]").item() for t in utc]
    assert got == [_reference_utc(w, z) for w, (_, z, _) in zip(walls, rows, strict=True)]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-10-25T02:30:00.000Z", naive(2026, 10, 25, 0, 30)),  # twice: the first
        ("2026-03-29T02:30:00.000Z", naive(2026, 3, 29, 1, 30)),  # skipped
    ],
)
def test_the_hours_the_clocks_repeat_or_skip_are_read_as_zoneinfo_does(cell, expected) -> None:
    wall, _, _ = readers.parse_times(readers.texts([cell]))
    utc, _ = readers.localize(wall, readers.zone_codes(readers.texts(["Europe/Berlin"])))
    assert utc[0].astype("datetime64[us]").item() == expected


def _payments(*rows: str, header: str = "recognize_timestamp,timezone,classification,amount"):
    return readers.read_file("p.csv", "\n".join([header, *rows]).encode())


def test_times_with_their_own_offset_keep_it_where_the_row_names_no_zone() -> None:
    data = _payments(
        "2026-03-02 16:21:17 +0000 UTC,,transport.fare.base,2.50",
        "2026-03-02T16:21:17+02:00,,transport.fare.base,2.50",
        "Mar 2 2026 4:21pm,,transport.fare.base,2.50",  # no offset: the default zone, UTC
        "2026-03-02T16:21:17.000Z,Europe/Berlin,transport.fare.base,2.50",  # a false Z
    )
    assert data.rejections == []
    assert [t.to_pydatetime() for t in data.payments["at"]] == [
        naive(2026, 3, 2, 16, 21, 17),
        naive(2026, 3, 2, 14, 21, 17),
        naive(2026, 3, 2, 16, 21),
        naive(2026, 3, 2, 15, 21, 17),
    ]
    # The week and year are the wall clock's as written.
    assert data.payments["at_local"].iloc[1].to_pydatetime() == naive(2026, 3, 2, 16, 21, 17)


def test_amounts_as_spreadsheets_write_them_are_read_to_the_cent() -> None:
    data = _payments(
        '2026-03-02T10:00:00Z,,transport.fare.base,"1,234.50"',
        "2026-03-02T10:00:00Z,,transport.fare.base,(12.00)",
        "2026-03-02T10:00:00Z,,transport.fare.base,€3.10",
        "2026-03-02T10:00:00Z,,transport.fare.base,0.125",  # half a cent: to the even cent
        "2026-03-02T10:00:00Z,,transport.fare.base,0.135",
        "2026-03-02T10:00:00Z,,transport.fare.base, 7.05 ",
    )
    assert data.rejections == []
    assert data.payments["amount_minor"].tolist() == [123_450, -1_200, 310, 12, 14, 705]


def test_bad_cells_are_rejected_with_their_line_and_value_and_the_rest_is_read() -> None:
    data = _payments(
        "2026-03-02T10:00:00Z,Mars/Olympus,transport.fare.base,2.50",
        "2026-03-02T10:00:00Z,,transport.fare.base,lots",
        "2026-03-02T10:00:00Z,,,2.50",
        "yesterday-ish,,transport.fare.base,2.50",
        "2026-03-02T10:00:00Z,,transport.fare.base,nan",
        ",,transport.fare.base,2.50",
        "2026-03-02T10:00:00Z,,transport.misc.tip,1.00",
    )
    assert [(r.line, r.message, r.params) for r in data.rejections] == [
        (2, "unknown time zone %(value)s", {"value": "'Mars/Olympus'"}),
        (3, "the amount is not a number: %(value)s", {"value": "'lots'"}),
        (4, "a payment without a classification", {}),
        (5, "not a time: %(value)s", {"value": "'yesterday-ish'"}),
        (6, "the amount is not a number: %(value)s", {"value": "'nan'"}),
        (7, "a payment without its time", {}),
    ]
    assert data.payments["amount_minor"].tolist() == [100]
    assert data.rows_read == 7


def test_blank_rows_long_rows_and_cells_over_several_lines_keep_every_line_number() -> None:
    data = _payments(
        "2026-03-02T10:00:00Z,,transport.fare.base,2.50",
        "",
        ",,,",
        '2026-03-02T10:00:00Z,,"transport.fare.base',  # a quoted cell over two lines
        'second line",oops',
        "2026-03-02T10:00:00Z,,transport.fare.base,2.50,an extra cell",
        "recognize_timestamp,timezone,classification,amount",  # glued exports
        "2026-03-02T10:00:00Z,,transport.fare.base,x",
    )
    assert [(r.line, r.reason) for r in data.rejections] == [
        (5, "the amount is not a number: 'oops'"),
        (9, "the amount is not a number: 'x'"),
    ]
    assert data.payments["line"].tolist() == [2, 7]


@pytest.mark.parametrize("content", [b"", b"\n\n", b"just one column\nhello\n", b";;;\n"])
def test_an_empty_or_shapeless_file_is_refused_with_a_reason(content: bytes) -> None:
    with pytest.raises(readers.UnknownFormatError) as refused:
        readers.read_file("x.csv", content)
    assert "x.csv" in str(refused.value)
    assert refused.value.params["file"] == "x.csv"
