"""Locality profiles over the JSON API, and as CSV: the same figures the pages show, suppressed the same way.

GET /api/v1/locality/areas?kind=ward            the areas, with their parents
GET /api/v1/locality/measures                   what is counted
GET /api/v1/locality/profile[?map_measure=]     the borough's profile
GET /api/v1/locality/profile.csv                ... as CSV
GET /api/v1/locality/areas/{code}/profile       a ward's or LSOA's profile (422 for an unknown code)
GET /api/v1/locality/areas/{code}/profile.csv   ... as CSV
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from lantern.access.policy import Action, Category, require
from lantern.access.registry import guards
from lantern.locality import selectors
from lantern.locality.profiles import Profile
from lantern.web.actor import signed_in_user

router = Router(tags=["locality"])
PAGE = 200
MAX_PAGE = 1000


class AreaOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None = Field(description="the code of the ward an LSOA lies in")
    latitude: float | None
    longitude: float | None


class AreaList(Schema):
    items: list[AreaOut]
    count: int


class AreaQuery(Schema):
    kind: str | None = Field(None, description="ward, lsoa, local_authority, region or england")
    limit: int = Field(PAGE, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


class MeasureOut(Schema):
    code: str
    name: str
    source: str = Field(description="hard (imported indicators) or soft (Lantern's own counts)")
    per: int
    higher_is_worse: bool
    denominator_label: str


class MeasureList(Schema):
    items: list[MeasureOut]
    count: int


class CellOut(Schema):
    count: int | None
    denominator: int | None
    rate: float | None
    lower: float | None
    upper: float | None
    suppressed: bool = Field(description="a small number (or one that would reveal it): every figure is null")


class MeasureRef(Schema):
    code: str
    name: str
    source: str
    per: int
    higher_is_worse: bool
    denominator_label: str


class RowOut(Schema):
    measure: MeasureRef
    period: str
    area: CellOut
    borough: CellOut
    verdict: str = Field(description="higher, similar, lower or not_compared, by the funnel's 99.8% limits")


class TrendOut(Schema):
    period: str
    period_end: dt.date
    area: CellOut
    borough: CellOut


class LimitOut(Schema):
    denominator: int
    lower95: float
    upper95: float
    lower998: float
    upper998: float


class PointOut(Schema):
    code: str
    name: str
    cell: CellOut
    verdict: str


class FunnelOut(Schema):
    measure: MeasureRef
    period: str
    borough_rate: float | None
    points: list[PointOut]
    limits: list[LimitOut]


class HotspotOut(Schema):
    place: str
    kind: str
    ward: str
    reports: CellOut
    latest: dt.date | None


class MapAreaOut(Schema):
    code: str
    name: str
    kind: str
    boundary: dict[str, Any] | None
    cell: CellOut
    band: int | None
    period: str


class ProfileOut(Schema):
    area_code: str | None
    area_name: str
    area_kind: str
    suppressed_view: bool
    rows: list[RowOut]
    trends: dict[str, list[TrendOut]]
    funnels: list[FunnelOut]
    hotspots: list[HotspotOut]
    map_measure: MeasureRef | None
    map_areas: list[MapAreaOut]
    summary: list[str]
    generated_at: dt.datetime
    computed_at: dt.datetime | None = Field(description="when the figures were last recomputed")


class ProfileQuery(Schema):
    map_measure: str | None = Field(None, description="the measure that colours the map (default intel-reports)")


def _out(profile: Profile) -> dict[str, Any]:
    return asdict(profile)


def _csv(profile: Profile) -> HttpResponse:
    response = HttpResponse(selectors.profile_csv(profile), content_type="text/csv; charset=utf-8")
    filename = selectors.profile_filename(profile, today=timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/areas", response=AreaList, summary="Areas of the borough and its comparators (no personal data)")
@guards(Category.AGGREGATE)
def area_list(request: HttpRequest, query: Query[AreaQuery]) -> dict[str, Any]:
    require(signed_in_user(request), Action.VIEW, Category.AGGREGATE, purpose="locality areas")
    found = selectors.areas(kind=query.kind)
    page = found[query.offset : query.offset + query.limit]
    items = [
        {
            "code": a.code,
            "name": a.name,
            "kind": a.kind,
            "parent": a.parent.code if a.parent else None,
            "latitude": a.latitude,
            "longitude": a.longitude,
        }
        for a in page
    ]
    return {"items": items, "count": found.count()}


@router.get("/measures", response=MeasureList, summary="What locality profiles count")
@guards(Category.AGGREGATE)
def measure_list(request: HttpRequest) -> dict[str, Any]:
    require(signed_in_user(request), Action.VIEW, Category.AGGREGATE, purpose="locality measures")
    items = [asdict(m) for m in selectors.measures()]
    return {"items": items, "count": len(items)}


@router.get("/profile", response=ProfileOut, summary="The borough's locality profile")
@guards(Category.AGGREGATE, Category.SMALL_NUMBERS)
def borough_profile(request: HttpRequest, query: Query[ProfileQuery]) -> dict[str, Any]:
    return _out(selectors.profile(actor=signed_in_user(request), map_measure=query.map_measure))


@router.get("/profile.csv", summary="The borough's locality profile as CSV (suppressed figures as c)")
@guards(Category.AGGREGATE, Category.SMALL_NUMBERS)
def borough_profile_csv(request: HttpRequest, query: Query[ProfileQuery]) -> HttpResponse:
    return _csv(selectors.profile(actor=signed_in_user(request), map_measure=query.map_measure))


@router.get("/areas/{code}/profile", response=ProfileOut, summary="A ward's or LSOA's locality profile")
@guards(Category.AGGREGATE, Category.SMALL_NUMBERS)
def area_profile(request: HttpRequest, code: str, query: Query[ProfileQuery]) -> dict[str, Any]:
    return _out(selectors.profile(actor=signed_in_user(request), area_code=code, map_measure=query.map_measure))


@router.get("/areas/{code}/profile.csv", summary="A ward's or LSOA's locality profile as CSV")
@guards(Category.AGGREGATE, Category.SMALL_NUMBERS)
def area_profile_csv(request: HttpRequest, code: str, query: Query[ProfileQuery]) -> HttpResponse:
    return _csv(selectors.profile(actor=signed_in_user(request), area_code=code, map_measure=query.map_measure))
