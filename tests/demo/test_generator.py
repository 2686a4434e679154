"""The Kestrelmoor generator: deterministic by seed, synthetic by construction."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command

from lantern.access.models import SharingAgreement
from lantern.accounts.models import Agency, User
from lantern.cases.models import Case
from lantern.demo import generator
from lantern.people.models import Person

pytestmark = pytest.mark.django_db


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


def test_demo_command_runs_twice_and_reuses_data(capsys) -> None:
    call_command("demo", "--no-serve", "--seed", "5")
    first, cases = Person.objects.count(), Case.objects.count()
    assert cases > 0
    call_command("demo", "--no-serve", "--seed", "5")
    assert Person.objects.count() == first
    assert Case.objects.count() == cases
    out = capsys.readouterr().out
    assert "already present: reusing it" in out
    assert "possible matches wait for review" in " ".join(out.split())  # rich wraps at the console width
    assert "sw1" in out
    assert "board1" in out
