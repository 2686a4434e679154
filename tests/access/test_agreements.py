"""Sharing agreements: only in force between their dates, only for the categories they cover."""

from __future__ import annotations

import datetime as dt

import pytest

from lantern.access.policy import Action, can, scope
from lantern.people.models import Person, SourceRecord
from tests.factories import AgencyFactory, AgreementFactory, PersonFactory, RecordFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.mark.parametrize(
    ("starts", "ends", "in_force"),
    [
        (TODAY - dt.timedelta(days=10), None, True),
        (TODAY, TODAY, True),
        (TODAY + dt.timedelta(days=1), None, False),
        (TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=1), False),
    ],
)
def test_agreement_dates(starts: dt.date, ends: dt.date | None, in_force: bool) -> None:
    home, other = AgencyFactory(code="ag-home"), AgencyFactory(code="ag-other")
    AgreementFactory(provider=other, recipient=home, starts_on=starts, ends_on=ends)
    user = UserFactory(username="ag-sw", agency=home)
    record = RecordFactory(person=PersonFactory(owning_agency=other), agency=other)
    assert can(user, Action.VIEW, record.person) is in_force
    assert can(user, Action.VIEW, record) is in_force


def test_agreement_covers_only_its_categories() -> None:
    home, other = AgencyFactory(code="cat-home"), AgencyFactory(code="cat-other")
    AgreementFactory(provider=other, recipient=home, categories=["person"])
    user = UserFactory(username="cat-sw", agency=home)
    record = RecordFactory(person=PersonFactory(owning_agency=other), agency=other)
    assert can(user, Action.VIEW, record.person)
    assert not can(user, Action.VIEW, record)


def test_scope_never_widens_a_queryset() -> None:
    home = AgencyFactory(code="sc-home")
    user = UserFactory(username="sc-sw", agency=home)
    mine = PersonFactory(owning_agency=home, family_name="Inside")
    PersonFactory(owning_agency=home, family_name="Outside")
    narrowed = scope(user, Person.objects.filter(family_name="Inside"))
    assert list(narrowed) == [mine]
    assert scope(user, SourceRecord.objects.none()).count() == 0


def test_inactive_users_can_do_nothing() -> None:
    home = AgencyFactory(code="in-home")
    user = UserFactory(username="in-sw", agency=home, is_active=False)
    person = PersonFactory(owning_agency=home)
    assert not can(user, Action.VIEW, person)
