"""Importing a worker's platform data: accuracy and speed on a synthetic Uber export.

`synthetic_uber(trips, seed)` writes the files of Uber's subject-access export with the
same shape and relations as a real one — `;`-delimited, `*_local` times carrying a false
`Z` (the wall-clock time in the row's own zone), a header repeated mid-file where two
exports were glued, no trip id (payments recognised a few minutes after the drop-off),
online sessions of waiting, driving to the pick-up and the trip — and the true figures
the import must find: the platform's take about 25 %, the engaged share of logged-in time
about 54 %.

    python -m bench.platformdata          accuracy and the import's speed
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np

from bench.run import Measurement, compare
from commonwork.platformdata import figures, readers
from commonwork.platformdata.records import Imported

ZONE = "Europe/Berlin"
MILES_PER_KM = 1 / 1.609344


@dataclass(frozen=True)
class Truth:
    trips: int
    customers_paid_minor: int
    worker_fares_minor: int
    take_share: float
    tips_minor: int
    logged_in_hours: float
    engaged_hours: float
    distance_km: float


def _local(moment: dt.datetime) -> str:
    """How the export writes a local time: the wall clock, then a false `Z`."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def synthetic_uber(trips: int, seed: int) -> tuple[dict[str, bytes], Truth]:
    rng = np.random.default_rng(seed)
    where = ZoneInfo(ZONE)
    moment = dt.datetime(2026, 3, 2, 7, 0, tzinfo=where)  # a Monday, before the clocks change
    trip_rows, pay_rows, online_rows = [], [], []
    customers = worker = tips = 0
    logged = engaged = km_total = 0.0
    shift_left = 0.0
    for _ in range(trips):
        if shift_left <= 0:  # a new shift: the next morning or evening
            moment = moment + dt.timedelta(hours=float(rng.uniform(8, 14)))
            shift_left = float(rng.uniform(4, 9)) * 3600
        wait = float(rng.exponential(19 * 60))
        pickup = float(rng.uniform(3, 9) * 60)
        ride = float(rng.uniform(8, 25) * 60)
        km = ride / 3600 * float(rng.uniform(18, 30))
        for state, seconds in (("open", wait), ("enroute", pickup), ("ontrip", ride)):
            online_rows.append(
                [
                    state,
                    _local(moment),
                    _local(moment + dt.timedelta(seconds=seconds)),
                    ZONE,
                    str(round(seconds * 1000)),
                ]
            )
            if state == "open":
                requested = moment + dt.timedelta(seconds=seconds)
            elif state == "enroute":
                began = moment + dt.timedelta(seconds=seconds)
            moment += dt.timedelta(seconds=seconds)
        dropoff = moment
        logged += (wait + pickup + ride) / 3600
        engaged += (pickup + ride) / 3600
        km_total += km
        shift_left -= wait + pickup + ride
        fare = round(250 + 110 * km + 25 * ride / 60)  # base, distance, time, in cents
        booking = 200
        service = round(0.145 * fare)
        tip = int(rng.choice([0, 0, 0, 100, 200, 300]))
        customers += fare + booking
        worker += fare - service
        tips += tip
        trip_rows.append(
            [
                "completed",
                _local(requested),
                _local(began),
                _local(dropoff),
                ZONE,
                "EUR",
                f"{km * MILES_PER_KM:.4f}",
                str(round(ride)),
                f"{fare / 100:.2f}",
                f"{(fare - service) / 100:.2f}",
                f"{service / 100:.2f}",
                f"{booking / 100:.2f}",
            ]
        )
        paid = dropoff + dt.timedelta(seconds=float(rng.uniform(20, 600)))
        base = 250
        pay_rows.append([_local(paid), ZONE, "EUR", "transport.fare.base", f"{base / 100:.2f}"])
        pay_rows.append(
            [_local(paid), ZONE, "EUR", "transport.fare.distance", f"{(fare - base) / 100:.2f}"]
        )
        pay_rows.append(
            [_local(paid), ZONE, "EUR", "intermediary.commission", f"{-service / 100:.2f}"]
        )
        if tip:
            pay_rows.append([_local(paid), ZONE, "EUR", "transport.misc.tip", f"{tip / 100:.2f}"])
        if rng.random() < 0.01:  # a cancelled request: no drop-off, nothing earned
            trip_rows.append(
                [
                    "rider_cancelled",
                    _local(requested),
                    "",
                    "",
                    ZONE,
                    "EUR",
                    "0",
                    "0",
                    "",
                    "",
                    "",
                    "",
                ]
            )

    def table(header: list[str], rows: list[list[str]]) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        half = len(rows) // 2
        writer.writerow(header)
        writer.writerows(rows[:half])
        writer.writerow(header)  # the second export, glued on
        writer.writerows(rows[half:])
        return out.getvalue().encode()

    files = {
        "01 - Driver Lifetime Trips.csv": table(
            [
                "status",
                "request_timestamp_local",
                "begintrip_timestamp_local",
                "dropoff_timestamp_local",
                "timezone",
                "currency_code",
                "trip_distance_miles",
                "trip_duration_seconds",
                "original_fare_local",
                "driver_upfront_fare_local",
                "service_fee_local",
                "booking_fee_local",
            ],
            trip_rows,
        ),
        "02 - Driver Payments.csv": table(
            [
                "recognize_timestamp_local",
                "timezone",
                "currency_code",
                "classification",
                "amount_local",
            ],
            pay_rows,
        ),
        "03 - Driver Online Offline.csv": table(
            [
                "earner_state",
                "begin_timestamp_local",
                "end_timestamp_local",
                "timezone",
                "duration_ms",
            ],
            online_rows,
        ),
    }
    truth = Truth(
        trips=trips,
        customers_paid_minor=customers,
        worker_fares_minor=worker,
        take_share=(customers - worker) / customers,
        tips_minor=tips,
        logged_in_hours=logged,
        engaged_hours=engaged,
        distance_km=km_total,
    )
    return files, truth


def import_files(files: dict[str, bytes]) -> figures.Report:
    data = Imported()
    for name, content in files.items():
        data.extend(readers.read_file(name, content))
    return figures.report(data)


def accuracy(trips: int = 2_000, seed: int = 3) -> dict[str, float]:
    """Each figure's relative difference from the generator's truth."""
    files, truth = synthetic_uber(trips, seed)
    got = import_files(files).overall
    return {
        "trips": abs(got.trips - truth.trips) / truth.trips,
        "customers_paid": abs((got.customers_paid_minor or 0) - truth.customers_paid_minor)
        / truth.customers_paid_minor,
        "worker_fares": abs(got.worker_fares_minor - truth.worker_fares_minor)
        / truth.worker_fares_minor,
        "take_share": abs((got.platform_take_share or 0) - truth.take_share) / truth.take_share,
        "tips": abs(got.tips_minor - truth.tips_minor) / truth.tips_minor,
        "logged_in_hours": abs((got.logged_in_hours or 0) - truth.logged_in_hours)
        / truth.logged_in_hours,
        "engaged_hours": abs(got.engaged_hours - truth.engaged_hours) / truth.engaged_hours,
        "distance": abs(got.distance_km - truth.distance_km) / truth.distance_km,
    }


def run(*, quick: bool) -> list[Measurement]:
    print("accuracy (relative difference from the truth):", accuracy())
    files, _ = synthetic_uber(2_000 if quick else 100_000, 5)

    def imported(n: int) -> None:
        for _ in range(n):
            import_files(files)

    def plain_csv(n: int) -> None:
        for _ in range(n):
            for content in files.values():
                for _row in csv.reader(io.StringIO(content.decode()), delimiter=";"):
                    pass

    return [
        compare(
            name=f"import a synthetic Uber export ({'2,000' if quick else '100,000'} trips)",
            baseline="the same files read by the csv module alone",
            measured=imported,
            baseline_run=plain_csv,
            operations=1,
            rounds=3,
        )
    ]


if __name__ == "__main__":
    print(accuracy())
    started = time.perf_counter()
    files, truth = synthetic_uber(100_000, 5)
    print(f"generated in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    report = import_files(files)
    print(f"imported in {time.perf_counter() - started:.1f} s; {len(report.rejections)} rejected")
