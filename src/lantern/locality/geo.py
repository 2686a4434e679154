"""The little geometry boundaries need: checking GeoJSON polygons, a point inside each, point-in-polygon, and
British National Grid eastings and northings turned into WGS84 longitude and latitude.

The grid conversion follows Ordnance Survey's "A guide to coordinate systems in Great Britain": the inverse
Transverse Mercator projection on the Airy 1830 ellipsoid gives OSGB36 latitude and longitude, and a seven-
parameter Helmert transformation takes those to WGS84. It is good to a few metres, which is plenty for drawing
wards and finding which ward an LSOA lies in (OSTN15 would give centimetres, and needs a grid file).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from typing import Any

Point = tuple[float, float]  # (x, y): longitude, latitude in WGS84
Ring = list[Point]
Polygon = list[Ring]  # outer ring first, then holes

BNG_CRS_NAMES = ("EPSG::27700", "EPSG:27700", "epsg:27700")


class GeometryError(ValueError):
    """The geometry cannot be used; the message says why and what would do."""


# --- Checking ----------------------------------------------------------------------------------------------------


def polygons_of(geometry: Any) -> list[Polygon]:
    """The polygons of a GeoJSON Polygon or MultiPolygon, checked: rings of at least four numeric positions."""
    if not isinstance(geometry, dict):
        raise GeometryError("it has no geometry: each feature needs a Polygon or MultiPolygon")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    raw: list[Any] | None
    if kind == "Polygon":
        raw = [coordinates]
    elif kind == "MultiPolygon":
        raw = coordinates if isinstance(coordinates, list) else None
    else:
        raise GeometryError(f"its geometry is a {kind or 'missing type'}: use Polygon or MultiPolygon boundaries")
    if not raw:
        raise GeometryError("its geometry has no coordinates")
    polygons = []
    for polygon in raw:
        if not isinstance(polygon, list) or not polygon:
            raise GeometryError("a polygon has no rings")
        rings = []
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                raise GeometryError("a ring has fewer than four positions (a closed ring repeats its first)")
            points = []
            for position in ring:
                if (
                    not isinstance(position, list | tuple)
                    or len(position) < 2
                    or not all(isinstance(v, int | float) and math.isfinite(v) for v in position[:2])
                ):
                    raise GeometryError(f"a position {position!r} is not a pair of numbers")
                points.append((float(position[0]), float(position[1])))
            rings.append(points)
        polygons.append(rings)
    return polygons


def looks_like_grid(polygons: list[Polygon]) -> bool:
    """Eastings and northings (metres) rather than degrees."""
    return any(abs(x) > 180 or abs(y) > 90 for polygon in polygons for ring in polygon for x, y in ring)


def check_wgs84(polygons: list[Polygon]) -> None:
    for polygon in polygons:
        for ring in polygon:
            for x, y in ring:
                if not (-180 <= x <= 180 and -90 <= y <= 90):
                    raise GeometryError(f"position ({x}, {y}) is not a longitude and latitude")


def as_geojson(polygons: list[Polygon], digits: int = 6) -> dict[str, Any]:
    """A MultiPolygon (or Polygon, for one) with coordinates rounded to ``digits`` places (6: about 10 cm)."""
    coordinates = [
        [[[round(x, digits), round(y, digits)] for x, y in ring] for ring in polygon] for polygon in polygons
    ]
    if len(coordinates) == 1:
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}


# --- Inside ------------------------------------------------------------------------------------------------------


def _crossings(point: Point, ring: Sequence[Point]) -> bool:
    """Ray casting: whether a ray from the point crosses the ring an odd number of times."""
    x, y = point
    inside = False
    count = len(ring)
    j = count - 1
    for i in range(count):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(polygons: list[Polygon], point: Point) -> bool:
    """Whether the point lies inside any polygon (and outside its holes)."""
    for polygon in polygons:
        if _crossings(point, polygon[0]) and not any(_crossings(point, hole) for hole in polygon[1:]):
            return True
    return False


def _area(ring: Sequence[Point]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))) / 2


def representative_point(polygons: list[Polygon]) -> Point:
    """A point surely inside the largest polygon: the middle of the widest stretch of a horizontal line through the
    middle of its outline that lies inside it (a centroid can fall outside a crescent-shaped ward)."""
    polygon = max(polygons, key=lambda p: _area(p[0]))
    ys = [y for _, y in polygon[0]]
    y = (min(ys) + max(ys)) / 2
    if y in ys:  # a vertex on the line makes crossings ambiguous; nudge off it
        y += (max(ys) - min(ys)) * 1e-7
    xs: list[float] = []
    for ring in polygon:
        for (x0, y0), (x1, y1) in itertools.pairwise(ring):
            if (y0 > y) != (y1 > y):
                xs.append(x0 + (y - y0) * (x1 - x0) / (y1 - y0))
    xs.sort()
    spans = [(xs[i + 1] - xs[i], (xs[i] + xs[i + 1]) / 2) for i in range(0, len(xs) - 1, 2)]
    if not spans:
        x0, y0 = polygon[0][0]
        return x0, y0
    return max(spans)[1], y


# --- British National Grid ---------------------------------------------------------------------------------------

_AIRY_A, _AIRY_B = 6377563.396, 6356256.909
_F0 = 0.9996012717
_LAT0, _LON0 = math.radians(49), math.radians(-2)
_E0, _N0 = 400000.0, -100000.0
_GRS80_A, _GRS80_B = 6378137.000, 6356752.3141
# OSGB36 -> WGS84: translations (m), scale (ppm), rotations (arc seconds)
_HELMERT = (446.448, -125.157, 542.060, -20.4894, 0.1502, 0.2470, 0.8421)


def _meridional_arc(lat: float) -> float:
    n = (_AIRY_A - _AIRY_B) / (_AIRY_A + _AIRY_B)
    d, s = lat - _LAT0, lat + _LAT0
    return (
        _AIRY_B
        * _F0
        * (
            (1 + n + 5 / 4 * n**2 + 5 / 4 * n**3) * d
            - (3 * n + 3 * n**2 + 21 / 8 * n**3) * math.sin(d) * math.cos(s)
            + (15 / 8 * n**2 + 15 / 8 * n**3) * math.sin(2 * d) * math.cos(2 * s)
            - 35 / 24 * n**3 * math.sin(3 * d) * math.cos(3 * s)
        )
    )


def grid_to_osgb36(easting: float, northing: float) -> tuple[float, float]:
    """Inverse Transverse Mercator: (latitude, longitude) in degrees on OSGB36."""
    a, b = _AIRY_A, _AIRY_B
    e2 = 1 - b**2 / a**2
    lat = _LAT0
    m = 0.0
    while True:
        lat = (northing - _N0 - m) / (a * _F0) + lat
        m = _meridional_arc(lat)
        if abs(northing - _N0 - m) < 0.00001:
            break
    sin, cos, tan = math.sin(lat), math.cos(lat), math.tan(lat)
    nu = a * _F0 / math.sqrt(1 - e2 * sin**2)
    rho = a * _F0 * (1 - e2) / (1 - e2 * sin**2) ** 1.5
    eta2 = nu / rho - 1
    vii = tan / (2 * rho * nu)
    viii = tan / (24 * rho * nu**3) * (5 + 3 * tan**2 + eta2 - 9 * tan**2 * eta2)
    ix = tan / (720 * rho * nu**5) * (61 + 90 * tan**2 + 45 * tan**4)
    x = 1 / (cos * nu)
    xi = 1 / (cos * 6 * nu**3) * (nu / rho + 2 * tan**2)
    xii = 1 / (cos * 120 * nu**5) * (5 + 28 * tan**2 + 24 * tan**4)
    xiia = 1 / (cos * 5040 * nu**7) * (61 + 662 * tan**2 + 1320 * tan**4 + 720 * tan**6)
    de = easting - _E0
    latitude = lat - vii * de**2 + viii * de**4 - ix * de**6
    longitude = _LON0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return math.degrees(latitude), math.degrees(longitude)


def _to_cartesian(lat: float, lon: float, a: float, b: float) -> tuple[float, float, float]:
    e2 = 1 - b**2 / a**2
    phi, lam = math.radians(lat), math.radians(lon)
    nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    return nu * math.cos(phi) * math.cos(lam), nu * math.cos(phi) * math.sin(lam), (1 - e2) * nu * math.sin(phi)


def _from_cartesian(x: float, y: float, z: float, a: float, b: float) -> tuple[float, float]:
    e2 = 1 - b**2 / a**2
    p = math.hypot(x, y)
    phi = math.atan2(z, p * (1 - e2))
    for _ in range(10):
        nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
        phi = math.atan2(z + e2 * nu * math.sin(phi), p)
    return math.degrees(phi), math.degrees(math.atan2(y, x))


def grid_to_wgs84(easting: float, northing: float) -> Point:
    """(longitude, latitude) in WGS84 for a British National Grid position."""
    lat, lon = grid_to_osgb36(easting, northing)
    x, y, z = _to_cartesian(lat, lon, _AIRY_A, _AIRY_B)
    tx, ty, tz, s, rx, ry, rz = _HELMERT
    s = s * 1e-6
    rx, ry, rz = (math.radians(r / 3600) for r in (rx, ry, rz))
    x2 = tx + (1 + s) * x - rz * y + ry * z
    y2 = ty + rz * x + (1 + s) * y - rx * z
    z2 = tz - ry * x + rx * y + (1 + s) * z
    lat2, lon2 = _from_cartesian(x2, y2, z2, _GRS80_A, _GRS80_B)
    return lon2, lat2


def polygons_to_wgs84(polygons: list[Polygon]) -> list[Polygon]:
    return [[[grid_to_wgs84(x, y) for x, y in ring] for ring in polygon] for polygon in polygons]


def all_points(polygons: list[Polygon]) -> Iterator[Point]:
    for polygon in polygons:
        for ring in polygon:
            yield from ring
