"""The policy table and the models' declarations of where the facts live."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps

from lantern.access.policy import (
    ALL_AGENCIES,
    POLICY,
    Action,
    Category,
    Condition,
    explain_refusal,
    grants_for,
    holder_scope,
    scope,
)
from lantern.access.roles import PRACTITIONERS, Role
from lantern.people.models import Person, SourceRecord
from tests.factories import AgencyFactory, AgreementFactory, PersonFactory, RecordFactory, UserFactory

PROTECTED = [m for m in apps.get_models() if hasattr(m, "ACCESS_FIELDS")]


def test_protected_models_are_found() -> None:
    names = {m.__name__ for m in PROTECTED}
    assert {"Person", "SourceRecord", "AuditEvent"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize("model", PROTECTED, ids=lambda m: m.__name__)
def test_access_fields_name_real_conditions_and_paths(model) -> None:
    for condition, paths in model.ACCESS_FIELDS.items():
        assert Condition(condition)
        for path in paths:
            list(model.objects.filter(**{f"{path}__isnull": True})[:1])  # raises FieldError if the path is wrong
    for path in getattr(model, "ACCESS_BREAK_GLASS", {}).values():
        list(model.objects.filter(**{f"{path}__in": []}))


def test_every_grant_names_known_roles_categories_actions_and_conditions() -> None:
    for grant in POLICY:
        assert grant.roles <= set(Role)
        assert grant.category in set(Category)
        assert grant.actions <= set(Action)
        assert set(grant.when) <= set(Condition)


def test_board_and_admins_see_no_personal_data() -> None:
    personal = {Category.PERSON, Category.AGENCY_RECORD, Category.SEXUAL_HEALTH}
    for role in (Role.BOARD_MEMBER, Role.SYSTEM_ADMIN, Role.INFORMATION_GOVERNANCE):
        assert not [g for g in POLICY if role in g.roles and g.category in personal], role


def test_sexual_health_detail_leaves_health_only_under_a_statutory_trigger() -> None:
    for grant in POLICY:
        if grant.category is Category.SEXUAL_HEALTH and Condition.SAME_AGENCY not in grant.when:
            assert Condition.STATUTORY_TRIGGER in grant.when


def test_refusals_explain_themselves_from_the_policy() -> None:
    assert explain_refusal(Role.YOUTH_WORKER, Category.SMALL_NUMBERS, Action.VIEW) == (
        "Your role (Youth worker) cannot view counts of 1 to 5 in aggregate figures (shown to others as suppressed)."
    )
    assert explain_refusal(Role.BOARD_MEMBER, Category.AGGREGATE, Action.VIEW) == (
        "Your role (Partnership board member) may view aggregate figures with no person in them."
    )
    reason = explain_refusal(Role.SOCIAL_WORKER, Category.AGENCY_RECORD, Action.VIEW)
    assert "your agency holds it" in reason
    assert "its handling code is P" in reason
    assert all(grants_for(role, Category.PERSON, Action.SEARCH) for role in PRACTITIONERS)


@pytest.mark.django_db
@pytest.mark.parametrize("action", [Action.SEARCH, Action.VIEW, Action.LINK])
def test_holder_scope_never_reaches_past_scope(action: Action, settings: Any) -> None:
    """Every role in every agency: each person held (through a record) by an agency ``holder_scope`` names
    is one ``scope`` lets the user act on. People are held by every agency, with and without agreements."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    agencies = [AgencyFactory(code=f"hs-{n}") for n in range(4)]
    AgreementFactory(provider=agencies[1], recipient=agencies[0])
    AgreementFactory(provider=agencies[2], recipient=agencies[0], categories=["agency_record"])  # not people
    AgreementFactory(provider=agencies[0], recipient=agencies[3])
    people = []
    for owner in agencies:
        for holder in agencies:
            person = PersonFactory(owning_agency=owner)
            RecordFactory(person=person, agency=holder)
            people.append(person)
    for role in Role:
        for agency in agencies:
            user = UserFactory(username=f"hs-{role.value}-{agency.code}", agency=agency, role=role.value)
            holders = holder_scope(user, Person, action, through="records__agency_id")
            held = Person.objects.filter(pk__in=[p.pk for p in people])
            if holders is not ALL_AGENCIES:
                held = held.filter(records__agency_id__in=holders).distinct()
            allowed = set(scope(user, Person.objects.all(), action).values_list("pk", flat=True))
            assert set(held.values_list("pk", flat=True)) <= allowed, (role, agency.code)


def test_holder_scope_refuses_models_of_several_categories() -> None:
    with pytest.raises(ValueError, match="several categories"):
        holder_scope(None, SourceRecord, Action.VIEW, through="agency_id")  # type: ignore[arg-type]


@pytest.mark.django_db
def test_scope_filter_selects_exactly_what_scope_does(settings: Any) -> None:
    """Every role in every agency, every action on intelligence: the row condition search uses
    (`scope_filter`, also through a relation) picks exactly the rows `scope` does."""
    import datetime as dt

    from django.utils import timezone

    from lantern.access.models import AccessGrant
    from lantern.access.policy import scope_filter
    from lantern.intel.models import IntelExistence, IntelReport, SanitisedReport

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    agencies = [AgencyFactory(code=f"sf-{n}") for n in range(3)]
    intel = ["intelligence", "intelligence_sanitised", "intelligence_existence"]
    AgreementFactory(provider=agencies[1], recipient=agencies[0], categories=intel)
    AgreementFactory(provider=agencies[0], recipient=agencies[2], categories=["intelligence_existence"])
    users = [
        UserFactory(username=f"sf-{role.value}-{agency.code}", agency=agency, role=role.value)
        for role in Role
        for agency in agencies
    ]
    for n, (owner, handling) in enumerate((a, h) for a in agencies for h in ("P", "C", "")):
        report = IntelReport.objects.create(
            reference=f"KM-TEST-{n:04d}", source="partner", agency=owner, submitted_by=users[n % len(users)],
            what="Test.", occurred_on=dt.date(2026, 1, 1), risk="low", triage_due_at=timezone.now(),
            handling_code=handling, handling_conditions="Conditions" if handling == "C" else "",
        )  # fmt: skip
        sanitised = SanitisedReport.objects.create(report=report, text="Clean.", created_by=users[0])
        target = sanitised if n % 2 else report
        AccessGrant.objects.create(
            user=users[n], object_type=target.AUDIT_TYPE, object_id=str(target.pk), granted_by=users[0],
            reason="Test", lawful_basis="Test", expires_at=timezone.now() + dt.timedelta(days=1),
        )  # fmt: skip
    for user in users:
        for model in (IntelReport, SanitisedReport, IntelExistence):
            for action in Action:
                want = set(scope(user, model.objects.all(), action).values_list("pk", flat=True))
                got = set(model.objects.filter(scope_filter(user, model, action)).values_list("pk", flat=True))
                assert got == want, (user.username, model.__name__, action)
        full = set(scope(user, IntelReport.objects.all(), Action.VIEW).values_list("pk", flat=True))
        through = SanitisedReport.objects.filter(scope_filter(user, IntelReport, Action.VIEW, through="report__"))
        assert set(through.values_list("report_id", flat=True)) == full, user.username
