"""Boundary geometry on Shapely and pyproj: British National Grid lands where Ordnance Survey says it does, offline;
broken boundaries are mended or refused by feature with the reason; points fall inside the right polygons."""

from __future__ import annotations

import json

import pyproj.network
import pytest
from pyproj import Geod

from lantern.locality import geo
from lantern.locality.imports import boundaries_import
from lantern.locality.models import Area, ImportBatch

# Ordnance Survey's OSTN15 test points (OSTN15_TestInput_ETRStoOSGB.txt and OSTN15_TestOutput_ETRStoOSGB.txt in the
# OS developer pack OSTN15-NTv2.zip): OSGB36 easting and northing, and ETRS89 latitude and longitude. ETRS89 and WGS84
# agree to well under a metre here, as EPSG's transformation itself assumes.
CONTROL = {
    "TP08 Brislington": (362269.991, 169978.690, 51.42754743020, -2.54407618349),
    "TP09 Lambeth": (530624.974, 178388.464, 51.48936564950, -0.11992557180),
    "TP20 Leeds": (422242.186, 433818.701, 53.80021519630, -1.66379168242),
    "TP27 Edinburgh": (319188.434, 670947.534, 55.92478265510, -3.29479219337),
    "TP38 Shetland": (421300.525, 1072147.239, 59.53470794490, -1.62516966058),
}
# Without the OSTN15 grid (never downloaded) PROJ uses EPSG's OSGB36 to WGS 84 (6) Helmert, stated good to 2 m.
TOLERANCE_M = 2.0
GEOD = Geod(ellps="WGS84")


def square(x: float, y: float, side: float) -> dict:
    ring = [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def metres_apart(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


@pytest.mark.parametrize("name", CONTROL)
def test_a_small_grid_feature_lands_on_the_os_published_position(name: str) -> None:
    easting, northing, latitude, longitude = CONTROL[name]
    polygons = geo.polygons_of(square(easting, northing, 50))  # a 50 m plot with its corner on the control point
    assert geo.looks_like_grid(polygons)
    converted = geo.polygons_to_wgs84(polygons)
    geo.check_wgs84(converted)
    corner = geo.as_geojson(converted)["coordinates"][0][0]
    assert metres_apart(corner[0], corner[1], longitude, latitude) < TOLERANCE_M
    # The plot keeps its size: the far corner is about 50 m east and 50 m north of the first.
    far = geo.as_geojson(converted)["coordinates"][0][2]
    assert 70 < metres_apart(corner[0], corner[1], far[0], far[1]) < 72
    assert not pyproj.network.is_network_enabled()


def test_an_imported_grid_boundary_is_stored_at_the_os_position(db) -> None:
    easting, northing, latitude, longitude = CONTROL["TP09 Lambeth"]
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"WD24CD": "E05990042", "WD24NM": "Lambeth Plot"},
                "geometry": square(easting, northing, 200),
            }
        ],
    }
    result = boundaries_import(actor=None, data=json.dumps(document).encode(), filename="tp09.geojson")
    assert not result.errors
    ward = Area.objects.get(code="E05990042")
    corner = ward.boundary["coordinates"][0][0]
    assert metres_apart(corner[0], corner[1], longitude, latitude) < TOLERANCE_M
    # Its point is inside the plot, about 100 m from each side.
    assert 120 < metres_apart(ward.longitude, ward.latitude, longitude, latitude) < 165
    assert geo.contains(geo.polygons_of(ward.boundary), (ward.longitude, ward.latitude))


def test_a_boundary_that_crosses_itself_is_mended_and_one_with_no_area_refused() -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[1, 54], [1.5, 54.5], [1.5, 54], [1, 54.5], [1, 54]]]}
    triangles = geo.polygons_of(bowtie)
    assert len(triangles) == 2
    assert all(p.is_valid for p in triangles)
    assert geo.as_geojson(triangles)["type"] == "MultiPolygon"
    flat = {"type": "Polygon", "coordinates": [[[1, 54], [2, 54], [3, 54], [1, 54]]]}
    with pytest.raises(geo.GeometryError, match=r"encloses no area \(.+\)"):
        geo.polygons_of(flat)


def test_a_refused_boundary_is_reported_by_feature_with_what_is_wrong(db) -> None:
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"WD24CD": "E05990001", "WD24NM": "Good"},
                "geometry": square(1.0, 54.0, 0.01),
            },
            {
                "type": "Feature",
                "properties": {"WD24CD": "E05990002", "WD24NM": "Flat"},
                "geometry": {"type": "Polygon", "coordinates": [[[1, 54], [2, 54], [3, 54], [1, 54]]]},
            },
            {
                "type": "Feature",
                "properties": {"WD24CD": "E05990003", "WD24NM": "Garbled"},
                "geometry": {"type": "Polygon", "coordinates": [[[1, 54], ["1.1", 54], [1.1, 54.1], [1, 54]]]},
            },
        ],
    }
    result = boundaries_import(actor=None, data=json.dumps(document).encode(), filename="bad.geojson")
    assert [(e.line, e.field) for e in result.errors] == [(2, "geometry"), (3, "geometry")]
    assert result.errors[0].message.startswith("E05990002: its boundary encloses no area")
    assert result.errors[1].message == "E05990003: a position ['1.1', 54] is not a pair of numbers"
    assert not Area.objects.exists()
    assert not ImportBatch.objects.exists()


def test_heights_are_dropped_and_holes_are_outside() -> None:
    outer = [[0, 0, 9], [10, 0, 9], [10, 10, 9], [0, 10, 9], [0, 0, 9]]
    hole = [[4, 4, 9], [6, 4, 9], [6, 6, 9], [4, 6, 9], [4, 4, 9]]
    polygons = geo.polygons_of({"type": "Polygon", "coordinates": [outer, hole]})
    assert geo.as_geojson(polygons)["coordinates"][1][0] == [4, 4]
    assert geo.contains(polygons, (2, 2))
    assert not geo.contains(polygons, (5, 5))
    assert not geo.contains(polygons, (11, 5))


def test_the_representative_point_of_a_crescent_is_inside_it_where_its_centroid_is_not() -> None:
    # A "C": a 10 x 10 square with its right-hand middle cut away, and a small island elsewhere.
    crescent = [[0, 0], [10, 0], [10, 3], [3, 3], [3, 7], [10, 7], [10, 10], [0, 10], [0, 0]]
    island = [[20, 20], [21, 20], [21, 21], [20, 21], [20, 20]]
    polygons = geo.polygons_of({"type": "MultiPolygon", "coordinates": [[crescent], [island]]})
    assert not geo.contains(polygons[:1], (polygons[0].centroid.x, polygons[0].centroid.y))
    point = geo.representative_point(polygons)
    assert geo.contains(polygons[:1], point)
