"""A child's screening follows identity decisions: a merge moves it (or its rows) to the kept child, an unmerge
moves it back, so the level always counts every indicator about the one child."""

from __future__ import annotations

from lantern.accounts.models import Agency, User
from lantern.people.identity import person_merge, person_unmerge
from lantern.people.models import Person
from lantern.screening import selectors
from lantern.screening.models import Screening
from tests.factories import PersonFactory
from tests.screening.conftest import raise_


def test_a_merged_childs_screening_follows_them_and_comes_back(org: dict[str, User], child: Person) -> None:
    raise_(org["cse1"], child, "cars")
    screening = Screening.objects.get(child=child)
    kept = PersonFactory(owning_agency=Agency.objects.get(code="csc"))
    merge = person_merge(actor=org["sw1"], kept=kept, absorbed=child, reason="Same child")
    assert Screening.objects.get(pk=screening.pk).child_id == kept.pk
    person_unmerge(actor=org["sw1"], merge=merge, reason="Different children after all")
    assert Screening.objects.get(pk=screening.pk).child_id == child.pk


def test_two_screenings_joined_count_every_indicator_and_part_again(org: dict[str, User], child: Person) -> None:
    kept = PersonFactory(owning_agency=Agency.objects.get(code="csc"))
    raise_(org["cse1"], kept, "cars")
    raise_(org["dsl1"], child, "online")
    raise_(org["youth1"], child, "older_boyfriend")
    kept_screening, absorbed_screening = Screening.objects.get(child=kept), Screening.objects.get(child=child)
    merge = person_merge(actor=org["sw1"], kept=kept, absorbed=child, reason="Same child")
    assert selectors.assess(kept_screening).score == 15
    person_unmerge(actor=org["sw1"], merge=merge, reason="Different children after all")
    assert selectors.assess(kept_screening).score == 5
    assert selectors.assess(absorbed_screening).score == 10
