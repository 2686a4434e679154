"""The Kestrelmoor generator: deterministic by seed, synthetic by construction."""

from __future__ import annotations

import random
import re

import pytest
from django.core.management import call_command
from django.db.models import Count

from lantern.access.models import SharingAgreement
from lantern.accounts.models import Agency, User
from lantern.demo import generator
from lantern.people.models import Address, Alias, Person, Phone, SourceRecord, Vehicle
from lantern.people.normalise import DRAMA_PREFIXES

pytestmark = pytest.mark.django_db

DRAMA_PHONE = re.compile(r"07700 900\d{3}")
ANY_UK_MOBILE = re.compile(r"\b07\d{3} ?\d{6}\b")


def borough_for(seed: int) -> list[tuple[object, ...]]:
    made = generator._fragments(random.Random(seed), 1, seed, generator.ensure_organisation())
    return [(r.pk, r.source_id, r.given_name, r.family_name, r.dob_year, r.person.pk) for r in made.records]


def test_same_seed_same_borough() -> None:
    assert borough_for(7) == borough_for(7)
    assert borough_for(7) != borough_for(8)


def test_organisation_matches_the_design() -> None:
    generator.ensure_organisation()
    assert set(Agency.objects.values_list("code", flat=True)) == {"csc", "police", "health", "school", "youth", "board"}
    expected = {(u.username, u.agency, u.role.value) for u in generator.DEMO_USERS}
    actual = set(User.objects.values_list("username", "agency__code", "role"))
    assert expected == actual
    assert User.objects.get(username="sw1").check_password("lantern-demo")
    health_to_police = SharingAgreement.objects.get(provider__code="health", recipient__code="police")
    assert "sexual_health" in health_to_police.categories
    assert not SharingAgreement.objects.filter(recipient__code="board").exists()


def test_generate_counts_and_only_drama_phones() -> None:
    counts = generator.generate(scale=1, seed=3)
    assert counts["records"] >= generator.RECORDS_PER_SCALE
    assert counts["people"] == counts["records"]  # each agency's record stands alone until linkage joins them
    assert Person.objects.filter(kind="child").exists()
    assert Person.objects.filter(kind="adult").exists()
    numbers = set(Phone.objects.values_list("number", flat=True))
    assert numbers
    assert all(n.startswith(DRAMA_PREFIXES) for n in numbers)
    summaries = list(SourceRecord.objects.values_list("summary", flat=True))
    assert all(DRAMA_PHONE.fullmatch(p) for s in summaries for p in ANY_UK_MOBILE.findall(s))
    assert not SourceRecord.objects.filter(category="sexual_health").exclude(agency__code="health").exists()


def test_agencies_records_overlap_like_real_ones() -> None:
    generator.generate(scale=1, seed=3)
    assert Alias.objects.filter(kind="street_name").exists()
    assert Alias.objects.filter(kind="diminutive").exists()
    assert SourceRecord.objects.filter(dob_year__isnull=False, dob_day__isnull=True).exists()  # partial dates
    assert Vehicle.objects.exists()
    assert Address.objects.exists()
    # The same phone in several agencies' records: the fragments the linkage run will join.
    shared = Phone.objects.values("number").annotate(agencies=Count("record__agency", distinct=True))
    assert shared.filter(agencies__gte=3).exists()


def test_demo_command_runs_twice_and_reuses_data(capsys) -> None:
    call_command("demo", "--no-serve", "--seed", "5")
    first = Person.objects.count()
    call_command("demo", "--no-serve", "--seed", "5")
    assert Person.objects.count() == first
    out = capsys.readouterr().out
    assert "already present: reusing it" in out
    assert "possible matches wait for review" in " ".join(out.split())  # rich wraps at the console width
    assert "sw1" in out
    assert "board1" in out
