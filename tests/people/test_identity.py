"""Merging persons, undoing a merge exactly, and deciding the pairs the model was unsure of."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lantern.access.policy import AccessDenied, NotVisible
from lantern.audit.models import AuditEvent
from lantern.people.enums import PersonStatus, ReviewStatus
from lantern.people.identity import IdentityError, person_merge, person_unmerge, review_decide
from lantern.people.models import Allocation, LinkReview, Person, RecordLink
from lantern.people.services import person_update, record_create
from tests.factories import AgencyFactory, AgreementFactory, PersonFactory, RecordFactory, UserFactory

pytestmark = pytest.mark.django_db

EVIDENCE = [
    {"comparison": "given name", "level": "diminutive", "weight": 3.2},
    {"comparison": "date of birth", "level": "year only", "weight": 1.1},
]


@pytest.fixture
def world():
    csc, police = AgencyFactory(code="id-csc"), AgencyFactory(code="id-police")
    AgreementFactory(provider=police, recipient=csc)
    worker = UserFactory(username="id-sw", agency=csc, role="social_worker")
    kept = PersonFactory(owning_agency=csc, given_name="William", family_name="Thorne")
    absorbed = PersonFactory(owning_agency=police, given_name="Bill", family_name="Thorne", date_of_birth=None)
    a = RecordFactory(person=kept, agency=csc)
    b1 = RecordFactory(person=absorbed, agency=police)
    b2 = RecordFactory(person=absorbed, agency=police)
    Allocation.objects.create(
        person=absorbed, user=UserFactory(username="id-cse", agency=police, role="police_cse_officer")
    )
    review = LinkReview.objects.create(
        record_a=a, record_b=b1, match_probability=0.8, match_weight=3.0, evidence=EVIDENCE
    )
    return {"worker": worker, "kept": kept, "absorbed": absorbed, "records": (a, b1, b2), "review": review}


def state(person: Person) -> tuple:
    person.refresh_from_db()
    return (
        person.kind,
        person.given_name,
        person.family_name,
        person.date_of_birth,
        person.sex,
        person.owning_agency_id,
        person.status,
        sorted(str(r) for r in person.records.values_list("pk", flat=True)),
        sorted(person.allocations.values_list("user_id", flat=True)),
    )


def test_accepting_a_review_merges_and_keeps_the_evidence(world) -> None:
    review_decide(actor=world["worker"], review=world["review"], same_person=True, reason="Same phone and school.")
    kept, absorbed = world["kept"], world["absorbed"]
    absorbed.refresh_from_db()
    assert absorbed.status == PersonStatus.MERGED
    assert set(kept.records.all()) == set(world["records"])
    link = RecordLink.objects.get()
    assert (link.origin, link.evidence) == ("review", EVIDENCE)
    assert AuditEvent.objects.filter(action="merge", object_id=str(kept.pk)).count() == 1


def test_unmerge_restores_both_persons_exactly(world) -> None:
    kept, absorbed = world["kept"], world["absorbed"]
    before = (state(kept), state(absorbed))
    merge = person_merge(actor=world["worker"], kept=kept, absorbed=absorbed, reason="Same phone.")
    assert state(kept) != before[0]
    person_unmerge(actor=world["worker"], merge=merge, reason="Twins: different NHS numbers.")
    assert (state(kept), state(absorbed)) == before
    merge.refresh_from_db()
    assert merge.undone_at is not None
    assert AuditEvent.objects.filter(action="unmerge", object_id=str(absorbed.pk)).count() == 1


def test_unmerge_after_review_marks_the_review_rejected(world) -> None:
    review_decide(actor=world["worker"], review=world["review"], same_person=True, reason="Same phone.")
    merge = world["kept"].merges_kept.get()
    person_unmerge(actor=world["worker"], merge=merge, reason="Different people after all.")
    world["review"].refresh_from_db()
    assert world["review"].status == ReviewStatus.REJECTED
    assert not RecordLink.objects.exists()


def test_rejecting_changes_no_person(world) -> None:
    before = (state(world["kept"]), state(world["absorbed"]))
    review_decide(actor=world["worker"], review=world["review"], same_person=False, reason="Different ages.")
    assert (state(world["kept"]), state(world["absorbed"])) == before
    assert world["review"].status == ReviewStatus.REJECTED
    with pytest.raises(IdentityError, match="already been decided"):
        review_decide(actor=world["worker"], review=world["review"], same_person=True, reason="Changed my mind.")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_decision_needs_a_reason(world, reason: str) -> None:
    with pytest.raises(IdentityError, match="reason"):
        review_decide(actor=world["worker"], review=world["review"], same_person=True, reason=reason)


def test_only_those_who_may_link_both_people_decide(world) -> None:
    board = UserFactory(username="id-board", agency=AgencyFactory(code="id-board"), role="board_member")
    with pytest.raises(NotVisible):  # the board sees aggregates, never that a person exists
        review_decide(actor=board, review=world["review"], same_person=True, reason="Looks the same.")
    assistant = UserFactory(username="id-sca", agency=world["kept"].owning_agency, role="social_care_assistant")
    with pytest.raises(AccessDenied):
        person_merge(actor=assistant, kept=world["kept"], absorbed=world["absorbed"], reason="Same.")


def test_later_merges_are_undone_first(world) -> None:
    third = PersonFactory(owning_agency=world["kept"].owning_agency)
    first = person_merge(actor=world["worker"], kept=world["kept"], absorbed=world["absorbed"], reason="Same phone.")
    person_merge(actor=world["worker"], kept=world["kept"], absorbed=third, reason="Same school.")
    with pytest.raises(IdentityError, match="later merges"):
        person_unmerge(actor=world["worker"], merge=first, reason="Wrong.")


def test_a_join_is_undone_from_the_person_page(world, client) -> None:
    kept, absorbed = world["kept"], world["absorbed"]
    before = (state(kept), state(absorbed))
    merge = person_merge(actor=world["worker"], kept=kept, absorbed=absorbed, reason="Same phone.")
    client.force_login(world["worker"])
    page = client.get(f"/people/{kept.pk}/").content.decode()
    assert f"/people/merges/{merge.pk}/undo/" in page
    refused = client.post(f"/people/merges/{merge.pk}/undo/", {"reason": ""})
    assert "Enter the reason these records are not the same person" in refused.content.decode()
    assert state(kept) != before[0]
    done = client.post(f"/people/merges/{merge.pk}/undo/", {"reason": "Twins: different NHS numbers."})
    assert done.status_code == 302
    assert (state(kept), state(absorbed)) == before


def test_only_those_who_may_link_undo_a_join(world, client) -> None:
    merge = person_merge(actor=world["worker"], kept=world["kept"], absorbed=world["absorbed"], reason="Same.")
    assistant = UserFactory(username="id-sca2", agency=world["kept"].owning_agency, role="social_care_assistant")
    client.force_login(assistant)
    assert client.get(f"/people/merges/{merge.pk}/undo/").status_code == 403
    outsider = UserFactory(username="id-out", agency=AgencyFactory(code="id-out"), role="social_worker")
    client.force_login(outsider)
    assert client.get(f"/people/merges/{merge.pk}/undo/").status_code == 404
    assert client.get("/people/merges/999999/undo/").status_code == 404


def test_a_person_joined_into_another_points_to_them_and_takes_no_changes(world, client) -> None:
    kept, absorbed = world["kept"], world["absorbed"]
    person_merge(actor=world["worker"], kept=kept, absorbed=absorbed, reason="Same phone.")
    absorbed.refresh_from_db()
    client.force_login(world["worker"])
    page = client.get(f"/people/{absorbed.pk}/").content.decode()
    assert "This person has been joined into another person." in page
    assert f'href="/people/{kept.pk}/"' in page
    assert "Change details" not in page
    answer = client.get(f"/people/{absorbed.pk}/records/new/")
    assert (answer.status_code, answer["Location"]) == (302, f"/people/{absorbed.pk}/")
    officer = UserFactory(username="id-cse2", agency=absorbed.owning_agency, role="police_cse_officer")
    client.force_login(officer)  # the owning agency may change the person, but not once joined
    answer = client.get(f"/people/{absorbed.pk}/edit/")
    assert (answer.status_code, answer["Location"]) == (302, f"/people/{absorbed.pk}/")
    with pytest.raises(ValidationError, match="joined into another person"):
        person_update(actor=officer, person=absorbed, given_name="William")
    with pytest.raises(ValidationError, match="joined into another person"):
        record_create(actor=world["worker"], person=absorbed, category="agency_record", title="Visit",
                      summary="Seen at home.", handling_code="P")  # fmt: skip
    absorbed.refresh_from_db()
    assert absorbed.given_name == "Bill"
    assert not absorbed.records.exists()


def test_a_decided_pair_shows_the_decision_not_the_form(world, client) -> None:
    review_decide(actor=world["worker"], review=world["review"], same_person=False, reason="Different ages.")
    client.force_login(world["worker"])
    page = client.get(f"/people/reviews/{world['review'].pk}/").content.decode()
    assert "Already decided" in page
    assert "id-sw decided these are different people: “Different ages.”" in page
    assert "Record decision" not in page
    again = client.post(f"/people/reviews/{world['review'].pk}/", {"decision": "same", "reason": "Changed my mind."})
    assert "Already decided" in again.content.decode()
    world["review"].refresh_from_db()
    assert world["review"].status == ReviewStatus.REJECTED


def test_a_pair_with_a_record_of_an_agency_not_sharing_stays_hidden(world, client) -> None:
    """The police share people with csc and the clinic does not: a pair naming the clinic's record is
    neither listed nor opened for csc, though both people are visible to them."""
    clinic = AgencyFactory(code="id-clinic")
    clinic_record = RecordFactory(person=world["absorbed"], agency=clinic)
    hidden = LinkReview.objects.create(
        record_a=world["records"][0], record_b=clinic_record, match_probability=0.9, match_weight=4.0,
        evidence=EVIDENCE,
    )  # fmt: skip
    client.force_login(world["worker"])
    queue = client.get("/people/reviews/").content.decode()
    assert f"/people/reviews/{world['review'].pk}/" in queue
    assert f"/people/reviews/{hidden.pk}/" not in queue
    assert "id-clinic" not in queue
    assert client.get(f"/people/reviews/{hidden.pk}/").status_code == 404
    assert AuditEvent.objects.filter(object_type="link_review", object_id=str(hidden.pk), outcome="denied").exists()
