from __future__ import annotations

from pathlib import Path

import pytest

from lantern.locality.imports import boundaries_import

DATA = Path(__file__).parent / "data"


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
def borough(db) -> None:
    """Three wards (one a MultiPolygon) and three LSOAs inside them, imported from ONS-style GeoJSON."""
    for name in ("wards.geojson", "lsoas.geojson"):
        result = boundaries_import(actor=None, data=data(name), filename=name)
        assert not result.errors, result.errors
