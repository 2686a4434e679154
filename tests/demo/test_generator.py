"""The Kestrelmoor generator: deterministic by seed, synthetic by construction."""

from __future__ import annotations

import random
import re

import pytest
from django.core.management import call_command
from faker import Faker

from lantern.access.models import SharingAgreement
from lantern.accounts.models import Agency, User
from lantern.demo import generator
from lantern.people.models import AgencyRecord, Person

pytestmark = pytest.mark.django_db

DRAMA_PHONE = re.compile(r"07700 900\d{3}")
ANY_UK_MOBILE = re.compile(r"\b07\d{3} ?\d{6}\b")


def people_for(seed: int) -> list[tuple[str, str, str, str]]:
    agencies = generator.ensure_organisation()
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    return [
        (str(p.id), p.given_name, p.family_name, str(p.date_of_birth))
        for p in generator._people(random.Random(seed), fake, 1, agencies)
    ]


def test_same_seed_same_borough() -> None:
    assert people_for(7) == people_for(7)
    assert people_for(7) != people_for(8)


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
    assert counts["people"] == generator.CHILDREN_PER_SCALE + generator.ADULTS_PER_SCALE
    assert counts["records"] == generator.RECORDS_PER_SCALE
    assert Person.objects.filter(kind="child").count() == generator.CHILDREN_PER_SCALE
    summaries = list(AgencyRecord.objects.values_list("summary", flat=True))
    phones = [m for s in summaries for m in ANY_UK_MOBILE.findall(s)]
    assert len(phones) == len(summaries)
    assert all(DRAMA_PHONE.fullmatch(p) for p in phones)
    assert not AgencyRecord.objects.filter(category="sexual_health").exclude(agency__code="health").exists()


def test_demo_command_runs_twice_and_reuses_data(capsys) -> None:
    call_command("demo", "--no-serve", "--seed", "5")
    first = Person.objects.count()
    call_command("demo", "--no-serve", "--seed", "5")
    assert Person.objects.count() == first
    out = capsys.readouterr().out
    assert "already present: reusing it" in out
    assert "sw1" in out
    assert "board1" in out
