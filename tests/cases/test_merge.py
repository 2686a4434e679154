"""A child's cases follow identity decisions: a merge moves them to the kept person, an unmerge moves them back."""

from __future__ import annotations

from lantern.accounts.models import Agency, User
from lantern.cases.models import Case, Notification
from lantern.people.identity import person_merge, person_unmerge
from lantern.people.models import Allocation, Person
from tests.cases.conftest import refer, to_s47
from tests.factories import PersonFactory


def test_a_merged_childs_case_follows_them_and_an_unmerge_brings_it_back(org: dict[str, User], child: Person) -> None:
    case = to_s47(org, child)
    kept = PersonFactory(owning_agency=Agency.objects.get(code="csc"), given_name=child.given_name)
    Allocation.objects.create(person=child, user=org["sw3"])
    merge = person_merge(actor=org["sw1"], kept=kept, absorbed=child, reason="Same child: school and clinic records")
    case.refresh_from_db()
    assert case.child_id == kept.pk
    assert Person.objects.get(pk=kept.pk).statutory_enquiry_open  # the s47 fact moves with the case
    assert not Person.objects.get(pk=child.pk).statutory_enquiry_open
    assert Case.objects.filter(pk=case.pk, child__allocations__user=org["sw3"]).exists()  # need to know still reaches

    person_unmerge(actor=org["sw1"], merge=merge, reason="Different children after all")
    case.refresh_from_db()
    assert case.child_id == child.pk
    assert Person.objects.get(pk=child.pk).statutory_enquiry_open
    assert not Person.objects.get(pk=kept.pk).statutory_enquiry_open


def test_two_open_cases_joined_as_one_child_are_left_for_a_manager(org: dict[str, User], child: Person) -> None:
    kept = PersonFactory(owning_agency=Agency.objects.get(code="csc"))
    kept_case = refer(org["sw1"], kept).case
    absorbed_case = refer(org["sw2"], child).case
    merge = person_merge(actor=org["sw1"], kept=kept, absorbed=child, reason="Same child")
    assert Case.objects.get(pk=kept_case.pk).child_id == kept.pk
    assert Case.objects.get(pk=absorbed_case.pk).child_id == child.pk  # one open case per child: not moved
    assert merge.dependents == {"cases": []}
    note = Notification.objects.get(rule="ONE-OPEN-CASE")
    assert (note.user, note.case_id) == (org["tm1"], absorbed_case.pk)
