"""The access matrix for CSE screening: every role x every kind of screening x view / decide / raise, over HTTP.

For each role a world is built: the user's agency, a social-care agency sharing screenings with it under an
agreement in force, and one with no agreement; for each, screenings of children the user is or is not allocated
to, on which the user has or has not raised an indicator (record owner), whose child is or is not subject to a
s47 enquiry or CSE strategy discussion. Every screening also holds a sexual-health indicator raised by a health
agency (the user's own, for the nurse; otherwise one sharing sexual-health detail with the user's agency), which
the reader sees only as the policy allows and is otherwise told only that health holds information.

What each request must answer is computed from the declared POLICY table by the interpreter in test_matrix
(`expected`), never by `access.can`: the screening (200), a refusal with its reason (403), or 404 for one the
user may not know exists. Every request leaves exactly one audit row.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from lantern.access.policy import Action, Category, Condition
from lantern.access.roles import Role
from lantern.accounts.enums import AgencyKind
from lantern.accounts.models import Agency, User
from lantern.people.models import Allocation, Person
from lantern.screening.models import Indicator, LevelDecision, Screening
from tests.access.test_matrix import HOME_KIND, Checker, Http, expected, no_facts, status_for
from tests.factories import AgencyFactory, AgreementFactory, PersonFactory, UserFactory


@dataclass
class Target:
    screening: Screening
    facts: dict[Condition, bool]
    health_facts: dict[Condition, bool]

    @property
    def label(self) -> str:
        return f"screening {self.screening.pk} ({self.screening.child.family_name})"


@dataclass
class World:
    role: Role
    user: User
    home: Agency
    screenings: list[Target] = field(default_factory=list)
    new_child: Person | None = None


def build_world(role: Role) -> World:
    tag = "s" + role.value.replace("_", "")[:9]
    home = AgencyFactory(code=f"home-{tag}", kind=HOME_KIND[role])
    shared = AgencyFactory(code=f"shared-{tag}", kind=AgencyKind.SOCIAL_CARE)
    private = AgencyFactory(code=f"private-{tag}", kind=AgencyKind.SOCIAL_CARE)
    AgreementFactory(provider=shared, recipient=home, categories=["person", "screening"])
    AgreementFactory(provider=home, recipient=shared, categories=["person", "screening"])  # must not widen anything
    user = UserFactory(username=f"m-{tag}", agency=home, role=role, swe_registration="SW000001")
    if home.kind == AgencyKind.HEALTH:
        clinic = home
    else:
        clinic = AgencyFactory(code=f"clinic-{tag}", kind=AgencyKind.HEALTH)
        AgreementFactory(provider=clinic, recipient=home, categories=["sexual_health"])
    nurse = UserFactory(username=f"n-{tag}", agency=clinic, role=Role.SEXUAL_HEALTH_NURSE)
    world = World(role=role, user=user, home=home)
    owners = {"home": home, "shared": shared, "private": private}
    today = timezone.localdate()
    for (owner_name, owner), allocated, raised, trigger in itertools.product(
        owners.items(), (False, True), (False, True), (False, True)
    ):
        child = PersonFactory(
            owning_agency=owner, family_name=f"Zz{tag}{owner_name}{int(allocated)}{int(raised)}{int(trigger)}",
            statutory_enquiry_open=trigger,
        )  # fmt: skip
        if allocated:
            Allocation.objects.create(person=child, user=user)
        screening = Screening.objects.create(child=child, agency=owner)
        Indicator.objects.create(
            screening=screening, kind="clinic", category="sexual_health", agency=clinic, raised_by=nurse,
            observed_on=today, evidence="health_record", detail="Synthetic: attended the clinic.",
        )  # fmt: skip
        if raised:
            Indicator.objects.create(
                screening=screening, kind="school", category="screening", agency=home, raised_by=user,
                observed_on=today, evidence="other", detail="Synthetic: absent on Friday afternoons.",
            )  # fmt: skip
        facts = no_facts(
            same_agency=owner_name == "home", sharing_agreement=owner_name == "shared", allocated=allocated,
            record_owner=raised, statutory_trigger=trigger,
        )  # fmt: skip
        health_facts = no_facts(same_agency=clinic == home, sharing_agreement=clinic != home, allocated=allocated,
                                statutory_trigger=trigger)  # fmt: skip
        world.screenings.append(Target(screening=screening, facts=facts, health_facts=health_facts))
    world.new_child = PersonFactory(owning_agency=home, family_name=f"Zz{tag}new")
    return world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def indicator_body(kind: str) -> dict[str, str]:
    return {"kind": kind, "observed_on": timezone.localdate().isoformat(), "evidence": "other",
            "detail": "Synthetic: seen getting into a car after school."}  # fmt: skip


def run_matrix(world: World, http: Http) -> Checker:
    role, checker = world.role, Checker(world)  # type: ignore[arg-type]
    check = checker.check
    for target in world.screenings:
        screening, facts = target.screening, target.facts
        visible = expected(role, Category.SCREENING, Action.VIEW, facts)
        check(f"UI view {target.label}", lambda s=screening: http.ui.get(f"/screening/{s.pk}/"),
              status_for(visible, visible, 200))  # fmt: skip
        shown = check(f"API view {target.label}", lambda s=screening: http.api.get(f"/screening/{s.pk}"),
                      status_for(visible, visible, 200))  # fmt: skip
        if visible and shown.status_code == 200:
            body = shown.json()
            detail = expected(role, Category.SEXUAL_HEALTH, Action.VIEW, target.health_facts)
            kinds = {i["kind"] for i in body["indicators"]}
            if body["child_id"] != str(screening.child_id):
                checker.failures.append(f"API view {target.label}: answered another screening")
            if ("clinic" in kinds) != detail or body["health_holds_information"] == detail:
                checker.failures.append(
                    f"API view {target.label}: sexual-health detail shown={'clinic' in kinds}, expected {detail}"
                )
            if body["level"] != "at_risk":
                checker.failures.append(f"API view {target.label}: level {body['level']}, the indicators give at risk")
        allowed = expected(role, Category.SCREENING, Action.UPDATE, facts)
        check(f"UI decide {target.label}", lambda s=screening: http.post(f"/screening/{s.pk}/decide/", {"level": ""}),
              status_for(allowed, visible, 302))  # fmt: skip
        check(f"API decide {target.label}", lambda s=screening: http.api.post(f"/screening/{s.pk}/decisions", json={}),
              status_for(allowed, visible, 201))  # fmt: skip
        made = LevelDecision.objects.filter(screening=screening).count()
        if made != (2 if allowed else 0):
            checker.failures.append(f"{target.label}: {made} decisions saved, expected {2 if allowed else 0}")

    # Lists: a role with no grant is refused; any other sees exactly the screenings the policy lets it view.
    may_view = expected(role, Category.SCREENING, Action.VIEW, None)
    listed = check("API list", lambda: http.api.get("/screening", params={"limit": 200}), 200 if may_view else 403)
    if may_view and listed.status_code == 200:
        got = {item["id"] for item in listed.json()["items"]}
        want = {t.screening.pk for t in world.screenings if expected(role, Category.SCREENING, Action.VIEW, t.facts)}
        if got != want or listed.json()["count"] != len(want):
            checker.failures.append(f"API list: screenings {sorted(got)}, expected {sorted(want)}")
    decides = expected(role, Category.SCREENING, Action.UPDATE, None)
    check("UI tasks", lambda: http.ui.get("/screening/"), 200 if decides else 403)
    check("API tasks", lambda: http.api.get("/screening/tasks"), 200 if decides else 403)

    # Create: an indicator for a child of the user's own agency, for the user's agency. A sexual-health indicator
    # health raises is sexual-health detail; from any other agency it is a screening indicator.
    child = world.new_child
    assert child is not None
    parent_visible = expected(role, Category.PERSON, Action.VIEW, no_facts(same_agency=True))
    draft = no_facts(same_agency=True)
    health = world.home.kind == AgencyKind.HEALTH
    for kind, category in (("school", Category.SCREENING),
                           ("clinic", Category.SEXUAL_HEALTH if health else Category.SCREENING)):  # fmt: skip
        allowed = expected(role, category, Action.CREATE, draft)
        body = indicator_body(kind)
        check(f"UI raise {kind}", lambda b=body: http.post(f"/screening/child/{child.pk}/indicator/", b),
              status_for(allowed, parent_visible, 302))  # fmt: skip
        check(f"API raise {kind}", lambda b=body: http.api.post(f"/screening/children/{child.pk}/indicators", json=b),
              status_for(allowed, parent_visible, 201))  # fmt: skip
        saved = Indicator.objects.filter(screening__child=child, kind=kind)
        if saved.count() != (2 if allowed else 0):
            checker.failures.append(f"raise {kind}: {saved.count()} saved, expected {2 if allowed else 0}")
        elif allowed and {i.category for i in saved} != {category.value}:
            checker.failures.append(f"raise {kind}: saved as {saved.first().category}, expected {category.value}")
    return checker


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_screening_access_matrix(role: Role, live_server: Any) -> None:
    world = build_world(role)
    http = Http(live_server.url, world.user)
    try:
        checker = run_matrix(world, http)
    finally:
        http.close()
    assert checker.requests == 4 * len(world.screenings) + 3 + 4 == 103
    assert not checker.failures, f"{len(checker.failures)} of {checker.requests} requests wrong:\n" + "\n".join(
        checker.failures[:60]
    )
