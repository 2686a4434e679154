"""Locality pages: the borough's profile with its ward map, and each area's profile. Aggregates only: every
figure comes from `locality.selectors.profile`, already suppressed for a viewer who may not see small numbers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.access.policy import Category
from lantern.access.registry import guards
from lantern.locality import charts, selectors
from lantern.locality.profiles import SUPPRESSED, Profile
from lantern.web.actor import signed_in_user
from lantern.web.charts import bar_chart


def _profile(request: HttpRequest, *, area_code: str | None) -> Profile:
    """The profile the page asks for. `selectors.profile` checks access first, then the area and measure codes;
    a code it does not know (or a comparator, which has no profile) is a page that does not exist."""
    try:
        return selectors.profile(
            actor=signed_in_user(request), area_code=area_code, map_measure=request.GET.get("measure") or None
        )
    except ValidationError as error:
        raise Http404("No such area or measure") from error


def _pictures(profile: Profile, *, current: str | None) -> dict[str, Any]:
    funnel = next(
        (f for f in profile.funnels if profile.map_measure and f.measure.code == profile.map_measure.code), None
    )
    borough_label = selectors.borough_name()
    trends = []
    for row in profile.rows:
        points = profile.trends.get(row.measure.code, [])
        picture = charts.trend_picture(points, area_label=profile.area_name, borough_label=borough_label)
        trends.append((row, picture, points))
    return {
        "profile": profile,
        "map": charts.map_picture(profile.map_areas, current=current),
        "map_rows": sorted(profile.map_areas, key=lambda a: (a.cell.rate is None, -(a.cell.rate or 0.0), a.name)),
        "legend": charts.legend(profile.map_areas),
        "hotspot_chart": bar_chart(
            [(spot.place, spot.reports.count) for spot in profile.hotspots if spot.reports.count is not None]
        ),
        "no_figure": charts.NO_FIGURE,
        "funnel": funnel,
        "funnel_picture": charts.funnel_picture(funnel, current=current) if funnel else None,
        "verdict_colours": charts.VERDICT_COLOURS,
        "trends": trends,
        "suppressed": SUPPRESSED,
        "measures": selectors.measures(),
    }


@guards(Category.AGGREGATE)
@login_required
def borough(request: HttpRequest) -> HttpResponse:
    return render(request, "locality/profile.html", _pictures(_profile(request, area_code=None), current=None))


@guards(Category.AGGREGATE)
@login_required
def area(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "locality/profile.html", _pictures(_profile(request, area_code=code), current=code))


@guards(Category.AGGREGATE)
@login_required
def download(request: HttpRequest) -> HttpResponse:
    profile = _profile(request, area_code=request.GET.get("area") or None)
    response = HttpResponse(selectors.profile_csv(profile), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{selectors.profile_filename(profile)}"'
    return response
