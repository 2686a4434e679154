"""The geometry boundaries need, on Shapely (GEOS) and pyproj (PROJ): GeoJSON polygons read and checked, a point
inside each, point-in-polygon, and British National Grid eastings and northings turned into WGS84 longitude and
latitude.

The grid conversion is PROJ's EPSG:27700 -> EPSG:4326 from the proj.db inside the pyproj wheel, with PROJ's network
access turned off: without Ordnance Survey's OSTN15 grid file (which PROJ would otherwise try to download) it is
EPSG's "OSGB36 to WGS 84 (6)" Helmert transformation, good to about two metres. That is plenty for drawing wards
and finding which ward an LSOA lies in.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from typing import Any

import pyproj
import pyproj.network
import shapely
from pyproj.exceptions import ProjError
from shapely import Polygon  # one polygon with its holes; a boundary is a list of them
from shapely.errors import GEOSException
from shapely.geometry import mapping, shape

__all__ = [
    "BNG_CRS_NAMES",
    "GeometryError",
    "Point",
    "Polygon",
    "all_points",
    "as_geojson",
    "check_wgs84",
    "contains",
    "looks_like_grid",
    "polygons_of",
    "polygons_to_wgs84",
    "representative_point",
]

Point = tuple[float, float]  # (x, y): longitude, latitude in WGS84

BNG_CRS_NAMES = ("EPSG::27700", "EPSG:27700", "epsg:27700")


class GeometryError(ValueError):
    """The geometry cannot be used; the message says why and what would do."""


# --- Reading and checking ----------------------------------------------------------------------------------------


def _check_structure(kind: str, coordinates: Any) -> None:
    """That the GeoJSON is well formed enough for Shapely to read, so that what is wrong is said plainly rather
    than as a GEOS or NumPy error."""
    raw = [coordinates] if kind == "Polygon" else coordinates
    if coordinates is None or not isinstance(raw, list) or not raw:
        raise GeometryError("its geometry has no coordinates")
    for polygon in raw:
        if not isinstance(polygon, list) or not polygon:
            raise GeometryError("a polygon has no rings")
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                raise GeometryError("a ring has fewer than four positions (a closed ring repeats its first)")
            for position in ring:
                if (
                    not isinstance(position, list | tuple)
                    or len(position) < 2
                    or not all(isinstance(v, int | float) and math.isfinite(v) for v in position[:2])
                ):
                    raise GeometryError(f"a position {position!r} is not a pair of numbers")


def polygons_of(geometry: Any) -> list[Polygon]:
    """The polygons of a GeoJSON Polygon or MultiPolygon, in two dimensions. A boundary GEOS finds invalid (a ring
    that crosses itself, say) is mended with ``make_valid``; one that encloses no area at all is refused."""
    if not isinstance(geometry, dict):
        raise GeometryError("it has no geometry: each feature needs a Polygon or MultiPolygon")
    kind = geometry.get("type")
    if kind not in {"Polygon", "MultiPolygon"}:
        raise GeometryError(f"its geometry is a {kind or 'missing type'}: use Polygon or MultiPolygon boundaries")
    _check_structure(kind, geometry.get("coordinates"))
    try:
        read = shapely.force_2d(shape(geometry))
    except (ValueError, TypeError, GEOSException) as error:
        raise GeometryError(f"its geometry cannot be read as a polygon ({error})") from error
    if not read.is_valid:
        reason = shapely.is_valid_reason(read)
        read = shapely.make_valid(read)
        polygons = [part for part in _parts(read) if not part.is_empty and part.area > 0]
        if not polygons:
            raise GeometryError(f"its boundary encloses no area ({reason})")
        return polygons
    return list(_parts(read))


def _parts(geometry: Any) -> Iterator[Polygon]:
    """The polygons within a geometry, however nested (``make_valid`` can return a GeometryCollection)."""
    if isinstance(geometry, Polygon):
        yield geometry
    elif isinstance(geometry, shapely.MultiPolygon | shapely.GeometryCollection):
        for part in geometry.geoms:
            yield from _parts(part)


def all_points(polygons: list[Polygon]) -> list[Point]:
    """Every position of every ring, as (x, y)."""
    return [(x, y) for x, y in shapely.get_coordinates(polygons).tolist()]


def looks_like_grid(polygons: list[Polygon]) -> bool:
    """Eastings and northings (metres) rather than degrees."""
    return any(abs(x) > 180 or abs(y) > 90 for x, y in all_points(polygons))


def check_wgs84(polygons: list[Polygon]) -> None:
    for x, y in all_points(polygons):
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            raise GeometryError(f"position ({x}, {y}) is not a longitude and latitude")


def as_geojson(polygons: list[Polygon], digits: int = 6) -> dict[str, Any]:
    """A MultiPolygon (or Polygon, for one) with coordinates rounded to ``digits`` places (6: about 10 cm), in
    lists as JSON has them (so a boundary read back from the database compares equal)."""
    geometry = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
    document = mapping(geometry)

    def rounded(value: Any) -> Any:
        if isinstance(value, float | int):
            return round(value, digits)
        return [rounded(item) for item in value]

    return {"type": document["type"], "coordinates": rounded(document["coordinates"])}


# --- Inside ------------------------------------------------------------------------------------------------------


def contains(polygons: list[Polygon], point: Point) -> bool:
    """Whether the point lies inside any polygon (outside its holes; a point on an edge counts as inside). The
    polygons are prepared on first use, so testing many points against the same ward is quick."""
    target = shapely.Point(point)
    for polygon in polygons:
        shapely.prepare(polygon)
        if polygon.covers(target):
            return True
    return False


def representative_point(polygons: list[Polygon]) -> Point:
    """A point surely inside the largest polygon: GEOS's interior point, the middle of the widest stretch of a
    horizontal line across it (a centroid can fall outside a crescent-shaped ward)."""
    inside = max(polygons, key=lambda polygon: polygon.area).representative_point()
    return inside.x, inside.y


# --- British National Grid ---------------------------------------------------------------------------------------


@functools.cache
def _grid_to_wgs84() -> pyproj.Transformer:
    """EPSG:27700 -> EPSG:4326 in (x, y) order. Network access is off, so PROJ never tries to fetch OSTN15; no
    ballpark fallback, so a missing proj.db entry fails loudly rather than shifting boundaries by a hundred metres."""
    # The documented switch; pyproj.network imports it from pyproj._network without listing it in __all__.
    pyproj.network.set_network_enabled(active=False)  # type: ignore[attr-defined]
    return pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True, allow_ballpark=False)


def polygons_to_wgs84(polygons: list[Polygon]) -> list[Polygon]:
    """The polygons with British National Grid eastings and northings turned into WGS84 longitude and latitude."""
    transformer = _grid_to_wgs84()
    try:
        converted = shapely.transform(
            polygons, lambda x, y: transformer.transform(x, y, errcheck=True), interleaved=False
        )
    except ProjError as error:
        raise GeometryError(
            f"its eastings and northings cannot be turned into longitude and latitude ({error})"
        ) from error
    return list(converted)
