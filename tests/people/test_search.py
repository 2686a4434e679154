"""Person search: any name, alias, nickname, phone, mark or (partial) date of birth, forgiving misspellings;
only among people access allows, naming only agencies the sharing rules let the searcher know of;
every search audited. Runs on SQLite (FTS5 trigram vocabulary) and PostgreSQL (pg_trgm)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from lantern.access.policy import AccessDenied
from lantern.accounts.models import Agency, User
from lantern.accounts.services import token_create
from lantern.audit.models import AuditEvent
from lantern.people.enums import AliasKind
from lantern.people.identity import person_merge, person_unmerge
from lantern.people.models import Alias, Person, Phone, SourceRecord, Vehicle
from lantern.people.search import index_people, similarity
from lantern.people.selectors import person_get, person_search, person_search_agencies
from lantern.people.services import person_update
from tests.factories import AgencyFactory, AgreementFactory, PersonFactory, RecordFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    csc: Agency
    police: Agency
    clinic: Agency
    school: Agency
    sw: User  # csc: police shares people with csc; the clinic and the school share nothing
    clinician: User
    teacher: User
    chloe: Person
    william: Person
    katherine: Person
    jade: Person
    marcus: Person


def record(person: Person, agency: Agency, *, aliases: tuple[tuple[str, str], ...] = (), phones: tuple[str, ...] = (),
           vrms: tuple[str, ...] = (), dob: tuple[int | None, int | None, int | None] = (None, None, None),
           **fields: Any) -> SourceRecord:  # fmt: skip
    year, month, day = dob
    made = RecordFactory(person=person, agency=agency, dob_year=year, dob_month=month, dob_day=day, **fields)
    for name, kind in aliases:
        Alias.objects.create(record=made, name=name, kind=kind)
    for number in phones:
        Phone.objects.create(record=made, number=number)
    for vrm in vrms:
        Vehicle.objects.create(record=made, vrm=vrm)
    index_people([made.person_id])
    return made


@pytest.fixture(autouse=True)
def _quick_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world() -> World:
    csc, police = AgencyFactory(code="csc"), AgencyFactory(code="police", kind="police")
    clinic, school = AgencyFactory(code="clinic", kind="health"), AgencyFactory(code="school", kind="education")
    AgreementFactory(provider=police, recipient=csc)
    chloe = PersonFactory(given_name="Chloe", family_name="Marsh", owning_agency=csc)
    record(chloe, csc, aliases=(("Kiki", AliasKind.STREET_NAME),), dob=(2011, 5, 17))
    record(chloe, police, phones=("+447700900123",), vrms=("AB12CDE",), dob=(2011, 5, None))
    record(chloe, clinic, aliases=(("Shadow", AliasKind.NICKNAME),), category="sexual_health", handling_code="C")
    william = PersonFactory(given_name="William", family_name="Hughes", owning_agency=csc, date_of_birth=None)
    record(william, csc)
    katherine = PersonFactory(given_name="Katherine", family_name="Doyle", owning_agency=police)
    record(katherine, police, dob=(2010, None, None))
    jade = PersonFactory(given_name="Jade", family_name="Fenwick", owning_agency=clinic)
    record(jade, clinic, phones=("+447700900456",))
    marcus = PersonFactory(given_name="Marcus", family_name="Marsh", owning_agency=csc, kind="adult")
    record(marcus, csc, dob=(1994, 2, 3))
    return World(
        csc=csc, police=police, clinic=clinic, school=school,
        sw=UserFactory(username="search-sw", agency=csc), clinician=UserFactory(username="search-nurse", agency=clinic,
        role="sexual_health_nurse"), teacher=UserFactory(username="search-dsl", agency=school,
        role="designated_safeguarding_lead"), chloe=chloe, william=william, katherine=katherine, jade=jade,
        marcus=marcus,
    )  # fmt: skip


def found(user: User, query: str, **paging: int) -> list[str]:
    people, _ = person_search(actor=user, query=query, **paging)
    return [p.display_name for p in people]


# --- What finds a person -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Chloe", ["Chloe Marsh"]),
        ("chloe marsh", ["Chloe Marsh"]),
        ("MARSH", ["Chloe Marsh", "Marcus Marsh"]),
        ("Marsh, Chloe", ["Chloe Marsh"]),
        ("Kiki", ["Chloe Marsh"]),  # a street name on csc's record
        ("Kiki Marsh", ["Chloe Marsh"]),  # words may match different records of one person
        ("Bill Hughes", ["William Hughes"]),  # a diminutive finds the formal name
        ("Will", ["William Hughes"]),
        ("Kate", ["Katherine Doyle"]),
    ],
)
def test_names_aliases_and_nicknames(world: World, query: str, expected: list[str]) -> None:
    assert found(world.sw, query) == expected


@pytest.mark.parametrize(
    "query", ["07700 900123", "07700900123", "+44 7700 900123", "+447700900123", "(07700) 900-123"]
)
def test_phone_in_any_format(world: World, query: str) -> None:
    assert found(world.sw, query) == ["Chloe Marsh"]


@pytest.mark.parametrize("query", ["AB12 CDE", "AB12CDE", "ab12cde", " ab12 cde "])
def test_vehicle_mark_with_or_without_space(world: World, query: str) -> None:
    assert found(world.sw, query) == ["Chloe Marsh"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("2011-05-17", ["Chloe Marsh"]),
        ("17/05/2011", ["Chloe Marsh"]),
        ("2011-05", ["Chloe Marsh"]),
        ("2011", ["Chloe Marsh"]),
        ("2010", ["Katherine Doyle"]),
        ("2010-03-09", ["Katherine Doyle"]),  # the police know only the year: still a candidate
        ("Marsh 2011", ["Chloe Marsh"]),
        ("Marsh 1994-02", ["Marcus Marsh"]),
        ("2012", []),
        ("2011-06", []),
    ],
)
def test_partial_date_of_birth(world: World, query: str, expected: list[str]) -> None:
    assert found(world.sw, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Chloee Marsh", ["Chloe Marsh"]),
        ("Chloe Marshh", ["Chloe Marsh"]),
        ("Katheryn", ["Katherine Doyle"]),
        ("Katherin Doyle", ["Katherine Doyle"]),
        ("Willaim Hughes", ["William Hughes"]),
        ("Hughs", ["William Hughes"]),
    ],
)
def test_misspellings(world: World, query: str, expected: list[str]) -> None:
    assert found(world.sw, query) == expected


def test_words_of_different_people_find_no_one(world: World) -> None:
    """Every word must match (all but one from three words up)."""
    assert found(world.sw, "Chloe Hughes") == []
    assert found(world.sw, "Chloe Anne Marsh") == ["Chloe Marsh"]  # a middle name the records do not hold


def test_exact_match_ranks_above_a_sound_alike(world: World) -> None:
    mark = PersonFactory(given_name="Chloe", family_name="Marshe", owning_agency=world.csc)
    record(mark, world.csc)
    assert found(world.sw, "Chloe Marsh") == ["Chloe Marsh", "Chloe Marshe"]


def test_a_join_moves_what_finds_the_records_and_an_undo_moves_it_back(world: World) -> None:
    bill = PersonFactory(given_name="Bill", family_name="Hughes", owning_agency=world.csc)
    record(bill, world.csc, phones=("+447700900789",))
    merge = person_merge(actor=world.sw, kept=world.william, absorbed=bill, reason="Same phone.")
    people, _ = person_search(actor=world.sw, query="07700 900789")
    assert [p.pk for p in people] == [world.william.pk]  # the merged person is never a result
    assert found(world.sw, "Bill Hughes") == ["William Hughes"]
    person_unmerge(actor=world.sw, merge=merge, reason="Different people.")
    people, _ = person_search(actor=world.sw, query="07700 900789")
    assert [p.pk for p in people] == [bill.pk]
    assert found(world.sw, "Bill Hughes") == ["Bill Hughes", "William Hughes"]


def test_renaming_a_person_reorders_the_results(world: World) -> None:
    assert found(world.sw, "Marsh") == ["Chloe Marsh", "Marcus Marsh"]
    person_update(actor=world.sw, person=world.chloe, given_name="Zoe")
    assert found(world.sw, "Marsh") == ["Marcus Marsh", "Zoe Marsh"]


def test_trigram_similarity_matches_pg_trgm() -> None:
    """The SQLite path re-ranks with the same measure PostgreSQL's similarity() gives."""
    assert similarity("chloe", "chloee") == pytest.approx(5 / 8)
    assert similarity("katherine", "katheryn") == pytest.approx(6 / 13)
    assert similarity("smith", "smith") == 1


# --- Access and agencies -------------------------------------------------------------------------------


def test_only_people_access_allows(world: World) -> None:
    # The school has no agreement with anyone: it finds no one it does not hold.
    assert found(world.teacher, "Chloe Marsh") == []
    assert found(world.teacher, "07700 900123") == []
    # csc finds people held by the police (agreement) but not the clinic's own patient.
    assert found(world.sw, "Katherine Doyle") == ["Katherine Doyle"]
    assert found(world.sw, "Jade Fenwick") == []
    assert found(world.sw, "07700 900456") == []
    assert found(world.clinician, "Jade Fenwick") == ["Jade Fenwick"]


def test_keys_of_unshared_records_do_not_match(world: World) -> None:
    """The clinic's nickname for Chloe must not lead csc to her: that would reveal the clinic's record."""
    assert found(world.sw, "Shadow") == []
    assert found(world.clinician, "Shadow") == ["Chloe Marsh"]


def test_agencies_named_only_as_sharing_allows(world: World) -> None:
    people, _ = person_search(actor=world.sw, query="Chloe Marsh")
    assert person_search_agencies(actor=world.sw, people=people) == {str(world.chloe.pk): ["csc", "police"]}
    people, _ = person_search(actor=world.clinician, query="Chloe Marsh")
    assert person_search_agencies(actor=world.clinician, people=people) == {str(world.chloe.pk): ["clinic"]}


def test_person_page_names_agencies_only_as_sharing_allows(world: World) -> None:
    # The clinic holds a record on Chloe but shares nothing with csc: the page must not say so.
    assert person_get(actor=world.sw, person_id=world.chloe.pk).holding_agencies == ["csc", "police"]


def test_agreements_out_of_force_do_not_count(world: World) -> None:
    AgreementFactory(provider=world.clinic, recipient=world.school, categories=["agency_record"])
    assert found(world.teacher, "Jade Fenwick") == []  # an agreement that does not cover people


def test_a_role_that_may_not_search_is_refused_and_audited(world: World) -> None:
    board = UserFactory(username="search-board", agency=AgencyFactory(code="board"), role="board_member")
    with pytest.raises(AccessDenied):
        person_search(actor=board, query="Chloe")
    row = AuditEvent.objects.order_by("-seq").first()
    assert row is not None
    assert (row.action, row.outcome, row.actor_username) == ("denied", "denied", "search-board")


# --- Audit ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "results"), [("Chloe Marsh", 1), ("Nobody Atall", 0)])
def test_every_search_is_audited_once(world: World, query: str, results: int) -> None:
    before = AuditEvent.objects.count()
    person_search(actor=world.sw, query=query)
    rows = list(AuditEvent.objects.order_by("seq")[before:])
    assert [(r.action, r.outcome, r.object_type, r.actor_username, r.purpose) for r in rows] == [
        ("search", "success", "person", "search-sw", "person search")
    ]
    detail = json.loads(rows[0].detail)
    assert (detail["query"], detail["results"]) == (query, results)


# --- API -----------------------------------------------------------------------------------------------


@pytest.fixture
def api(world: World) -> Client:
    key = token_create(user=world.sw, issued_by="test").key
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_api_shape(world: World, api: Client) -> None:
    response = api.get("/api/v1/people/search", {"q": "Chloe Marsh"})
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": str(world.chloe.pk),
                "display_name": "Chloe Marsh",
                "kind": "child",
                "date_of_birth": "2011-05-17",
                "agencies": ["csc", "police"],
            }
        ],
        "count": 1,
    }


def test_api_pages(world: World, api: Client) -> None:
    for given in ("Ava", "Ella", "Isla", "Mia"):
        record(PersonFactory(given_name=given, family_name="Marsh", owning_agency=world.csc), world.csc)
    everyone = api.get("/api/v1/people/search", {"q": "marsh"}).json()
    assert everyone["count"] == 6
    names = [item["display_name"] for item in everyone["items"]]
    assert names == ["Ava Marsh", "Chloe Marsh", "Ella Marsh", "Isla Marsh", "Marcus Marsh", "Mia Marsh"]
    page = api.get("/api/v1/people/search", {"q": "marsh", "limit": 2, "offset": 2}).json()
    assert page == {"items": everyone["items"][2:4], "count": 6}
    past = api.get("/api/v1/people/search", {"q": "marsh", "limit": 2, "offset": 10}).json()
    assert past == {"items": [], "count": 6}


def test_api_search_is_audited(world: World, api: Client) -> None:
    before = AuditEvent.objects.count()
    api.get("/api/v1/people/search", {"q": "Kiki"})
    rows = list(AuditEvent.objects.order_by("seq")[before:])
    assert [(r.action, r.actor_username) for r in rows] == [("search", "search-sw")]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": ""}, "q", "Type a name, phone number, vehicle registration mark or date of birth"),
        ({"q": "   "}, "q", "Type a name"),
        ({"q": "!!!"}, "q", "Type a name"),
        ({}, "q", "Field required"),
        ({"q": "x" * 201}, "q", "at most 200 characters"),
        ({"q": "Chloe", "limit": 0}, "limit", "greater than or equal to 1"),
        ({"q": "Chloe", "limit": 201}, "limit", "less than or equal to 200"),
        ({"q": "Chloe", "limit": "ten"}, "limit", "valid integer"),
        ({"q": "Chloe", "offset": -1}, "offset", "greater than or equal to 0"),
    ],
)
def test_api_bad_input_is_422(api: Client, params: dict[str, Any], field: str, message: str) -> None:
    before = AuditEvent.objects.count()
    response = api.get("/api/v1/people/search", params)
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert [error["loc"][-1] for error in errors] == [field]
    assert message in errors[0]["msg"]
    rows = list(AuditEvent.objects.order_by("seq")[before:])
    assert [(r.outcome, r.purpose) for r in rows] == [("failure", "rejected API request")]


def test_api_refuses_a_role_that_may_not_search() -> None:
    board = UserFactory(username="search-board2", role="board_member")
    key = token_create(user=board, issued_by="test").key
    response = Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/people/search", {"q": "Chloe"})
    assert response.status_code == 403


# --- Page ----------------------------------------------------------------------------------------------


def test_page_lists_people_with_their_agencies(world: World, client: Client) -> None:
    client.force_login(world.sw)
    text = client.get("/people/", {"q": "Chloee Marsh"}).content.decode()
    assert "1 person found" in text
    assert f"/people/{world.chloe.pk}/" in text
    assert "csc, police" in text
    assert "clinic" not in text


def test_page_explains_input_it_cannot_search(world: World, client: Client) -> None:
    client.force_login(world.sw)
    text = client.get("/people/", {"q": "???"}).content.decode()
    assert "There is a problem" in text
    assert "Enter a name, phone number, vehicle registration mark or date of birth" in text


def test_page_pages(world: World, client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lantern.people.selectors.SEARCH_LIMIT", 1)
    client.force_login(world.sw)
    first = client.get("/people/", {"q": "Marsh"}).content.decode()
    assert "Showing 1 to 1" in first
    assert "page=2" in first
    second = client.get("/people/", {"q": "Marsh", "page": 2}).content.decode()
    assert "Marcus Marsh" in second
    assert "page=1" in second
