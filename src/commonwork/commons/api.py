"""The data commons in the JSON API: the published releases, open to anyone."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from commonwork.commons import selectors
from commonwork.commons.models import Release
from commonwork.core.api_types import PathId

router = Router(tags=["data commons"])


class FigureOut(Schema):
    measure: str
    group: str
    value: float
    lower_95: float
    upper_95: float
    unit: str


class ReleaseOut(Schema):
    id: int
    statistic: str
    version: int
    number: int
    title: str
    period_start: dt.date
    period_end: dt.date
    epsilon: float
    delta: float
    published_at: dt.datetime
    figures: list[FigureOut]
    data_package: str
    registry_record: str


def _out(release: Release) -> ReleaseOut:
    base = f"/commons/releases/{release.pk}"
    return ReleaseOut(
        id=release.pk,
        statistic=release.statistic,
        version=release.version,
        number=release.number,
        title=str(selectors.spec(release).title),
        period_start=release.period_start,
        period_end=release.period_end,
        epsilon=release.epsilon,
        delta=release.delta,
        published_at=release.published_at,
        figures=[
            FigureOut(
                measure=f["measure"],
                group=f["group"],
                value=f["value"],
                lower_95=f["low"],
                upper_95=f["high"],
                unit=f["unit"],
            )
            for f in release.figures
        ],
        data_package=f"{base}/datapackage.json",
        registry_record=f"{base}/registry.json",
    )


@router.get("/commons/releases", auth=None, response=list[ReleaseOut])
def releases(request: HttpRequest) -> list[ReleaseOut]:
    """Every release of the data commons, newest first (at most 200)."""
    return [_out(r) for r in selectors.releases()[:200]]


@router.get("/commons/releases/{release_id}", auth=None, response=ReleaseOut)
def release(request: HttpRequest, release_id: PathId) -> ReleaseOut:
    """One release, with its figures and 95 % intervals."""
    return _out(selectors.release(release_id))
