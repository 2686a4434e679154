"""factory_boy factories for the models the tests build worlds from."""

from __future__ import annotations

import datetime as dt

import factory
from django.conf import settings

from lantern.access.models import SharingAgreement
from lantern.accounts.enums import AgencyKind
from lantern.accounts.models import Agency, Team, User
from lantern.people.models import Person, SourceRecord
from lantern.people.search import index_people


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"agency{n}")
    name = factory.LazyAttribute(lambda o: f"Test agency {o.code}")
    kind = AgencyKind.SOCIAL_CARE


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    agency = factory.SubFactory(AgencyFactory)
    role = "social_worker"
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password(settings.LANTERN_DEMO_PASSWORD)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharingAgreement

    title = "Test information-sharing agreement"
    provider = factory.SubFactory(AgencyFactory)
    recipient = factory.SubFactory(AgencyFactory)
    lawful_basis = "UK GDPR Article 6(1)(e); Children Act 2004 s11"
    categories = factory.LazyFunction(lambda: ["person", "agency_record", "sexual_health"])
    starts_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=365))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    kind = "child"
    given_name = factory.Faker("first_name_female", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = dt.date(2011, 5, 17)
    sex = "F"
    owning_agency = factory.SubFactory(AgencyFactory)


class RecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceRecord
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    agency = factory.LazyAttribute(lambda o: o.person.owning_agency)
    given_name = factory.LazyAttribute(lambda o: o.person.given_name)
    family_name = factory.LazyAttribute(lambda o: o.person.family_name)
    category = "agency_record"
    title = "Seen at the bus station late at night"
    summary = "Synthetic test record."
    handling_code = "P"

    @factory.post_generation
    def searchable(obj: SourceRecord, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            index_people([obj.person_id])
