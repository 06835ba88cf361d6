"""Reading a set of files into a report, with the co-op's cost table and rules: shared by
the page, the background job and the command line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from commonwork.commons.statistics import Unit
from commonwork.core.marks import N_
from commonwork.governance.parameters import read_parameter
from commonwork.members.selectors import cooperative_currency
from commonwork.observatory.models import VehicleCost
from commonwork.platformdata import figures, readers
from commonwork.platformdata.records import Imported, Rejection
from commonwork.work.selectors import current_tariff

MAX_FILE_BYTES = 200 * 1024 * 1024


def coop_rules() -> figures.CoopRules | None:
    tariff = current_tariff()
    currency = cooperative_currency()
    if tariff is None or not currency:
        return None
    return figures.CoopRules(
        currency=currency,
        base_minor=tariff.base_minor,
        per_km_minor=tariff.per_km_minor,
        per_minute_minor=tariff.per_minute_minor,
        fee_rate=float(read_parameter("fee_rate")),
        solidarity_rate=float(read_parameter("solidarity_rate")),
        floor_per_hour_minor=int(read_parameter("pay_floor_per_hour")),
    )


def vehicles() -> list[str]:
    return sorted(set(VehicleCost.objects.values_list("vehicle", flat=True)))


def cost_per_km(country: str, vehicle: str) -> dict[int, int]:
    """The cost table's cost per km of this vehicle in this country, by year."""
    return dict(
        VehicleCost.objects.filter(country=country.upper(), vehicle=vehicle.lower()).values_list(
            "year", "per_km_minor"
        )
    )


def read_files(
    files: Iterable[tuple[str, bytes]],
    *,
    country: str | None = None,
    vehicle: str | None = None,
    fixed_hours: float = 0.0,
) -> figures.Report:
    """Every file read by its format; a file of no known shape is one rejection that says
    what was expected, never a silent skip."""
    data = Imported()
    for name, content in files:
        if len(content) > MAX_FILE_BYTES:
            data.rejections.append(
                Rejection(name, 0, N_("%(file)s: the file is larger than 200 MB."), {"file": name})
            )
            continue
        try:
            data.extend(readers.read_file(name, content, default_zone=settings.TIME_ZONE))
        except readers.UnknownFormatError as error:
            data.rejections.append(Rejection(name, 0, error.message, error.params))
    # No vehicle named: no costs counted (the page says so), rather than a guess.
    costs = cost_per_km(country or settings.COMMONWORK_COUNTRY, vehicle) if vehicle else {}
    return figures.report(data, cost_per_km=costs.get, rules=coop_rules(), extra_hours=fixed_hours)


def donated_units(member_ids: list[int], since: dt.datetime, weeks: int) -> list[Unit]:
    """The commons' units for members who donate their imports: from each member's newest
    read import, the figures of the ISO weeks that start in [since, since + weeks)."""
    from commonwork.platformdata.models import Upload, UploadStatus

    wanted = {figures.iso_week(since + dt.timedelta(weeks=w)) for w in range(weeks)}
    newest: dict[int, dict[str, Any]] = {}
    for member, report in (
        Upload.objects.filter(member_id__in=member_ids, status=UploadStatus.READ)
        .order_by("read_at")
        .values_list("member_id", "report")
    ):
        if report:
            newest[member] = report
    out = []
    for member in member_ids:
        weeks_in = [w for w in newest.get(member, {}).get("weeks", []) if w["period"] in wanted]
        out.append(
            Unit(
                elsewhere_customers_paid_minor=sum(
                    w["customers_paid_minor"] or 0 for w in weeks_in
                ),
                elsewhere_take_minor=sum(w["platform_take_minor"] or 0 for w in weeks_in),
                elsewhere_pay_minor=sum(
                    w["pay_minor"] - w["vehicle_costs_minor"] for w in weeks_in
                ),
                elsewhere_logged_in_minutes=round(
                    60 * sum(w["logged_in_hours"] or 0 for w in weeks_in)
                ),
            )
        )
    return out
