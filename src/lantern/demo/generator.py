"""The Kestrelmoor demo borough: agencies, teams, users, sharing agreements and synthetic people.

Everything is invented: names from Faker en_GB, phone numbers only from Ofcom's drama ranges (mobiles
07700 900000-900999), and the same seed always gives the same borough (ids included). Each agency's record
arrives as a person of its own, as it would from a real agency's system; `lantern demo` then runs linkage,
which joins most of them and leaves the pairs it is unsure of for review.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from string import Formatter

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from lantern.access.models import SharingAgreement
from lantern.access.roles import Role
from lantern.accounts.enums import AgencyKind
from lantern.accounts.models import Agency, Team, User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.demo.cases import generate_cases, kept_children
from lantern.demo.locality import load_locality
from lantern.demo.network import generate_associations
from lantern.demo.oversight import generate_oversight
from lantern.demo.screening import generate_screenings
from lantern.intel import extract
from lantern.intel.enums import (
    URGENCY_RISK,
    Corroboration,
    EntityKind,
    EntityOrigin,
    HandlingCode,
    Knowledge,
    Risk,
    Scheme,
    Source,
    Status,
    Urgency,
)
from lantern.intel.enums import Outcome as IntelOutcome
from lantern.intel.models import AccessRequest, CorroborationNote, IntelEntity, IntelReport, SanitisedReport
from lantern.intel.rules import LANTERN_INTEL_24H
from lantern.intel.services import REFERENCE_ALPHABET, suggested_sanitised_text
from lantern.locality.models import Area
from lantern.locality.services import profiles_recompute
from lantern.network.services import graph_rebuild
from lantern.oversight.catalogue import ensure_courses
from lantern.people import normalise
from lantern.people.enums import AliasKind, PersonKind, PlaceKind, RecordCategory
from lantern.people.linkage.clean import SEX_VALUES
from lantern.people.linkage.synthetic import (
    INWARD_LETTERS,
    OUTWARD_CODES,
    STREET_NAMES,
    VRM_FIRST,
    VRM_RANDOM,
    VRM_SECOND,
    SyntheticPerson,
    generate_records,
)
from lantern.people.models import Address, Alias, Allocation, Person, Phone, Place, SourceRecord, Vehicle
from lantern.people.search import index_people

DEFAULT_SEED = 20130514
# A fixed "today" for the generated history, so a seed gives the same borough whenever it is run.
ANCHOR_DATE = dt.date(2026, 11, 2)

RECORDS_PER_SCALE = 5000

AGENCIES: tuple[tuple[str, str, AgencyKind], ...] = (
    ("csc", "Kestrelmoor Children's Social Care", AgencyKind.SOCIAL_CARE),
    ("police", "Kestrelmoor Police CSE Team", AgencyKind.POLICE),
    ("health", "Kestrelmoor Sexual Health Service", AgencyKind.HEALTH),
    ("school", "Kestrelmoor Academy", AgencyKind.EDUCATION),
    ("youth", "Kestrelmoor Youth Service", AgencyKind.YOUTH),
    ("board", "Kestrelmoor Safeguarding Children Partnership", AgencyKind.PARTNERSHIP),
)

TEAMS: tuple[tuple[str, str], ...] = (
    ("csc", "CSE and Missing Team"),
    ("csc", "Systems"),
    ("csc", "Information Governance"),
    ("police", "CSE Team"),
    ("health", "Sexual Health Outreach"),
    ("school", "Safeguarding"),
    ("youth", "Detached Youth Work"),
    ("board", "Partnership Board"),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    agency: str
    team: str
    role: Role
    first_name: str
    last_name: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("sw1", "csc", "CSE and Missing Team", Role.SOCIAL_WORKER, "Priya", "Okafor"),
    DemoUser("sw2", "csc", "CSE and Missing Team", Role.SOCIAL_WORKER, "Tom", "Hartley"),
    DemoUser("sw3", "csc", "CSE and Missing Team", Role.SOCIAL_CARE_ASSISTANT, "Jade", "Whitworth"),
    DemoUser("tm1", "csc", "CSE and Missing Team", Role.TEAM_MANAGER, "Helen", "Ashworth"),
    DemoUser("cse1", "police", "CSE Team", Role.POLICE_CSE_OFFICER, "Daniel", "Mistry"),
    DemoUser("analyst1", "police", "CSE Team", Role.INTELLIGENCE_ANALYST, "Sara", "Lindqvist"),
    DemoUser("nurse1", "health", "Sexual Health Outreach", Role.SEXUAL_HEALTH_NURSE, "Grace", "Obi"),
    DemoUser("dsl1", "school", "Safeguarding", Role.DESIGNATED_SAFEGUARDING_LEAD, "Martin", "Crossley"),
    DemoUser("youth1", "youth", "Detached Youth Work", Role.YOUTH_WORKER, "Kieran", "Walsh"),
    DemoUser("board1", "board", "Partnership Board", Role.BOARD_MEMBER, "Ruth", "Greenhalgh"),
    DemoUser("admin1", "csc", "Systems", Role.SYSTEM_ADMIN, "Sam", "Bradley"),
    DemoUser("ig1", "csc", "Information Governance", Role.INFORMATION_GOVERNANCE, "Amira", "Haddad"),
)

LAWFUL_BASIS = (
    "UK GDPR Article 6(1)(e) public task; Children Act 1989 s47 and Children Act 2004 s11; special-category "
    "data under Article 9(2)(g) with DPA 2018 Schedule 1 paragraph 18 (safeguarding of children)."
)
PARTNERS = ("csc", "police", "health", "school", "youth")
# Health shares person and record information only with social care and police; schools and youth
# services do not exchange records directly, they go through social care.
NOT_SHARED = {("health", "school"), ("health", "youth"), ("school", "youth")}
HEALTH_DETAIL_RECIPIENTS = ("csc", "police")

RECORD_TITLES: dict[str, tuple[str, ...]] = {
    "csc": (
        "Contact from a partner agency",
        "Referral for assessment",
        "Missing episode notification",
        "Return home interview",
        "Child and family assessment note",
    ),
    "police": (
        "Missing person report",
        "Found in the company of an older male",
        "Vehicle stop",
        "Intelligence about a house party",
        "Child abduction warning notice considered",
    ),
    "health": (
        "Clinic attendance",
        "Emergency contraception request",
        "Outreach contact",
        "Concern raised by a school nurse",
    ),
    "school": (
        "Persistent absence",
        "Seen being collected by car at the gates",
        "Change in behaviour",
        "New phone and gifts noticed",
    ),
    "youth": (
        "Seen at the bus station late at night",
        "Disclosure of an older boyfriend",
        "Detached session contact",
        "Concern about a takeaway venue",
    ),
}
RECORDERS = (
    Role.SOCIAL_WORKER, Role.SOCIAL_CARE_ASSISTANT, Role.POLICE_CSE_OFFICER, Role.SEXUAL_HEALTH_NURSE,
    Role.DESIGNATED_SAFEGUARDING_LEAD, Role.YOUTH_WORKER,
)  # fmt: skip
SEXUAL_HEALTH_TITLES = ("STI screening result", "Pregnancy test", "Repeat emergency contraception")


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _at(rng: random.Random, days_back: int) -> dt.datetime:
    day = ANCHOR_DATE - dt.timedelta(days=rng.randrange(0, days_back))
    moment = dt.datetime.combine(day, dt.time(rng.randrange(8, 20), rng.randrange(0, 60)))
    return timezone.make_aware(moment)


def ensure_organisation() -> dict[str, Agency]:
    """Agencies, teams, demo users and sharing agreements; safe to run again (it updates in place)."""
    agencies = {}
    for code, name, kind in AGENCIES:
        agencies[code], _ = Agency.objects.update_or_create(code=code, defaults={"name": name, "kind": kind})
    teams = {}
    for code, name in TEAMS:
        teams[(code, name)], _ = Team.objects.get_or_create(agency=agencies[code], name=name)
    for spec in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=spec.username,
            defaults={
                "agency": agencies[spec.agency],
                "team": teams[(spec.agency, spec.team)],
                "role": spec.role,
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@kestrelmoor.example",
                "swe_registration": f"SW{zlib.crc32(spec.username.encode()) % 10**6:06d}"
                if spec.role in {Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
                else "",
                # Registrations renew each 30 November (Social Work England's cycle); the demo's stay current.
                "swe_registration_expires": dt.date(timezone.localdate().year + 1, 11, 30)
                if spec.role in {Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
                else None,
                "is_active": True,
            },
        )
        user.set_password(settings.LANTERN_DEMO_PASSWORD)
        user.save(update_fields=["password"])
    managers = {"CSE and Missing Team": "tm1"}
    for (_code, name), team in teams.items():
        manager = User.objects.filter(username=managers.get(name, "")).first()
        if team.manager != manager:
            team.manager = manager
            team.save(update_fields=["manager"])
    _ensure_agreements(agencies)
    ensure_courses()  # the partnership's CSE courses, which a test database emptied since migrating lacks
    return agencies


def agreement_categories(provider: str, recipient: str) -> list[str]:
    """What the Kestrelmoor protocol lets `provider` share with `recipient`. Every partner shares intelligence
    in full with the police, whose analysts triage it; sanitised intelligence goes wherever records go; and
    every partner may know that another holds intelligence, even where records are not exchanged."""
    categories = []
    if tuple(sorted((provider, recipient))) not in NOT_SHARED:
        categories += ["person", "agency_record", "case", "screening"]
        if provider == "health" and recipient in HEALTH_DETAIL_RECIPIENTS:
            categories.append("sexual_health")
        categories.append("intelligence_sanitised")
    if recipient == "police":
        categories.append("intelligence")
    categories.append("intelligence_existence")
    return categories


def _ensure_agreements(agencies: dict[str, Agency]) -> None:
    for provider in PARTNERS:
        for recipient in PARTNERS:
            if provider == recipient:
                continue
            SharingAgreement.objects.update_or_create(
                provider=agencies[provider],
                recipient=agencies[recipient],
                title="Kestrelmoor multi-agency CSE information-sharing protocol",
                defaults={
                    "lawful_basis": LAWFUL_BASIS,
                    "categories": agreement_categories(provider, recipient),
                    "starts_on": dt.date(2024, 4, 1),
                    "ends_on": dt.date(2027, 3, 31),
                },
            )


def _alias_kind(alias: str, person: SyntheticPerson) -> AliasKind:
    if alias in person.street_names:
        return AliasKind.STREET_NAME
    if alias == person.given_name or " " in alias:
        return AliasKind.FORMAL
    return AliasKind.DIMINUTIVE


@dataclass
class _Fragments:
    """Each agency's own record of a person, as a person of its own until a linkage run joins them."""

    people: list[Person]
    records: list[SourceRecord]
    parts: list[Alias | Phone | Vehicle | Address]
    truth: dict[uuid.UUID, SyntheticPerson] = field(default_factory=dict)  # each person's true person


def _fragments(rng: random.Random, scale: int, seed: int, agencies: dict[str, Agency]) -> _Fragments:
    """Kestrelmoor's agencies' records: the same children and adults in one to five agencies' records, with
    typos, diminutives, street names, swapped names, partial dates of birth, changed phones and cars (the
    linkage benchmark's generator, so the demo is as hard as what Lantern is measured on)."""
    data = generate_records(RECORDS_PER_SCALE * scale, seed=seed)
    truth = {person.key: person for person in data.people}
    recorders = {
        code: list(User.objects.filter(agency__code=code, role__in=RECORDERS).order_by("username")) for code in PARTNERS
    }
    out = _Fragments([], [], [])
    for row in sorted(data.rows(), key=lambda r: r["record_id"]):
        true = truth[data.truth[row["record_id"]]]
        code = row["agency"]
        dob = _dob_parts(row["dob"])
        child = true.kind == "child"
        sex = SEX_VALUES.get(row["sex"].strip().lower()) or ""
        person = Person(
            id=_uuid(rng),
            kind=PersonKind.CHILD if child else PersonKind.ADULT,
            given_name=row["given_name"].strip().title() or "Not known",
            family_name=row["family_name"].strip().title() or "Not known",
            date_of_birth=dt.date(*dob) if dob[2] else None,  # type: ignore[arg-type]
            sex=sex,
            owning_agency=agencies[code],
            created_by=recorders[code][0],
            created_at=_at(rng, 730),
            statutory_enquiry_open=child and rng.random() < 0.05,
        )
        sexual_health = code == "health" and child and rng.random() < 0.35
        title = rng.choice(SEXUAL_HEALTH_TITLES if sexual_health else RECORD_TITLES[code])
        phone = normalise.try_phone(row["phone"])
        contact = f" Contact number given: {normalise.display_phone(phone)}." if phone else ""
        record = SourceRecord(
            id=_uuid(rng),
            person=person,
            source_id=row["record_id"].upper(),
            given_name=row["given_name"],
            family_name=row["family_name"],
            dob_year=dob[0],
            dob_month=dob[1],
            dob_day=dob[2],
            sex=sex,
            agency=agencies[code],
            category=RecordCategory.SEXUAL_HEALTH if sexual_health else RecordCategory.AGENCY_RECORD,
            title=title,
            summary=f"{title} concerning {row['given_name'] or 'a young person'}.{contact} "
            "Recorded for information-sharing under the Kestrelmoor protocol.",
            handling_code="C" if rng.random() < 0.2 else "P",
            recorded_by=rng.choice(recorders[code]),
            recorded_at=person.created_at,
        )
        out.people.append(person)
        out.records.append(record)
        out.truth[person.pk] = true
        aliases = [a.strip() for a in row["aliases"].split(";") if a.strip()]
        out.parts += [Alias(record=record, name=a, kind=_alias_kind(a, true)) for a in aliases]
        if phone:
            out.parts.append(Phone(record=record, number=phone))
        if vrm := normalise.try_vrm(row["vrm"]):
            out.parts.append(Vehicle(record=record, vrm=vrm))
        if postcode := normalise.try_postcode(row["postcode"]):
            out.parts.append(Address(record=record, postcode=postcode))
    return out


def _dob_parts(raw: str) -> tuple[int | None, int | None, int | None]:
    try:
        parsed = normalise.parse_partial_date(raw)
    except normalise.InvalidValue:
        return None, None, None  # an agency's unusable date: kept out, as an import would refuse it
    return (parsed.year, parsed.month, parsed.day) if parsed else (None, None, None)


# --- Wards and places -----------------------------------------------------------------------------------

# Invented compound names: none is a real ward. Kestrelmoor is drawn in open North Sea (54.00-54.12N,
# 1.00-1.25E), so nothing on its map sits on a real place.
WARD_NAMES = (
    "Kestrel Heath", "Brackenholt", "Merrowgate", "Quillbrook", "Tarnwick Vale", "Hollinsgarth",
    "Sallowmere", "Corvenby", "Wrenlow Moss", "Pellow Cross", "Gannet Rise", "Lanternside",
)  # fmt: skip
POSTCODE_SECTORS = tuple(f"{outward} {digit}" for outward in OUTWARD_CODES for digit in range(10))
WARD_COLUMNS = 4  # wards laid out on a 4 x 3 grid of centroids
SOUTH_WEST_CENTROID = (54.02, 1.035)
CENTROID_STEP = (0.04, 0.06)  # degrees of latitude and longitude between neighbouring centroids
PLACE_SPREAD = 0.012  # degrees a place may sit from its ward's centroid: it stays inside the sea box


@dataclass(frozen=True)
class WardSpec:
    name: str
    sectors: tuple[str, ...]
    latitude: float
    longitude: float

    @property
    def code(self) -> str:
        return slugify(self.name)


def _ward_layout() -> tuple[WardSpec, ...]:
    """Each ward takes a run of neighbouring sectors, so every sector lies in exactly one ward."""
    per_ward, extra = divmod(len(POSTCODE_SECTORS), len(WARD_NAMES))
    specs, start = [], 0
    for index, name in enumerate(WARD_NAMES):
        end = start + per_ward + (1 if index < extra else 0)
        row, column = divmod(index, WARD_COLUMNS)
        latitude = round(SOUTH_WEST_CENTROID[0] + row * CENTROID_STEP[0], 4)
        longitude = round(SOUTH_WEST_CENTROID[1] + column * CENTROID_STEP[1], 4)
        specs.append(WardSpec(name, POSTCODE_SECTORS[start:end], latitude, longitude))
        start = end
    return tuple(specs)


WARDS = _ward_layout()

# Invented places (no real business), in the wards named; every kind of place is here.
PLACES: tuple[tuple[str, PlaceKind, str], ...] = (
    ("Merrowgate Fried Chicken", PlaceKind.TAKEAWAY, "Merrowgate"),
    ("Quillbrook Pizza and Kebab", PlaceKind.TAKEAWAY, "Quillbrook"),
    ("Tarnwick Grill House", PlaceKind.TAKEAWAY, "Tarnwick Vale"),
    ("Sallowmere Spice Takeaway", PlaceKind.TAKEAWAY, "Sallowmere"),
    ("Corvenby Fish Bar", PlaceKind.TAKEAWAY, "Corvenby"),
    ("Lanternside Late Kitchen", PlaceKind.TAKEAWAY, "Lanternside"),
    ("Pellow Cross Peri Peri", PlaceKind.TAKEAWAY, "Pellow Cross"),
    ("Kestrel Heath Recreation Ground", PlaceKind.PARK, "Kestrel Heath"),
    ("Brackenholt Country Park", PlaceKind.PARK, "Brackenholt"),
    ("Wrenlow Moss Playing Fields", PlaceKind.PARK, "Wrenlow Moss"),
    ("Hollinsgarth Skate Park", PlaceKind.PARK, "Hollinsgarth"),
    ("Gannet Rise Woods", PlaceKind.PARK, "Gannet Rise"),
    ("Sallowmere Lodge Hotel", PlaceKind.HOTEL, "Sallowmere"),
    ("Corvenby Guest House", PlaceKind.HOTEL, "Corvenby"),
    ("Merrowgate Motor Inn", PlaceKind.HOTEL, "Merrowgate"),
    ("Lanternside Budget Rooms", PlaceKind.HOTEL, "Lanternside"),
    ("Flat above Quillbrook Vape Shop", PlaceKind.FLAT, "Quillbrook"),
    ("Flat above Tarnwick Minimarket", PlaceKind.FLAT, "Tarnwick Vale"),
    ("Pellow Court flats", PlaceKind.FLAT, "Pellow Cross"),
    ("Hollinsgarth House bedsits", PlaceKind.FLAT, "Hollinsgarth"),
    ("14 Wrenlow Terrace", PlaceKind.FLAT, "Wrenlow Moss"),
    ("Flat above Kestrel Heath Launderette", PlaceKind.FLAT, "Kestrel Heath"),
    ("Quillbrook Vape Shop", PlaceKind.SHOP, "Quillbrook"),
    ("Tarnwick Minimarket", PlaceKind.SHOP, "Tarnwick Vale"),
    ("Kestrel Heath Off Licence", PlaceKind.SHOP, "Kestrel Heath"),
    ("Brackenholt Phone Repairs", PlaceKind.SHOP, "Brackenholt"),
    ("Corvenby Convenience Store", PlaceKind.SHOP, "Corvenby"),
    ("Gannet Rise Filling Station", PlaceKind.SHOP, "Gannet Rise"),
    ("Kestrelmoor Bus Station", PlaceKind.TRANSPORT, "Merrowgate"),
    ("Kestrelmoor Railway Station", PlaceKind.TRANSPORT, "Pellow Cross"),
    ("Sallowmere Interchange", PlaceKind.TRANSPORT, "Sallowmere"),
    ("Wrenlow Moss Halt", PlaceKind.TRANSPORT, "Wrenlow Moss"),
    ("Lanternside Retail Park car park", PlaceKind.CAR_PARK, "Lanternside"),
    ("Pellow Cross Multi-Storey", PlaceKind.CAR_PARK, "Pellow Cross"),
    ("Brackenholt Leisure Centre car park", PlaceKind.CAR_PARK, "Brackenholt"),
    ("Car park behind Tarnwick Parade", PlaceKind.CAR_PARK, "Tarnwick Vale"),
    ("Kestrelmoor Station car park", PlaceKind.CAR_PARK, "Pellow Cross"),
    ("Kestrelmoor Amusements", PlaceKind.OTHER, "Lanternside"),
    ("Wrenlow Moss Snooker Hall", PlaceKind.OTHER, "Wrenlow Moss"),
    ("Hollinsgarth Shisha Lounge", PlaceKind.OTHER, "Hollinsgarth"),
    ("Gannet Rise Canal Towpath", PlaceKind.OTHER, "Gannet Rise"),
)


def ensure_wards() -> list[Area]:
    """The twelve wards; safe to run again (each is updated in place by its code)."""
    wards = []
    for spec in WARDS:
        ward, _ = Area.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "postcode_sectors": list(spec.sectors),
                "latitude": spec.latitude,
                "longitude": spec.longitude,
            },
        )
        wards.append(ward)
    return wards


def ensure_places(wards: list[Area]) -> list[Place]:
    """The places intelligence names. The map is the same for every seed (each place's spot and postcode come
    from its name), so running again updates the places in place rather than adding more."""
    ward_of = {ward.name: ward for ward in wards}
    spec_of = {spec.name: spec for spec in WARDS}
    places = []
    for name, kind, ward_name in PLACES:
        spec, spot = spec_of[ward_name], random.Random(f"kestrelmoor place {name}")
        sector = spot.choice(spec.sectors)
        place, _ = Place.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "ward": ward_of[ward_name],
                "postcode": f"{sector}{spot.choice(INWARD_LETTERS)}{spot.choice(INWARD_LETTERS)}",
                "latitude": round(spec.latitude + spot.uniform(-PLACE_SPREAD, PLACE_SPREAD), 5),
                "longitude": round(spec.longitude + spot.uniform(-PLACE_SPREAD, PLACE_SPREAD), 5),
            },
        )
        places.append(place)
    return places


# --- Intelligence -----------------------------------------------------------------------------------------

INTEL_PER_SCALE = 3000
PUBLIC_SHARE = 0.2
UNGRADED_SHARE = 0.15  # the newest reports, still waiting in the triage queue
LATE_SHARE = 0.06  # graded after LANTERN-INTEL-24H's deadline
SANITISED_SHARE = 0.6
OUTCOME_SHARE = 0.8
HANDLING_C_SHARE = 0.2
CHARACTERS_PER_SCALE = 20  # recurring men of concern, each with his street name, car and phone
VEHICLES_PER_SCALE = 25
PHONES_PER_SCALE = 30
GIRLS_PER_SCALE, BOYS_PER_SCALE = 45, 15
CORROBORATIONS_PER_SCALE = 20
ACCESS_REQUESTS_PER_SCALE = 6

INTEL_SUBMITTERS: dict[str, tuple[str, ...]] = {
    "csc": ("sw1", "sw2", "sw3", "tm1"),
    "police": ("cse1", "analyst1"),
    "health": ("nurse1",),
    "school": ("dsl1",),
    "youth": ("youth1",),
}
INTEL_AGENCY_WEIGHTS = (30, 22, 13, 18, 17)  # in PARTNERS order
ANALYST = "analyst1"
CORROBORATORS = {"csc": "sw1", "police": "cse1", "health": "nurse1", "school": "dsl1", "youth": "youth1"}
REQUESTERS = ("dsl1", "youth1")
REQUESTER_AGENCIES = {"dsl1": "school", "youth1": "youth"}
REQUEST_REASONS = {
    "dsl1": "{name} is a pupil here and we are holding a safety planning meeting this week; we need to know what "
    "is held so the plan covers it.",
    "youth1": "{name} comes to our detached sessions and we are planning how to keep {name} safe; we need to know "
    "what is held.",
}
REQUEST_REASON_GENERAL = (
    "A young person we work with has mentioned this; we need to know whether there are concerns before we next "
    "see them."
)
PUBLIC = "public"

CURRENT_VRM = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z]{3}")
DRAMA_MOBILES = tuple(f"07700 900{n:03d}" for n in range(1000))
DRAMA_MOBILE_E164 = "+447700900"  # the same block, normalised
CARS = (
    "silver Vauxhall Corsa", "black BMW 3 Series", "white Ford Transit van", "grey Audi A3", "blue Ford Fiesta",
    "black Mercedes C-Class", "red Seat Leon", "white Volkswagen Golf", "dark green Skoda Octavia",
    "black Range Rover Evoque", "grey Nissan Qashqai", "silver Toyota Prius with private hire plates",
)  # fmt: skip
TIMES = (
    ("about 4pm", dt.time(16, 0)), ("half past six", dt.time(18, 30)), ("about 9pm", dt.time(21, 0)),
    ("10.30pm", dt.time(22, 30)), ("11pm", dt.time(23, 0)), ("around midnight", dt.time(0, 0)),
    ("1am", dt.time(1, 0)),
)  # fmt: skip
# Days between what happened and the report arriving: mostly the same day or the next.
DELAYS = ((0, 1, 2, 3, 5, 7), (40, 30, 12, 8, 6, 4))
URGENCIES = ((Urgency.IMMEDIATE, Urgency.URGENT, Urgency.SOON, Urgency.INFORMATION), (2, 18, 45, 35))
PARTNER_SOURCE = ("123", (55, 40, 5))
PUBLIC_SOURCE = ("123", (5, 80, 15))
ASSESSMENTS: dict[Knowledge, tuple[str, tuple[int, ...]]] = {
    Knowledge.SEEN: ("AB", (80, 20)),
    Knowledge.TOLD_BY_CHILD: ("BC", (40, 60)),
    Knowledge.THIRD_PARTY: ("BCD", (25, 60, 15)),
    Knowledge.RUMOUR: ("CDE", (20, 70, 10)),
}
HANDLING_CONDITIONS = (
    "Share with police and children's social care only.",
    "Not to be disclosed to the child's family.",
    "Do not reveal that the information came from the child's school.",
    "Not for use in evidence without the source agency's agreement.",
)
OUTCOMES = (IntelOutcome.NO_FURTHER_ACTION, IntelOutcome.SHARED, IntelOutcome.REFERRAL, IntelOutcome.STRATEGY)
OUTCOME_WEIGHTS = {"weak": (70, 20, 7, 3), "usual": (25, 40, 22, 13)}  # weak: assessed D or E
OUTCOME_REASONS: dict[str, tuple[str, ...]] = {
    IntelOutcome.NO_FURTHER_ACTION: (
        "Not enough detail to act on; kept for the wider picture.",
        "Already known and being worked under an existing strategy.",
        "Contradicted by what partners know; assessed as unreliable.",
        "Duplicates an earlier report.",
    ),
    IntelOutcome.SHARED: ("Shared with the CSE and Missing Team and neighbourhood policing.", ""),
    IntelOutcome.REFERRAL: ("Referral raised to children's social care.", ""),
    IntelOutcome.STRATEGY: ("Strategy discussion requested with children's social care.", ""),
}
CORROBORATION_NOTES: dict[Corroboration, tuple[str, ...]] = {
    Corroboration.SEEN_TOO: (
        "Our staff saw the same thing in the same place the following week.",
        "A young person we work with told us much the same.",
        "The same vehicle was seen by our staff in the area a few days later.",
    ),
    Corroboration.CONTRADICTED: (
        "The young person was with us at the time described.",
        "We checked: the vehicle was off the road at the time.",
    ),
    Corroboration.OUT_OF_DATE: (
        "The venue has since closed and is boarded up.",
        "The man named has moved out of the area.",
    ),
}
CORROBORATION_KINDS = (tuple(CORROBORATION_NOTES), (70, 15, 15))
GENERIC_SPOTS = (
    "the alley behind the {ward} shops", "the {ward} underpass", "a house on the {ward} estate",
    "the bus shelter on {ward} high street",
)  # fmt: skip
# Location lines: {name} as listed, {words} as said in a sentence ("the flat above ...").
PARTNER_SPOTS = ("Outside {words}", "{name}, {postcode}", "At {words}", "Near {words}")
PUBLIC_SPOTS = ("{name}, {ward}", "Near {words} ({postcode})", "Outside {words} in {ward}")
COMMON_NOUN_PLACES = ("Flat ", "Car park ")  # names that take "the" in a sentence
PARTNERS_AND_PUBLIC = (*PARTNERS, PUBLIC)


@dataclass(frozen=True)
class _Template:
    """A report's text with slots: {child} (and {she}, {She}, {her}, {her_obj} for the child), {age},
    {nick}, {adult}, {car}, {vrm}, {phone}, {place} and {time}."""

    text: str
    knowledge: Knowledge  # how the writer knows; the public are not asked, but it still guides the grading
    writers: tuple[str, ...]
    girls_only: bool = False  # the {child} it names must be a girl

    @cached_property
    def slots(self) -> frozenset[str]:
        return frozenset(name for _, name, _, _ in Formatter().parse(self.text) if name)


_K = Knowledge
TEMPLATES: tuple[_Template, ...] = (
    _Template("Two girls aged about {age} seen getting into a {car} {vrm} outside {place} at {time}; the driver "
              "is known as {nick}.", _K.SEEN, PARTNERS),
    _Template("{child} was seen in the front of a {car}, registration {vrm}, parked at {place} at {time}. An older "
              "man was driving.", _K.SEEN, PARTNERS),
    _Template("A {car} ({vrm}) has been parked at {place} most evenings this week, with young people getting in "
              "and out of it.", _K.SEEN, PARTNERS),
    _Template("{child} was seen at {place} at {time} with a man known as {nick}, who looks to be in his twenties.",
              _K.SEEN, PARTNERS),
    _Template("Men buying alcohol for young people at {place} on Friday and Saturday nights; one of them drives a "
              "{car}, {vrm}.", _K.SEEN, PARTNERS),
    _Template("{child} has a new expensive phone and says {nick} gave it to {her_obj}; his number is {phone}.",
              _K.TOLD_BY_CHILD, PARTNERS),
    _Template("{child} told me {she} goes to parties at {place} where older men hand out vapes and alcohol. {She} "
              "named one of them as {nick}.", _K.TOLD_BY_CHILD, PARTNERS),
    _Template("{child} says {she} owes {nick} money for presents and that he has said {she} can pay it back "
              "another way. {She} gave his number as {phone}.", _K.TOLD_BY_CHILD, PARTNERS),
    _Template("{child} talked about an older boyfriend called {adult} who picks {her_obj} up in a {car}, {vrm}, "
              "and takes {her_obj} to {place}.", _K.TOLD_BY_CHILD, PARTNERS),
    _Template("{child} said {she} was given a lift home from {place} at {time} by {nick} and his friends and did "
              "not want to go with them.", _K.TOLD_BY_CHILD, PARTNERS),
    _Template("A parent told us that {child} has been messaging an adult man on {phone} and staying out past "
              "midnight.", _K.THIRD_PARTY, PARTNERS),
    _Template("Another young person said that a man known as {nick} is using {place} to meet girls from the "
              "academy.", _K.THIRD_PARTY, PARTNERS),
    _Template("Staff at {place} told us that a man known as {nick} regularly brings different teenage girls there "
              "late at night.", _K.THIRD_PARTY, PARTNERS),
    _Template("A friend of {child} says {she} was missing overnight and was last seen at {place} with {nick}.",
              _K.THIRD_PARTY, PARTNERS),
    _Template("Young people are saying that {nick} pays girls to hold drugs for him at {place}.", _K.RUMOUR,
              PARTNERS),
    _Template("Talk among young people of a house party at {place} organised by {nick}; the number going round "
              "is {phone}.", _K.RUMOUR, PARTNERS),
    _Template("Rumour that a {car} ({vrm}) is picking up girls outside {place} after school.", _K.RUMOUR, PARTNERS),
    _Template("{child} was collected at the school gates by a {car}, {vrm}, driven by an adult man not known to "
              "the school.", _K.SEEN, ("school",)),
    _Template("{child} has been missing afternoon lessons and was seen at {place} in school hours with older "
              "males.", _K.THIRD_PARTY, ("school",)),
    _Template("During a detached session at {place} at {time} we saw {child} get into a {car}, {vrm}. The driver "
              "is known as {nick}.", _K.SEEN, ("youth",)),
    _Template("Detached team found young people drinking at {place}; they said {nick} brought the alcohol and gave "
              "out his number, {phone}.", _K.TOLD_BY_CHILD, ("youth",)),
    _Template("{child} came to clinic asking for emergency contraception and said {her} boyfriend {nick} is 24. "
              "{She} gave his number as {phone}.", _K.TOLD_BY_CHILD, ("health",), girls_only=True),
    _Template("{child} came to clinic with an older man who answered questions for {her_obj} and would not leave "
              "the room; he was later seen leaving {place} in a {car}, {vrm}.", _K.SEEN, ("health",)),
    _Template("Vehicle {vrm} ({car}) stopped near {place} at {time} with two girls aged about {age} in the back; "
              "the driver gave his name as {adult} and said they were his nieces.", _K.SEEN, ("police",)),
    _Template("Officers attending {place} found {child} with a man known as {nick}, who left before he could be "
              "spoken to.", _K.SEEN, ("police",)),
    _Template("{child}'s mother says {she} came home at 3am smelling of alcohol with a new phone and that {nick} "
              "drove {her_obj} home in a {car}.", _K.THIRD_PARTY, ("csc",)),
    _Template("Return home interview: {child} says {she} was at {place} with {nick} while missing; {she} would "
              "not say more.", _K.TOLD_BY_CHILD, ("csc",)),
    _Template("I live opposite {place} and most nights a {car} {vrm} pulls up and young girls get in. They look "
              "about {age}.", _K.SEEN, (PUBLIC,)),
    _Template("There are men hanging around {place} giving teenagers lifts in a {car}. One of them is called "
              "{nick}.", _K.SEEN, (PUBLIC,)),
    _Template("Saw a girl who looked about {age} crying outside {place} at {time}; a man in a {car} shouted at her "
              "to get in. The reg was {vrm}.", _K.SEEN, (PUBLIC,)),
    _Template("Kids going in and out of {place} at all hours and I think they are being given drink. Someone said "
              "the man's number is {phone}.", _K.THIRD_PARTY, (PUBLIC,)),
    _Template("My daughter says a man called {nick} keeps messaging girls at her school from {phone}.",
              _K.THIRD_PARTY, (PUBLIC,)),
    _Template("People on the estate are saying girls are being taken to {place} by a man known as {nick}.",
              _K.RUMOUR, (PUBLIC,)),
)  # fmt: skip
PRONOUNS = {
    "F": {"she": "she", "She": "She", "her": "her", "her_obj": "her"},
    "M": {"she": "he", "She": "He", "her": "his", "her_obj": "him"},
}


@dataclass(frozen=True)
class _Vehicle:
    vrm: str  # normalised
    car: str


@dataclass(frozen=True)
class _Character:
    """A man of concern who recurs: his street name, car and phone come up again and again."""

    person: Person
    nick: str
    nick_recorded: bool  # agencies' records give him this street name, so an analyst can tie the two
    vehicle: _Vehicle
    phone: str  # E.164


@dataclass
class _Draft:
    report: IntelReport
    body: str  # the text without the sentence naming the submitter: the start of the sanitised version
    hint: Knowledge
    given: list[extract.Mention]  # what the submitter listed
    searched: tuple[str, ...]  # where the service looks for suggestions
    named: list[tuple[str, Person]]  # demo people the text names, as written
    place: Place | None  # a known place the report is about


@dataclass
class _Intel:
    reports: list[IntelReport] = field(default_factory=list)
    entities: list[IntelEntity] = field(default_factory=list)
    sanitised: list[SanitisedReport] = field(default_factory=list)
    corroborations: list[CorroborationNote] = field(default_factory=list)
    requests: list[AccessRequest] = field(default_factory=list)


def _heavy_tail(count: int, exponent: float) -> list[float]:
    """Cumulative Zipf weights: the first few of `count` items are picked often, most of them rarely."""
    return list(itertools.accumulate(1 / rank**exponent for rank in range(1, count + 1)))


def _new_vrm(rng: random.Random, taken: set[str]) -> str:
    """A current-format mark (two letters, the age identifier, three letters) not already in use."""
    while True:
        year = rng.randrange(2, 26)
        age = year + 50 if rng.random() < 0.5 else year
        tail = "".join(rng.choice(VRM_RANDOM) for _ in range(3))
        vrm = f"{rng.choice(VRM_FIRST)}{rng.choice(VRM_SECOND)}{age:02d}{tail}"
        if vrm not in taken:
            taken.add(vrm)
            return vrm


def _reference(rng: random.Random, taken: set[str]) -> str:
    """A reference in `new_reference`'s form, but drawn from the seed so the borough can be made again, and never
    one already used."""
    while True:
        body = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"KM-{body[:4]}-{body[4:]}"
        if reference not in taken:
            taken.add(reference)
            return reference


class _IntelWriter:
    """Kestrelmoor's intelligence: reports from every partner and the public naming a recurring cast of men, cars,
    phones and places (a few come up often, most rarely), triaged as an analyst would, with the newest still
    waiting. Built in memory for bulk insertion, keeping every rule the intel services keep."""

    def __init__(
        self,
        rng: random.Random,
        *,
        scale: int,
        made: _Fragments,
        agencies: dict[str, Agency],
        places: list[Place],
        wards: list[Area],
    ) -> None:
        self.rng, self.scale, self.agencies, self.wards = rng, scale, agencies, wards
        self.ward_by_id: dict[int | None, Area] = {ward.pk: ward for ward in wards}
        self.end = timezone.make_aware(dt.datetime.combine(ANCHOR_DATE, dt.time(23, 59)))
        usernames = {*itertools.chain(*INTEL_SUBMITTERS.values()), ANALYST, *CORROBORATORS.values(), *REQUESTERS}
        self.users = {u.username: u for u in User.objects.filter(username__in=usernames).select_related("agency")}
        self.analyst = self.users[ANALYST]
        self.police = agencies[settings.LANTERN_PUBLIC_REPORTS_AGENCY]  # public reports belong to the triage agency
        self.templates = {code: [t for t in TEMPLATES if code in t.writers] for code in PARTNERS_AND_PUBLIC}
        self.agency_weights = list(itertools.accumulate(INTEL_AGENCY_WEIGHTS))
        self.places = rng.sample(places, len(places))  # which places are the hot spots depends on the seed
        self.place_weights = _heavy_tail(len(places), 0.9)
        self.taken_vrms: set[str] = set()
        self.taken_phones: set[str] = set()
        self.drama = [normalise.normalise_phone(n) for n in DRAMA_MOBILES]
        self.characters = self._characters(made)
        self.character_weights = _heavy_tail(len(self.characters), 1.0)
        self.loose_vehicles = [
            _Vehicle(_new_vrm(rng, self.taken_vrms), rng.choice(CARS))
            for _ in range(max(VEHICLES_PER_SCALE * scale - len(self.characters), 1))
        ]
        self.loose_vehicle_weights = _heavy_tail(len(self.loose_vehicles), 1.0)
        free = [n for n in self.drama if n not in self.taken_phones]
        self.loose_phones = rng.sample(free, max(PHONES_PER_SCALE * scale - len(self.characters), 1))
        self.loose_phone_weights = _heavy_tail(len(self.loose_phones), 1.0)
        self.taken_phones.update(self.loose_phones)
        self.spare_phones = [n for n in self.drama if n not in self.taken_phones]  # one-offs and public contacts
        self.children = self._children(made.people)
        self.child_weights = _heavy_tail(len(self.children), 0.8)
        self.girls = [child for child in self.children if child.sex == "F"]
        self.girl_weights = _heavy_tail(len(self.girls), 0.8)
        self.references = set(IntelReport.objects.values_list("reference", flat=True))
        self.sanitised_refs: set[str] = set()

    # -- the recurring cast --------------------------------------------------------------------------------
    def _characters(self, made: _Fragments) -> list[_Character]:
        """Men of concern from the generated people. Where their agencies' records give them a street name, a
        current-format mark or a drama-range mobile, the intelligence uses it, so it and the records meet."""
        rng = self.rng
        street: dict[uuid.UUID, str] = {}
        vrms: dict[uuid.UUID, str] = {}
        mobiles: dict[uuid.UUID, str] = {}
        for part in made.parts:
            owner = part.record.person.pk
            if isinstance(part, Alias) and part.kind == AliasKind.STREET_NAME:
                street.setdefault(owner, part.name)
            elif isinstance(part, Vehicle) and CURRENT_VRM.fullmatch(part.vrm):
                vrms.setdefault(owner, part.vrm)
            elif isinstance(part, Phone) and part.number.startswith(DRAMA_MOBILE_E164):
                mobiles.setdefault(owner, part.number)
        men = [p for p in made.people if p.kind == PersonKind.ADULT and p.sex == "M" and p.given_name != "Not known"]
        count = CHARACTERS_PER_SCALE * self.scale
        known = [p for p in men if p.pk in street]
        chosen = rng.sample(known, min(len(known), count * 2 // 3))
        chosen += rng.sample([p for p in men if p.pk not in street], count - len(chosen))
        rng.shuffle(chosen)
        nicks: list[str] = []
        cast = []
        for person in chosen:
            nick = street.get(person.pk, "")
            recorded = bool(nick) and nick not in nicks
            if not recorded:
                unused = [n for n in STREET_NAMES if n not in nicks] or list(STREET_NAMES)
                nick = rng.choice(unused)
            nicks.append(nick)
            vrm = vrms.get(person.pk, "")
            if not vrm or vrm in self.taken_vrms:
                vrm = _new_vrm(rng, self.taken_vrms)
            self.taken_vrms.add(vrm)
            phone = mobiles.get(person.pk, "")
            if not phone or phone in self.taken_phones:
                phone = rng.choice([n for n in self.drama if n not in self.taken_phones])
            self.taken_phones.add(phone)
            cast.append(_Character(person, nick, recorded, _Vehicle(vrm, rng.choice(CARS)), phone))
        return cast

    def _children(self, people: list[Person]) -> list[Person]:
        """The children the intelligence names, mostly girls, in an order that decides who is named most."""
        named = [p for p in people if p.kind == PersonKind.CHILD and p.given_name != "Not known"]
        girls = [p for p in named if p.sex == "F"]
        boys = [p for p in named if p.sex == "M"]
        pool = self.rng.sample(girls, GIRLS_PER_SCALE * self.scale)
        pool += self.rng.sample(boys, BOYS_PER_SCALE * self.scale)
        self.rng.shuffle(pool)
        return pool

    # -- one report, as submitted ------------------------------------------------------------------------
    def draft(self, received_on: dt.date) -> _Draft:
        rng = self.rng
        code = PUBLIC if rng.random() < PUBLIC_SHARE else rng.choices(PARTNERS, cum_weights=self.agency_weights)[0]
        public = code == PUBLIC
        template = rng.choice(self.templates[code])
        character = rng.choices(self.characters, cum_weights=self.character_weights)[0]
        place, ward, where, location = self._spot(public)
        adult = character.person
        words = {"place": where, "adult": adult.given_name, "age": str(rng.randint(12, 16))}
        names: list[str] = []  # people the text names, in the order the submitter would list them
        named: list[tuple[str, Person]] = []
        if "child" in template.slots:
            pool, weights = (
                (self.girls, self.girl_weights) if template.girls_only else (self.children, self.child_weights)
            )
            child = rng.choices(pool, cum_weights=weights)[0]
            words |= {"child": child.given_name, **PRONOUNS[child.sex]}
            names.append(child.given_name)
            named.append((child.given_name, child))
        if "nick" in template.slots:
            words["nick"] = character.nick if rng.random() < 0.85 else rng.choice(STREET_NAMES)
            names.append(words["nick"])
            if words["nick"] == character.nick and character.nick_recorded:
                named.append((character.nick, adult))
        if "adult" in template.slots:
            names.append(adult.given_name)
            named.append((adult.given_name, adult))
        vehicle = self._vehicle(character) if template.slots & {"car", "vrm"} else None
        if vehicle is not None:
            words |= {"car": vehicle.car, "vrm": self._written_vrm(vehicle.vrm)}
        if "phone" in template.slots:
            words["phone"] = self._written_phone(self._phone(character))
        occurred_time = None
        if "time" in template.slots:
            words["time"], occurred_time = rng.choice(TIMES)
        elif rng.random() < 0.4:
            occurred_time = dt.time(rng.randrange(15, 24), rng.choice((0, 15, 30, 45)))
        body = template.text.format(**words)
        received_at, occurred_on = self._when(received_on, occurred_time, public=public)
        report = IntelReport(
            reference=_reference(rng, self.references),
            received_at=received_at,
            occurred_on=occurred_on,
            occurred_time=occurred_time,
            location_text=location,
            place=None if public else place,  # the public form has no list of places: an analyst links it later
            ward=ward,
            status=Status.NEW,
        )
        if public:
            given = self._public(report, body, words)
        else:
            given = self._partner(report, body=body, code=code, template=template, names=names, words=words)
        report.risk = URGENCY_RISK[Urgency(report.urgency)] if report.urgency else Risk.MEDIUM
        report.triage_due_at = LANTERN_INTEL_24H.due(received_at=received_at, risk=report.risk)
        if report.urgency == Urgency.IMMEDIATE:
            report.routed_at = received_at + dt.timedelta(seconds=20)  # the service routes it as it is saved
        searched = (report.what, location, report.vehicles_text) if public else (report.what, location)
        return _Draft(report, body, template.knowledge, given, searched, named, place)

    def _partner(
        self, report: IntelReport, *, body: str, code: str, template: _Template, names: list[str], words: dict[str, str]
    ) -> list[extract.Mention]:
        """What a practitioner fills in: how they know, how urgent, and some of what they named listed too."""
        rng = self.rng
        submitter = self.users[rng.choice(INTEL_SUBMITTERS[code])]
        attribution = ""
        if rng.random() < 0.35:  # some write who they are into the text, which the sanitised version removes
            role = Role(submitter.role).label
            attribution = f" Reported by {submitter.get_full_name()}, {role[0].lower()}{role[1:]}."
        people = names if rng.random() < 0.6 else []
        vehicles = [words["vrm"]] if "vrm" in words and rng.random() < 0.7 else []
        phones = [words["phone"]] if "phone" in words and rng.random() < 0.7 else []
        report.source, report.agency, report.submitted_by = Source.PARTNER, self.agencies[code], submitter
        report.what = body + attribution
        report.knowledge, report.urgency = template.knowledge, rng.choices(*URGENCIES)[0]
        report.people_text, report.vehicles_text, report.phones_text = (
            "; ".join(people), "; ".join(vehicles), "; ".join(phones)
        )  # fmt: skip
        return [
            *(extract.Mention(EntityKind.VEHICLE, v, normalise.normalise_vrm(v)) for v in vehicles),
            *(extract.Mention(EntityKind.PHONE, p, normalise.normalise_phone(p)) for p in phones),
            *(extract.Mention(EntityKind.PERSON, n, n) for n in people),
        ]

    def _public(self, report: IntelReport, body: str, words: dict[str, str]) -> list[extract.Mention]:
        """What a member of the public fills in: no agency, no submitter, a contact only if they chose to give one,
        and "a child is in danger now" ticked only rarely."""
        rng = self.rng
        report.source, report.agency, report.what = Source.PUBLIC, self.police, body
        report.urgency = Urgency.IMMEDIATE if rng.random() < 0.03 else ""
        report.people_text = words["nick"] if "nick" in words and rng.random() < 0.5 else ""
        report.vehicles_text = f"{words['car']} {words['vrm']}" if "vrm" in words and rng.random() < 0.5 else ""
        if rng.random() < 0.3:
            spare = normalise.display_phone(rng.choice(self.spare_phones))
            report.contact = spare if rng.random() < 0.6 else f"neighbour{rng.randrange(100, 1000)}@example.com"
        return [extract.Mention(EntityKind.PERSON, n, n) for n in extract.listed(report.people_text)]

    def _spot(self, public: bool) -> tuple[Place | None, Area, str, str]:
        """Where it happened: a known place (most reports) or somewhere only described. Answers the place, its
        ward, the words the text uses and the location line (which names the ward or a postcode in it, so the
        service's `ward_in_text` would find the same ward)."""
        rng = self.rng
        if rng.random() < (0.85 if public else 0.9):
            place = rng.choices(self.places, cum_weights=self.place_weights)[0]
            ward = self.ward_by_id[place.ward_id]
            words = place.name
            if words.startswith(COMMON_NOUN_PLACES):
                words = f"the {words[0].lower()}{words[1:]}"
            line = rng.choice(PUBLIC_SPOTS if public else PARTNER_SPOTS)
            line = line.format(name=place.name, words=words, postcode=place.postcode, ward=ward.name)
            return place, ward, words, line[0].upper() + line[1:]
        ward = rng.choice(self.wards)
        words = rng.choice(GENERIC_SPOTS).format(ward=ward.name)
        return None, ward, words, words[0].upper() + words[1:]

    def _when(self, received_on: dt.date, occurred: dt.time | None, *, public: bool) -> tuple[dt.datetime, dt.date]:
        """When the report arrived (office hours for practitioners) and the day it happened, never after."""
        rng = self.rng
        delay = rng.choices(*DELAYS)[0]
        if delay == 0 and occurred is not None and not 7 <= occurred.hour < 18:
            delay = 1  # seen in the evening or at night: reported the next day
        hour = rng.randrange(7, 23) if public else rng.randrange(8, 19)
        if delay == 0 and occurred is not None:
            hour = max(hour, occurred.hour + 1)
        received_at = timezone.make_aware(dt.datetime.combine(received_on, dt.time(hour, rng.randrange(60))))
        return received_at, received_on - dt.timedelta(days=delay)

    def _vehicle(self, character: _Character) -> _Vehicle:
        roll = self.rng.random()
        if roll < 0.75:
            return character.vehicle
        if roll < 0.9:
            return self.rng.choices(self.loose_vehicles, cum_weights=self.loose_vehicle_weights)[0]
        return _Vehicle(_new_vrm(self.rng, self.taken_vrms), self.rng.choice(CARS))  # seen once

    def _phone(self, character: _Character) -> str:
        roll = self.rng.random()
        if roll < 0.75:
            return character.phone
        if roll < 0.9:
            return self.rng.choices(self.loose_phones, cum_weights=self.loose_phone_weights)[0]
        return self.rng.choice(self.spare_phones)

    def _written_vrm(self, vrm: str) -> str:
        """A mark as people write it: usually spaced, sometimes run together or in lower case."""
        roll, spaced = self.rng.random(), normalise.display_vrm(vrm)
        return spaced if roll < 0.8 else vrm if roll < 0.95 else spaced.lower()

    def _written_phone(self, e164: str) -> str:
        spaced = normalise.display_phone(e164)
        return spaced if self.rng.random() < 0.75 else spaced.replace(" ", "")

    # -- triage ----------------------------------------------------------------------------------------------
    def triage(self, draft: _Draft) -> SanitisedReport | None:
        """Grade under 3x5x2 (C always with its conditions), mostly record an outcome, and sometimes write the
        sanitised version: always before a C report is shared, as the service insists."""
        rng, report = self.rng, draft.report
        public = report.source == Source.PUBLIC
        report.grading_scheme = Scheme.G3X5X2
        report.source_evaluation = rng.choices(*(PUBLIC_SOURCE if public else PARTNER_SOURCE))[0]
        report.intelligence_assessment = rng.choices(*ASSESSMENTS[draft.hint])[0]
        report.handling_code = HandlingCode.C if rng.random() < HANDLING_C_SHARE else HandlingCode.P
        if report.handling_code == HandlingCode.C:
            report.handling_conditions = rng.choice(HANDLING_CONDITIONS)
        graded_at = self._graded_at(report)
        report.graded_by, report.graded_at, report.status = self.analyst, graded_at, Status.TRIAGED
        sanitise = rng.random() < SANITISED_SHARE
        if rng.random() < OUTCOME_SHARE:
            weak = report.intelligence_assessment in {"D", "E"}
            outcome = rng.choices(OUTCOMES, OUTCOME_WEIGHTS["weak" if weak else "usual"])[0]
            sanitise = sanitise or (outcome == IntelOutcome.SHARED and report.handling_code == HandlingCode.C)
            report.outcome, report.outcome_reason = outcome, rng.choice(OUTCOME_REASONS[outcome])
            report.outcome_by, report.status = self.analyst, Status.CLOSED
            report.outcome_at = min(graded_at + dt.timedelta(minutes=rng.randrange(120, 4 * 24 * 60)), self.end)
        if not sanitise:
            return None
        self.sanitised_refs.add(report.reference)
        # The service's own first draft, from the text without the sentence naming the submitter.
        source = IntelReport(what=draft.body, submitted_by=report.submitted_by, contact=report.contact)
        return SanitisedReport(
            report=report,
            text=suggested_sanitised_text(source),
            created_by=self.analyst,
            created_at=min(graded_at + dt.timedelta(minutes=rng.randrange(5, 60)), self.end),
        )

    def _graded_at(self, report: IntelReport) -> dt.datetime:
        rng = self.rng
        if rng.random() < LATE_SHARE:
            at = report.triage_due_at + dt.timedelta(minutes=rng.randrange(120, 72 * 60))
        elif report.risk == Risk.HIGH:
            at = report.received_at + dt.timedelta(minutes=rng.randrange(30, 20 * 60))
        else:
            at = report.received_at + dt.timedelta(minutes=rng.randrange(120, 36 * 60))
        return min(at, self.end)

    # -- what a report mentions ----------------------------------------------------------------------------
    def entities(self, draft: _Draft) -> list[IntelEntity]:
        """As the service saves them (what was listed, then what the text suggests, one of each kind and value),
        then, on triaged reports, the analyst's work: most suggestions confirmed, the place and the demo people
        the text names linked."""
        rng, report = self.rng, draft.report
        graded = report.graded_at is not None
        found: dict[tuple[str, str], IntelEntity] = {}
        for mention in draft.given:
            self._add(found, report, mention, EntityOrigin.SUBMITTED)
        for text in draft.searched:
            for mention in extract.suggestions(text):
                self._add(found, report, mention, EntityOrigin.SUGGESTED)
        if graded:
            for entity in found.values():
                if entity.origin == EntityOrigin.SUGGESTED and entity.kind != EntityKind.PERSON:
                    entity.confirmed = rng.random() < 0.8
        if draft.place is not None and (report.place is not None or (graded and rng.random() < 0.9)):
            origin = EntityOrigin.SUBMITTED if report.place is not None else EntityOrigin.ANALYST
            mention = extract.Mention(EntityKind.PLACE, draft.place.name, draft.place.name)
            entity = self._add(found, report, mention, origin)
            entity.place, entity.confirmed = draft.place, graded
        if graded:
            for written, person in draft.named:
                if rng.random() < 0.85:
                    mention = extract.Mention(EntityKind.PERSON, written, written)
                    entity = self._add(found, report, mention, EntityOrigin.ANALYST)
                    if entity.person_id is None:
                        entity.person, entity.confirmed = person, True
        return list(found.values())

    def _add(
        self, found: dict[tuple[str, str], IntelEntity], report: IntelReport, mention: extract.Mention, origin: str
    ) -> IntelEntity:
        """The entity for a kind and value, made once: the unique constraint (report, kind, value) holds."""
        key = (mention.kind, mention.value.lower())
        if key not in found:
            analyst = origin == EntityOrigin.ANALYST
            found[key] = IntelEntity(
                report=report,
                kind=mention.kind,
                text=mention.text[:200],
                value=mention.value[:200],
                origin=origin,
                added_by=self.analyst if analyst else report.submitted_by,
                created_at=report.graded_at if analyst and report.graded_at else report.received_at,
            )
        return found[key]

    # -- other agencies' word, and requests to see more ---------------------------------------------------------
    def _reads_sanitised(self, report: IntelReport, reader: str) -> bool:
        """Whether practitioners at `reader` may read the report's sanitised version (agreement, handling P)."""
        return (
            report.reference in self.sanitised_refs
            and report.handling_code == HandlingCode.P
            and "intelligence_sanitised" in agreement_categories(report.agency.code, reader)
        )

    def _office_time(self, *, after: dt.datetime, within_days: int) -> dt.datetime:
        """A moment in office hours a few days after `after`, and no later than the anchor day."""
        rng = self.rng
        day = min(timezone.localdate(after) + dt.timedelta(days=rng.randrange(1, within_days)), ANCHOR_DATE)
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randrange(9, 17), rng.randrange(60))))
        return max(moment, after)

    def corroborations(self, triaged: list[IntelReport]) -> list[CorroborationNote]:
        rng = self.rng
        wanted = CORROBORATIONS_PER_SCALE * self.scale
        notes: list[CorroborationNote] = []
        for report in rng.sample(triaged, min(len(triaged), wanted * 10)):
            readers = [c for c in PARTNERS if c != report.agency.code and self._reads_sanitised(report, c)]
            if not readers:
                continue
            code = rng.choice(readers)
            kind = rng.choices(*CORROBORATION_KINDS)[0]
            created_at = self._office_time(after=report.received_at, within_days=40)
            notes.append(
                CorroborationNote(
                    report=report,
                    kind=kind,
                    note=rng.choice(CORROBORATION_NOTES[kind]),
                    agency=self.agencies[code],
                    by=self.users[CORROBORATORS[code]],
                    on=max(report.occurred_on, created_at.date() - dt.timedelta(days=rng.randrange(6))),
                    created_at=created_at,
                )
            )
            if len(notes) == wanted:
                break
        return notes

    def access_requests(self, triaged: list[_Draft]) -> list[AccessRequest]:
        """Pending requests from practitioners who may only know a recent report exists."""
        rng = self.rng
        recent = triaged[-max(len(triaged) // 4, 1) :]
        asked: set[str] = set()
        requests: list[AccessRequest] = []
        for index in range(ACCESS_REQUESTS_PER_SCALE * self.scale):
            username = REQUESTERS[index % len(REQUESTERS)]
            code = REQUESTER_AGENCIES[username]
            hidden = [
                d
                for d in recent
                if d.report.agency.code != code
                and d.report.reference not in asked
                and not self._reads_sanitised(d.report, code)
            ]
            if not hidden:
                continue
            draft = rng.choice(hidden)
            asked.add(draft.report.reference)
            children = [written for written, person in draft.named if person.kind == PersonKind.CHILD]
            reason = REQUEST_REASONS[username].format(name=children[0]) if children else REQUEST_REASON_GENERAL
            graded_at = draft.report.graded_at or draft.report.received_at
            requests.append(
                AccessRequest(
                    report=draft.report,
                    requester=self.users[username],
                    reason=reason,
                    created_at=self._office_time(after=graded_at, within_days=30),
                )
            )
        return requests

    def run(self) -> _Intel:
        rng = self.rng
        count = INTEL_PER_SCALE * self.scale
        days = sorted(ANCHOR_DATE - dt.timedelta(days=rng.randrange(730)) for _ in range(count))
        drafts = sorted((self.draft(day) for day in days), key=lambda d: d.report.received_at)
        triaged = drafts[: round(count * (1 - UNGRADED_SHARE))]  # the newest wait in the queue
        intel = _Intel(reports=[d.report for d in drafts])
        for index, draft in enumerate(drafts):
            if index < len(triaged) and (sanitised := self.triage(draft)) is not None:
                intel.sanitised.append(sanitised)
            intel.entities += self.entities(draft)
        intel.corroborations = self.corroborations([d.report for d in triaged])
        intel.requests = self.access_requests(triaged)
        return intel


def _save_intel(intel: _Intel) -> None:
    """Bulk inserts, reports first (their ids fill in the rest). The search index needs nothing more: triggers
    keep SQLite's, and PostgreSQL's is a generated column."""
    IntelReport.objects.bulk_create(intel.reports, batch_size=1000)
    IntelEntity.objects.bulk_create(intel.entities, batch_size=2000)
    SanitisedReport.objects.bulk_create(intel.sanitised, batch_size=1000)
    CorroborationNote.objects.bulk_create(intel.corroborations)
    AccessRequest.objects.bulk_create(intel.requests)


def demo_present() -> bool:
    return Person.objects.exists()


def generate(
    *, scale: int = 1, seed: int = DEFAULT_SEED, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Create the borough in one transaction. Returns counts of what was made."""
    if scale < 1:
        raise ValueError("scale must be 1 or more")
    rng = random.Random(seed)
    tick = progress or (lambda _stage, _n: None)
    with transaction.atomic():
        agencies = ensure_organisation()
        made = _fragments(rng, scale, seed, agencies)
        people, records = made.people, made.records
        Person.objects.bulk_create(people, batch_size=2000)
        tick("people", len(people))
        SourceRecord.objects.bulk_create(records, batch_size=2000)
        Alias.objects.bulk_create([p for p in made.parts if isinstance(p, Alias)], batch_size=2000)
        Phone.objects.bulk_create([p for p in made.parts if isinstance(p, Phone)], batch_size=2000)
        Vehicle.objects.bulk_create([p for p in made.parts if isinstance(p, Vehicle)], batch_size=2000)
        Address.objects.bulk_create([p for p in made.parts if isinstance(p, Address)], batch_size=2000)
        tick("records", len(records))
        index_people(p.pk for p in people)
        tick("search index", len(records))
        children = [p for p in people if p.kind == PersonKind.CHILD]
        allocations = [
            Allocation(person=p, user=User.objects.get(username=username))
            for username, count in (("sw1", 30), ("sw2", 30), ("sw3", 10))
            for p in rng.sample(children, count)
        ]
        Allocation.objects.bulk_create(allocations, ignore_conflicts=True)
        tick("allocations", len(allocations))
        # Intelligence draws on `rng` only after everything above, so a seed's people, records and allocations
        # are the same as they were before the borough had intelligence.
        wards = ensure_wards()
        places = ensure_places(wards)
        tick("wards and places", len(places))
        intel = _IntelWriter(rng, scale=scale, made=made, agencies=agencies, places=places, wards=wards).run()
        _save_intel(intel)
        tick("intelligence", len(intel.reports))
        # Cases draw on a random of their own, so the borough above is the same with or without them.
        cases = generate_cases(kept_children(people, made.truth), scale=scale, seed=seed, progress=tick)
        generate_screenings(kept_children(people, made.truth), seed=seed, progress=tick)
        # The map and its figures last: the profiles count the intelligence, missing episodes and screenings above.
        locality = load_locality(wards, step=CENTROID_STEP, seed=seed, today=timezone.localdate())
        tick("locality figures", locality["indicator_values"])
        profiles = profiles_recompute()
        tick("locality profiles", profiles.figures)
        associations = generate_associations(seed=seed, progress=tick)
        build = graph_rebuild()
        tick("network links", build.counts["links"])
        oversight = generate_oversight(seed=seed, progress=tick)
        counts = {
            "people": len(people),
            "records": len(records),
            "allocations": len(allocations),
            "wards": len(wards),
            "places": len(places),
            "intel_reports": len(intel.reports),
            "cases": cases,
            "lsoas": locality["lsoas"],
            "indicator_values": locality["indicator_values"],
            "associations": associations,
            "network_links": build.counts["links"],
            **oversight,
        }
        audit_record(
            actor=None,
            username="lantern demo",
            action=AuditAction.CREATE,
            object_type="demo",
            purpose="generate synthetic demo borough",
            outcome=Outcome.SUCCESS,
            detail={"seed": seed, "scale": scale, **counts},
        )
    return counts
