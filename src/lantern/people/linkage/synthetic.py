"""A synthetic multi-agency population with known truth, for testing and benchmarking identity resolution.

People live in households (siblings and twins share a surname, a postcode and a landline) and appear in one
to five agencies' records. Each record is written the way agencies actually write them: typos, diminutives
(Bill for William), street names as aliases ("Tiny"), given and family names swapped, partial or transposed
dates of birth, phones and cars that changed over time, fields left empty or mistyped. Everything is
synthetic: names from Faker `en_GB`, mobiles from Ofcom's drama range 07700 900000-900999, landlines from
Ofcom's drama ranges, postcodes in the fictional outward codes KM1-KM9, vehicle marks in the current UK
format. The same seed always gives the same records, in the same order, with the same ids.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from faker import Faker
from nicknames import NickNamer

from lantern.people.linkage.schema import INPUT_COLUMNS

AGENCIES = ("csc", "police", "health", "school", "youth")
CHILD_AGENCY_WEIGHTS = (0.22, 0.14, 0.22, 0.28, 0.14)
ADULT_AGENCY_WEIGHTS = (0.18, 0.45, 0.22, 0.0, 0.15)
RECORDS_PER_PERSON = ((1, 2, 3, 4, 5), (0.40, 0.25, 0.18, 0.11, 0.06))

STREET_NAMES = (
    "Tiny", "Mo", "Jay", "Kez", "Bigz", "Shorty", "Ghost", "Smudge", "Dee", "Kay", "Tee", "Red", "Blade",
    "Skinny", "Junior", "Little Man", "Prince", "Spider", "Chucky", "Milky", "Snowy", "Rocco", "Ziggy", "Taz",
    "Dizzy", "Flex", "Sparks", "Bubbles", "Ace", "Bones", "Duke", "Fizz", "Gizmo", "Lefty", "Nitro", "Pops",
    "Razor", "Scrappy", "Sly", "Trigger", "Venom", "Whizz", "Zed", "Dutch", "Kidda", "Lil T", "Big Man",
)  # fmt: skip

# Ofcom numbers reserved for drama: one mobile block and the geographic blocks that parse as valid numbers.
DRAMA_MOBILE = "07700 900{:03d}"
DRAMA_LANDLINES = (
    "0113 496 0{:03d}", "0114 496 0{:03d}", "0115 496 0{:03d}", "0116 496 0{:03d}", "0117 496 0{:03d}",
    "0118 496 0{:03d}", "0121 496 0{:03d}", "0131 496 0{:03d}", "0141 496 0{:03d}", "0151 496 0{:03d}",
    "0161 496 0{:03d}", "020 7946 0{:03d}", "0191 498 0{:03d}",
)  # fmt: skip
OUTWARD_CODES = tuple(f"KM{n}" for n in range(1, 10))
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
VRM_FIRST = "ABCDEFGHKLMNOPRSTVWXY"
VRM_SECOND = "ABCDEFGHJKLMNOPRSTUVWXY"
VRM_RANDOM = "ABCDEFGHJKLMNOPRSTUVWXYZ"
REFERENCE_DATE = dt.date(2026, 1, 1)  # "today" for ages, fixed so the output never depends on the clock


@dataclass
class SyntheticPerson:
    """One true person: what every agency would record if it recorded perfectly."""

    key: str
    household: int
    kind: str  # "child" or "adult"
    sex: str
    given_name: str
    family_name: str
    date_of_birth: dt.date
    postcode: str
    landline: str | None
    mobile: str | None
    vrm: str | None
    street_names: tuple[str, ...] = ()
    previous_family_name: str | None = None
    previous_postcode: str | None = None
    previous_mobile: str | None = None
    previous_vrm: str | None = None
    twin_of: str | None = None
    agencies: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SyntheticRecords:
    """Agency records in the `lantern resolve` input format, with the truth kept beside them."""

    records: pa.Table  # INPUT_COLUMNS, all strings ("" for empty)
    truth: dict[str, str]  # record_id -> true person key
    people: list[SyntheticPerson]

    def rows(self) -> Iterator[dict[str, str]]:
        yield from self.records.to_pylist()

    def write_csv(self, path: Path) -> None:
        write_rows_csv(path, self.records)

    def write_truth_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["record_id", "person_key"])
            writer.writerows(self.truth.items())


def write_rows_csv(path: Path, table: pa.Table) -> None:
    """Write an all-string table as a plain UTF-8 CSV, header first."""
    columns = [table.column(name).to_pylist() for name in table.column_names]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.column_names)
        writer.writerows(zip(*columns, strict=True))


def generate_records(records: int, *, seed: int = 0) -> SyntheticRecords:
    """About `records` agency records (never fewer) describing a population built from `seed`."""
    return _Generator(seed).run(records)


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        provider = fake.provider("faker.providers.person")
        if provider is None:  # pragma: no cover - Faker always has a person provider
            raise RuntimeError("Faker has no person provider")
        self.male_names: Sequence[str] = tuple(provider.first_names_male)
        self.female_names: Sequence[str] = tuple(provider.first_names_female)
        surnames = provider.last_names
        self.surnames: Sequence[str] = tuple(surnames)
        self.surname_weights: Sequence[float] = tuple(surnames.values())
        self.nicknamer = NickNamer()
        self.diminutives: dict[str, tuple[str, ...]] = {}
        self.people: list[SyntheticPerson] = []
        self.used_vrms: set[str] = set()
        self.keys = itertools.count(1)

    # -- population ------------------------------------------------------------------------------------
    def run(self, records: int) -> SyntheticRecords:
        postcode_count = max(50, min(9 * 10 * len(INWARD_LETTERS) ** 2, records // 12))
        postcodes = self._postcodes(postcode_count)
        rows: list[tuple[str, ...]] = []
        truth: dict[str, str] = {}
        counters = dict.fromkeys(AGENCIES, 0)
        household = 0
        while len(rows) < records:
            household += 1
            for person in self._household(household, postcodes):
                self.people.append(person)
                for agency in person.agencies:
                    counters[agency] += 1
                    record_id = f"{agency}-{counters[agency]:07d}"
                    rows.append((record_id, agency, *self._render(person, agency)))
                    truth[record_id] = person.key
        self.rng.shuffle(rows)
        columns = list(zip(*rows, strict=True))
        table = pa.table({name: pa.array(columns[i], pa.string()) for i, name in enumerate(INPUT_COLUMNS)})
        return SyntheticRecords(records=table, truth=truth, people=self.people)

    def _postcodes(self, count: int) -> list[str]:
        seen: set[str] = set()
        out: list[str] = []
        while len(out) < count:
            code = (
                f"{self.rng.choice(OUTWARD_CODES)} {self.rng.randrange(10)}"
                f"{self.rng.choice(INWARD_LETTERS)}{self.rng.choice(INWARD_LETTERS)}"
            )
            if code not in seen:
                seen.add(code)
                out.append(code)
        return out

    def _household(self, number: int, postcodes: list[str]) -> list[SyntheticPerson]:
        rng = self.rng
        surname = rng.choices(self.surnames, self.surname_weights)[0]
        postcode = rng.choice(postcodes)
        landline = rng.choice(DRAMA_LANDLINES).format(rng.randrange(1000)) if rng.random() < 0.5 else None
        members: list[SyntheticPerson] = []
        if rng.random() < 0.25:  # an adult of concern living alone or away from family
            members.append(self._person(number, "adult", surname, postcode, landline, _birth(rng, 19, 55), members))
            return members
        if rng.random() < 0.35:
            members.append(self._person(number, "adult", surname, postcode, landline, _birth(rng, 28, 55), members))
        children = rng.choices((1, 2, 3, 4), (0.40, 0.33, 0.17, 0.10))[0]
        for _ in range(children):
            child = self._person(number, "child", surname, postcode, landline, _birth(rng, 4, 17), members)
            members.append(child)
            if rng.random() < 0.05:  # a twin: same family, birthday, address and landline; another name
                twin = self._person(number, "child", surname, postcode, landline, child.date_of_birth, members)
                twin.twin_of, child.twin_of = child.key, twin.key
                members.append(twin)
        return members

    def _person(
        self,
        household: int,
        kind: str,
        surname: str,
        postcode: str,
        landline: str | None,
        born: dt.date,
        family: list[SyntheticPerson],
    ) -> SyntheticPerson:
        rng = self.rng
        sex = rng.choice("MF")
        pool = self.male_names if sex == "M" else self.female_names
        given = rng.choice(pool)
        taken = set().union(*(self._name_group(member.given_name) for member in family))
        while self._name_group(given) & taken:  # no family names two children Susan and Suzanne
            given = rng.choice(pool)
        adult = kind == "adult"
        mobile = DRAMA_MOBILE.format(rng.randrange(1000)) if rng.random() < (0.8 if adult else 0.6) else None
        vrm = self._vrm() if adult and rng.random() < 0.5 else None
        person = SyntheticPerson(
            key=f"T{next(self.keys):07d}",
            household=household,
            kind=kind,
            sex=sex,
            given_name=given,
            family_name=surname,
            date_of_birth=born,
            postcode=postcode,
            landline=landline,
            mobile=mobile,
            vrm=vrm,
        )
        if rng.random() < 0.12:
            person.street_names = tuple(rng.sample(STREET_NAMES, rng.choice((1, 1, 2))))
        if adult and sex == "F" and rng.random() < 0.08:
            person.previous_family_name = rng.choices(self.surnames, self.surname_weights)[0]
        if rng.random() < 0.12:
            person.previous_postcode = self._postcodes(1)[0]
        if mobile is not None and rng.random() < 0.25:
            person.previous_mobile = DRAMA_MOBILE.format(rng.randrange(1000))
        if vrm is not None and rng.random() < 0.25:
            person.previous_vrm = self._vrm()
        count = rng.choices(*RECORDS_PER_PERSON)[0]
        weights = ADULT_AGENCY_WEIGHTS if adult else CHILD_AGENCY_WEIGHTS
        person.agencies = _weighted_sample(rng, AGENCIES, weights, count)
        return person

    def _name_group(self, given: str) -> set[str]:
        name = given.lower()
        return {name, *self.nicknamer.canonicals_of(name), *self.nicknamer.nicknames_of(name)}

    def _vrm(self) -> str:
        rng = self.rng
        while True:
            year = rng.randrange(2, 26)
            age = year if rng.random() < 0.5 else year + 50
            mark = (
                f"{rng.choice(VRM_FIRST)}{rng.choice(VRM_SECOND)}{age:02d} "
                f"{rng.choice(VRM_RANDOM)}{rng.choice(VRM_RANDOM)}{rng.choice(VRM_RANDOM)}"
            )
            if mark not in self.used_vrms:
                self.used_vrms.add(mark)
                return mark

    # -- one agency's record of one person -------------------------------------------------------------
    def _render(self, person: SyntheticPerson, agency: str) -> tuple[str, ...]:
        rng = self.rng
        given = person.given_name
        aliases: list[str] = []
        roll = rng.random()
        diminutives = self._diminutives(given)
        if roll < 0.14 and diminutives:
            given = rng.choice(diminutives)
            if rng.random() < 0.3:
                aliases.append(person.given_name)
        elif roll < 0.19:
            given = _typo(rng, given)
        elif roll < 0.21:
            given = ""
        elif diminutives and rng.random() < 0.08:
            aliases.append(rng.choice(diminutives))
        family = person.family_name
        if person.previous_family_name and rng.random() < 0.5:
            family = person.previous_family_name
            if rng.random() < 0.4:
                aliases.append(f"{person.given_name} {person.family_name}")
        roll = rng.random()
        if roll < 0.06:
            family = _typo(rng, family)
        elif roll < 0.07:
            family = ""
        street_share = 0.7 if agency in {"police", "youth"} else 0.25
        aliases.extend(name for name in person.street_names if rng.random() < street_share)
        if rng.random() < 0.025:
            given, family = family, given
        given, family = _case(rng, given), _case(rng, family)
        return (
            given,
            family,
            ";".join(aliases),
            self._dob(person.date_of_birth, agency),
            self._sex(person.sex),
            self._phone(person),
            self._postcode(person),
            self._vehicle(person, agency),
        )

    def _diminutives(self, given: str) -> tuple[str, ...]:
        cached = self.diminutives.get(given)
        if cached is None:
            names = sorted(n for n in self.nicknamer.nicknames_of(given) if len(n) > 2 and n.isalpha())
            cached = tuple(n.title() for n in names)
            self.diminutives[given] = cached
        return cached

    def _dob(self, born: dt.date, agency: str) -> str:
        rng = self.rng
        roll = rng.random()
        missing = 0.04 if agency in {"school", "health"} else 0.12
        if roll < missing:
            return ""
        roll = rng.random()
        if roll < 0.06:
            return f"{born.year:04d}-{born.month:02d}"
        if roll < 0.11:
            return f"{born.year:04d}"
        if roll < 0.14 and born.day <= 12 and born.day != born.month:
            return f"{born.year:04d}-{born.day:02d}-{born.month:02d}"
        if roll < 0.17:
            if rng.random() < 0.5:
                shifted = born + dt.timedelta(days=rng.choice((-2, -1, 1, 2)))
            else:
                shifted = _replace_year(born, born.year + rng.choice((-1, 1)))
            return shifted.isoformat()
        return born.isoformat()

    def _sex(self, sex: str) -> str:
        roll = self.rng.random()
        if roll < 0.05:
            return ""
        if roll < 0.053:
            return "F" if sex == "M" else "M"
        if roll < 0.15:
            return {"M": "Male", "F": "Female"}[sex]
        return sex

    def _phone(self, person: SyntheticPerson) -> str:
        rng = self.rng
        number: str | None = None
        if person.mobile is not None and rng.random() < 0.65:
            number = person.previous_mobile if person.previous_mobile and rng.random() < 0.4 else person.mobile
        elif person.landline is not None and rng.random() < 0.5:
            number = person.landline
        if number is None:
            return ""
        roll = rng.random()
        if roll < 0.015:
            return number.replace(" ", "")[:-3]  # a digit group lost: will not parse
        if roll < 0.25:
            return number.replace(" ", "")
        if roll < 0.4:
            return "+44 " + number[1:]
        return number

    def _postcode(self, person: SyntheticPerson) -> str:
        rng = self.rng
        if rng.random() < 0.15:
            return ""
        code = person.previous_postcode if person.previous_postcode and rng.random() < 0.4 else person.postcode
        roll = rng.random()
        if roll < 0.01:
            return code[:-1]  # truncated: will not parse
        if roll < 0.2:
            return code.replace(" ", "").lower()
        return code

    def _vehicle(self, person: SyntheticPerson, agency: str) -> str:
        rng = self.rng
        if person.vrm is None or rng.random() > (0.7 if agency == "police" else 0.15):
            return ""
        mark = person.previous_vrm if person.previous_vrm and rng.random() < 0.4 else person.vrm
        roll = rng.random()
        if roll < 0.01:
            return mark[:-1]
        if roll < 0.3:
            return mark.replace(" ", "").lower()
        return mark


def _weighted_sample(rng: random.Random, items: Sequence[str], weights: Sequence[float], count: int) -> tuple[str, ...]:
    pool = [(item, weight) for item, weight in zip(items, weights, strict=True) if weight > 0]
    chosen: list[str] = []
    while pool and len(chosen) < count:
        index = rng.choices(range(len(pool)), [w for _, w in pool])[0]
        chosen.append(pool.pop(index)[0])
    return tuple(chosen)


def _birth(rng: random.Random, youngest: int, oldest: int) -> dt.date:
    start = _replace_year(REFERENCE_DATE, REFERENCE_DATE.year - oldest - 1)
    end = _replace_year(REFERENCE_DATE, REFERENCE_DATE.year - youngest)
    return start + dt.timedelta(days=rng.randrange((end - start).days))


def _replace_year(day: dt.date, year: int) -> dt.date:
    if day.month == 2 and day.day == 29:
        return dt.date(year, 2, 28)
    return day.replace(year=year)


def _typo(rng: random.Random, name: str) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(4)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if kind == 0:
        return name[:i] + letter + name[i + 1 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    if kind == 2:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + name[i] + name[i:]


def _case(rng: random.Random, value: str) -> str:
    roll = rng.random()
    if roll < 0.2:
        return value.upper()
    if roll < 0.25:
        return value.lower()
    if roll < 0.28:
        return f" {value} "
    return value
