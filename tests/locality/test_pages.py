"""The locality pages answer "not found" for an area or measure Lantern does not know, and for a comparator
(England, a region), which has no profile of its own; a known ward's page and its CSV come back."""

from __future__ import annotations

import pytest
from django.test import Client

from lantern.locality.enums import AreaKind
from lantern.locality.models import Area
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_tm(settings: object) -> Client:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    Area.objects.create(code="E05990009", name="Test Heath", kind=AreaKind.WARD)
    Area.objects.create(code="E92000001", name="England", kind=AreaKind.ENGLAND)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(UserFactory(role="team_manager"))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/localities/E05990999/",
        "/localities/E92000001/",
        "/localities/E05990009/?measure=no-such-measure",
        "/localities/profile.csv?area=E05990999",
    ],
)
def test_unknown_areas_measures_and_comparators_are_not_found(client_tm: Client, path: str) -> None:
    assert client_tm.get(path).status_code == 404


def test_a_known_ward_and_its_csv_are_served(client_tm: Client) -> None:
    assert client_tm.get("/localities/E05990009/").status_code == 200
    download = client_tm.get("/localities/profile.csv?area=E05990009")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/csv")
