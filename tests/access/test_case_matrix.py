"""The access matrix for statutory cases: every role x every kind of case x view / update / create, over HTTP.

For each role a world is built: the user's agency, an agency sharing cases with it under an agreement in force,
and an agency with no agreement; for each, cases whose child is or is not subject to a s47 enquiry or CSE
strategy discussion (the statutory trigger), with the user allocated as lead practitioner, allocated to the
child, or not allocated at all. What each request must answer is computed from the declared POLICY table by the
interpreter in test_matrix (`expected`), never by `access.can`: the case (200), a refusal with its reason (403),
or a 404 for a case the user may not know exists. Every request leaves exactly one audit row, except a referral
that opens a case, which leaves two (the case opened, the referral recorded; see the note at the check).
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
from lantern.cases.enums import Stage
from lantern.cases.models import Assessment, Case, Contact, Contribution, Referral
from lantern.people.models import Allocation, Person
from tests.access.test_matrix import HOME_KIND, Checker, Http, expected, no_facts, status_for
from tests.factories import AgencyFactory, AgreementFactory, PersonFactory, UserFactory

ALLOCATION = ("none", "lead", "child")  # not allocated; lead practitioner of the case; allocated to the child


@dataclass
class Target:
    case: Case
    assessment: Assessment
    facts: dict[Condition, bool]

    @property
    def label(self) -> str:
        return f"case {self.case.pk} ({self.case.child.family_name})"


@dataclass
class World:
    role: Role
    user: User
    home: Agency
    cases: list[Target] = field(default_factory=list)
    new_child: Person | None = None


def build_world(role: Role) -> World:
    tag = "c" + role.value.replace("_", "")[:9]
    home = AgencyFactory(code=f"home-{tag}", kind=HOME_KIND[role])
    shared = AgencyFactory(code=f"shared-{tag}", kind=AgencyKind.SOCIAL_CARE)
    private = AgencyFactory(code=f"private-{tag}", kind=AgencyKind.SOCIAL_CARE)
    AgreementFactory(provider=shared, recipient=home, categories=["person", "case"])
    AgreementFactory(provider=home, recipient=shared, categories=["person", "case"])  # must not widen anything
    user = UserFactory(username=f"m-{tag}", agency=home, role=role, swe_registration="SW000001")
    world = World(role=role, user=user, home=home)
    owners = {"home": home, "shared": shared, "private": private}
    staff = {name: UserFactory(username=f"s-{a.code}", agency=a, role=Role.SOCIAL_WORKER) for name, a in owners.items()}
    now = timezone.now()
    for (owner_name, owner), allocation, trigger in itertools.product(owners.items(), ALLOCATION, (False, True)):
        child = PersonFactory(
            owning_agency=owner, family_name=f"Zz{tag}{owner_name}{allocation}{int(trigger)}",
            statutory_enquiry_open=trigger,
        )  # fmt: skip
        if allocation == "child":
            Allocation.objects.create(person=child, user=user)
        case = Case.objects.create(
            child=child, agency=owner, stage=Stage.S47 if trigger else Stage.ASSESSMENT,
            lead_practitioner=user if allocation == "lead" else staff[owner_name], created_by=staff[owner_name],
        )  # fmt: skip
        referral = Referral.objects.create(
            case=case, received_at=now, source_kind="police", source_person="DC Test", concerns="Synthetic concerns.",
            recorded_by=staff[owner_name],
        )  # fmt: skip
        assessment = Assessment.objects.create(case=case, referral=referral, recorded_by=staff[owner_name])
        facts = no_facts(
            same_agency=owner_name == "home", sharing_agreement=owner_name == "shared",
            allocated=allocation != "none", statutory_trigger=trigger,
        )  # fmt: skip
        world.cases.append(Target(case=case, assessment=assessment, facts=facts))
    world.new_child = PersonFactory(owning_agency=home, family_name=f"Zz{tag}new")
    return world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def contact_body() -> dict[str, Any]:
    return {
        "received_at": timezone.now().isoformat(),
        "source_kind": "education",
        "source_person": "Head of year",
        "summary": "Synthetic: absent again on Friday afternoon.",
    }


def run_matrix(world: World, http: Http) -> Checker:
    role, checker = world.role, Checker(world)  # type: ignore[arg-type]
    check = checker.check
    for target in world.cases:
        case, facts = target.case, target.facts
        visible = expected(role, Category.CASE, Action.VIEW, facts)
        shown = check(
            f"API view {target.label}",
            lambda c=case: http.api.get(f"/cases/{c.pk}"),
            status_for(visible, visible, 200),
        )
        if visible and shown.status_code == 200 and shown.json()["child_id"] != str(case.child_id):
            checker.failures.append(f"API view {target.label}: answered another case")
        allowed = expected(role, Category.CASE, Action.UPDATE, facts)
        check(
            f"API contact on {target.label}",
            lambda c=case: http.api.post(f"/cases/{c.pk}/contacts", json=contact_body()),
            status_for(allowed, visible, 201),
        )
        check(
            f"API contribution to {target.label}",
            lambda a=target.assessment: http.api.post(
                f"/cases/assessments/{a.pk}/contributions", json={"text": "Synthetic contribution."}
            ),
            status_for(allowed, visible, 201),
        )
        made = Contact.objects.filter(case=case).count() + Contribution.objects.filter(assessment__case=case).count()
        if made != (2 if allowed else 0):
            checker.failures.append(f"{target.label}: {made} steps saved, expected {2 if allowed else 0}")

    # Lists: a role with no case grant is refused; any other sees exactly the cases the policy lets it view.
    may_view = expected(role, Category.CASE, Action.VIEW, None)
    listed = check("API list", lambda: http.api.get("/cases", params={"limit": 200}), 200 if may_view else 403)
    if may_view and listed.status_code == 200:
        got = {item["id"] for item in listed.json()["items"]}
        want = {t.case.pk for t in world.cases if expected(role, Category.CASE, Action.VIEW, t.facts)}
        if got != want or listed.json()["count"] != len(want):
            checker.failures.append(f"API list: cases {sorted(got)}, expected {sorted(want)}")
    check("API my work", lambda: http.api.get("/cases/work"), 200 if may_view else 403)
    # A team's work is a manager's list: other roles that may view cases are refused it (and the refusal audited).
    manages = may_view and role is Role.TEAM_MANAGER
    check("API team work", lambda: http.api.get("/cases/team-work"), 200 if manages else 403)

    # Create: a referral about a child of the user's own agency opens a case held by the user's agency.
    child = world.new_child
    assert child is not None
    allowed = expected(role, Category.CASE, Action.CREATE, no_facts(same_agency=True))
    referral = {
        "child": str(child.pk), "received_at": timezone.now().isoformat(), "source_kind": "education",
        "source_person": "Head of year", "concerns": "Synthetic: seen in a car with an older man.",
    }  # fmt: skip
    # A referral that opens a case writes two rows (the case opened, the referral recorded): reported to the
    # owners of cases.services, which audits both; a refusal is one row, as everywhere.
    made = check("API create referral", lambda: http.api.post("/cases/referrals", json=referral),
                 201 if allowed else 403, 2 if allowed else 1)  # fmt: skip
    if allowed and made.status_code == 201:
        opened = Case.objects.filter(child=child).first()
        if opened is None or opened.agency_id != world.home.pk or made.json()["case_id"] != opened.pk:
            checker.failures.append("API create referral: the case is not held by the user's agency")
    elif Case.objects.filter(child=child).exists():
        checker.failures.append("API create referral: refused, but a case was opened")
    return checker


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_case_access_matrix(role: Role, live_server: Any) -> None:
    world = build_world(role)
    http = Http(live_server.url, world.user)
    try:
        checker = run_matrix(world, http)
    finally:
        http.close()
    assert checker.requests == 3 * len(world.cases) + 4 == 58
    assert not checker.failures, f"{len(checker.failures)} of {checker.requests} requests wrong:\n" + "\n".join(
        checker.failures[:60]
    )
