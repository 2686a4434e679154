"""The Kestrelmoor demo borough: agencies, teams, users, sharing agreements and synthetic people.

Everything is invented: names from Faker en_GB, phone numbers only from Ofcom's drama ranges (mobiles
07700 900000-900999), and the same seed always gives the same borough (ids included). Each agency's record
arrives as a person of its own, as it would from a real agency's system; `lantern demo` then runs linkage,
which joins most of them and leaves the pairs it is unsure of for review.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantern.access.models import SharingAgreement
from lantern.access.roles import Role
from lantern.accounts.enums import AgencyKind
from lantern.accounts.models import Agency, Team, User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.people import normalise
from lantern.people.enums import AliasKind, PersonKind, RecordCategory
from lantern.people.linkage.clean import SEX_VALUES
from lantern.people.linkage.synthetic import SyntheticPerson, generate_records
from lantern.people.models import Address, Alias, Allocation, Person, Phone, SourceRecord, Vehicle
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
    return agencies


def agreement_categories(provider: str, recipient: str) -> list[str]:
    """What the Kestrelmoor protocol lets `provider` share with `recipient`. Every partner shares intelligence
    in full with the police, whose analysts triage it; sanitised intelligence goes wherever records go; and
    every partner may know that another holds intelligence, even where records are not exchanged."""
    categories = []
    if tuple(sorted((provider, recipient))) not in NOT_SHARED:
        categories += ["person", "agency_record"]
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
        counts = {"people": len(people), "records": len(records), "allocations": len(allocations)}
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
