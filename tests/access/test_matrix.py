"""The access matrix: every role x every object category x every action, over real HTTP.

For each role a small world is built: the user's own agency, an agency sharing with it under an
agreement in force, and an agency with no agreement; people with and without allocation and statutory
triggers; records of both categories with both handling codes. The expected outcome of every request is
computed from the declared POLICY table by the small interpreter below (not by `access.can`), then the
request is made through the UI and the API of a live server, and must answer exactly that. Every request
must also leave exactly one audit row (aggregates, which hold no personal data, leave none when allowed).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from django.conf import settings

from lantern.access.policy import POLICY, Action, Category, Condition
from lantern.access.roles import Role
from lantern.accounts.enums import AgencyKind
from lantern.accounts.models import Agency, User
from lantern.accounts.services import token_create
from lantern.audit.models import AuditEvent
from lantern.people.models import Allocation, LinkReview, Person, SourceRecord
from tests.factories import AgencyFactory, AgreementFactory, PersonFactory, RecordFactory, UserFactory

HOME_KIND = {
    Role.SOCIAL_WORKER: AgencyKind.SOCIAL_CARE,
    Role.SOCIAL_CARE_ASSISTANT: AgencyKind.SOCIAL_CARE,
    Role.TEAM_MANAGER: AgencyKind.SOCIAL_CARE,
    Role.POLICE_CSE_OFFICER: AgencyKind.POLICE,
    Role.INTELLIGENCE_ANALYST: AgencyKind.POLICE,
    Role.SEXUAL_HEALTH_NURSE: AgencyKind.HEALTH,
    Role.DESIGNATED_SAFEGUARDING_LEAD: AgencyKind.EDUCATION,
    Role.YOUTH_WORKER: AgencyKind.YOUTH,
    Role.BOARD_MEMBER: AgencyKind.PARTNERSHIP,
    Role.SYSTEM_ADMIN: AgencyKind.SOCIAL_CARE,
    Role.INFORMATION_GOVERNANCE: AgencyKind.SOCIAL_CARE,
}

# The (category, action) pairs this matrix drives over HTTP. Every pair the policy grants to anyone
# must be here (checked below), so no permission exists that the matrix does not exercise.
EXERCISED: frozenset[tuple[Category, Action]] = frozenset(
    {
        (Category.PERSON, Action.VIEW),
        (Category.PERSON, Action.SEARCH),
        (Category.PERSON, Action.CREATE),
        (Category.PERSON, Action.UPDATE),
        (Category.PERSON, Action.LINK),
        (Category.AGENCY_RECORD, Action.VIEW),
        (Category.AGENCY_RECORD, Action.CREATE),
        (Category.AGENCY_RECORD, Action.UPDATE),
        (Category.SEXUAL_HEALTH, Action.VIEW),
        (Category.SEXUAL_HEALTH, Action.CREATE),
        (Category.SEXUAL_HEALTH, Action.UPDATE),
        (Category.AUDIT_LOG, Action.VIEW),
        (Category.AUDIT_LOG, Action.SEARCH),
        (Category.AGGREGATE, Action.VIEW),
        (Category.USER_ACCOUNT, Action.VIEW),
        (Category.USER_ACCOUNT, Action.CREATE),
        (Category.USER_ACCOUNT, Action.UPDATE),
        (Category.LINKAGE_RUN, Action.VIEW),
        (Category.LINKAGE_RUN, Action.CREATE),
        # Intelligence: exercised by test_intel_matrix, over the same HTTP clients and policy interpreter.
        (Category.INTELLIGENCE, Action.CREATE),
        (Category.INTELLIGENCE, Action.VIEW),
        (Category.INTELLIGENCE, Action.UPDATE),
        (Category.INTELLIGENCE, Action.SHARE),
        (Category.INTELLIGENCE_SANITISED, Action.VIEW),
        (Category.INTELLIGENCE_EXISTENCE, Action.VIEW),
        (Category.INTELLIGENCE_EXISTENCE, Action.SEARCH),
        # Statutory cases: exercised by test_case_matrix (view a case, a contact and an assessment contribution as
        # updates, a referral as the create), over the same HTTP clients and policy interpreter.
        (Category.CASE, Action.VIEW),
        (Category.CASE, Action.CREATE),
        (Category.CASE, Action.UPDATE),
        # CSE screening: exercised by test_screening_matrix (view and decide a screening, raise an indicator).
        (Category.SCREENING, Action.VIEW),
        (Category.SCREENING, Action.CREATE),
        (Category.SCREENING, Action.UPDATE),
        # Small numbers in locality profiles: exercised by test_locality_matrix (suppressed or not, per role).
        (Category.SMALL_NUMBERS, Action.VIEW),
        # The language guide: exercised by test_language_matrix (read it; the board adds, edits and removes).
        (Category.LANGUAGE_GUIDE, Action.VIEW),
        (Category.LANGUAGE_GUIDE, Action.CREATE),
        (Category.LANGUAGE_GUIDE, Action.UPDATE),
        (Category.LANGUAGE_GUIDE, Action.DELETE),
        # Network analysis: exercised by test_network_matrix (every reader's ego networks, findings, communities,
        # paths and exports, refused to those without the grant) and the rebuild tests in tests/network.
        (Category.NETWORK, Action.VIEW),
        (Category.NETWORK, Action.EXPORT),
        (Category.NETWORK, Action.CREATE),
        # CSE training: exercised by test_training_matrix (every user reads and records against every member of staff).
        (Category.TRAINING, Action.VIEW),
        (Category.TRAINING, Action.CREATE),
        # Escalation chains: exercised by test_escalation_chain_matrix (every user views, adds to, changes and removes
        # from every agency's chain, over the pages).
        (Category.ESCALATION_CHAIN, Action.VIEW),
        (Category.ESCALATION_CHAIN, Action.CREATE),
        (Category.ESCALATION_CHAIN, Action.UPDATE),
        (Category.ESCALATION_CHAIN, Action.DELETE),
        # Feedback to the board: exercised by test_feedback_matrix (practitioners write, the board reads and answers).
        (Category.FEEDBACK, Action.VIEW),
        (Category.FEEDBACK, Action.CREATE),
        (Category.FEEDBACK, Action.UPDATE),
    }
)


DIFFERENT_PEOPLE = {"decision": "different", "reason": "Different dates of birth."}


def expected(role: Role, category: Category, action: Action, facts: dict[Condition, bool] | None) -> bool:
    """The policy table read directly: a grant applies when all its conditions hold for the target.
    `facts=None` asks about the category as a whole (may the role do this to anything at all?)."""
    for grant in POLICY:
        applies = role in grant.roles and grant.category == category and action in grant.actions
        if applies and (facts is None or all(facts[c] for c in grant.when)):
            return True
    return False


def no_facts(**true: bool) -> dict[Condition, bool]:
    facts = dict.fromkeys(Condition, False)
    facts.update({Condition(k): v for k, v in true.items()})
    return facts


@dataclass
class Target:
    obj: Any
    facts: dict[Condition, bool]
    parent_facts: dict[Condition, bool] | None = None
    reviews: list[LinkReview] = field(default_factory=list)


@dataclass
class World:
    role: Role
    user: User
    home: Agency
    people: list[Target] = field(default_factory=list)
    records: list[Target] = field(default_factory=list)
    home_person: Person | None = None
    staff: User | None = None


def build_world(role: Role) -> World:
    tag = role.value.replace("_", "")[:10]
    home = AgencyFactory(code=f"home-{tag}", kind=HOME_KIND[role])
    shared = AgencyFactory(code=f"shared-{tag}", kind=AgencyKind.POLICE)
    private = AgencyFactory(code=f"private-{tag}", kind=AgencyKind.YOUTH)
    AgreementFactory(provider=shared, recipient=home)
    AgreementFactory(provider=home, recipient=shared)  # the other direction must not widen anything
    user = UserFactory(username=f"m-{tag}", agency=home, role=role, swe_registration="SW000001")
    world = World(role=role, user=user, home=home, staff=UserFactory(username=f"staff-{tag}", agency=home))
    owners = {"home": home, "shared": shared, "private": private}
    for (owner_name, owner), allocated, trigger in itertools.product(owners.items(), (False, True), (False, True)):
        person = PersonFactory(
            owning_agency=owner,
            family_name=f"Zz{tag}{owner_name}{int(allocated)}{int(trigger)}",
            statutory_enquiry_open=trigger,
        )
        if allocated:
            Allocation.objects.create(person=person, user=user)
        base = {
            "same_agency": owner_name == "home",
            "sharing_agreement": owner_name == "shared",
            "allocated": allocated,
            "statutory_trigger": trigger,
        }
        person_facts = no_facts(**base)
        world.people.append(Target(person, person_facts))
        if owner_name == "home" and not allocated and not trigger:
            world.home_person = person
        for category, handling in itertools.product(("agency_record", "sexual_health"), ("P", "C")):
            record = RecordFactory(person=person, agency=owner, category=category, handling_code=handling)
            world.records.append(Target(record, no_facts(**base, handling_p=handling == "P"), person_facts))
    # Two pending pairs (one for the UI, one for the API) between each person and the user's own person,
    # so the matrix can exercise identity decisions: "different people" changes no one's access.
    home_person = world.home_person
    assert home_person is not None
    home_record = home_person.records.order_by("pk").last()
    for target in world.people:
        for record in target.obj.records.order_by("pk")[:2]:  # a pair is reviewed once, so two records
            target.reviews.append(LinkReview.objects.create(
                record_a=record, record_b=home_record, match_probability=0.7, match_weight=2.0, evidence=[]
            ))  # fmt: skip
    return world


class Http:
    """A signed-in browser-like session on the UI and a bearer-token client on the API."""

    def __init__(self, base_url: str, user: User) -> None:
        self.ui = httpx.Client(base_url=base_url, follow_redirects=False, timeout=30)
        page = self.ui.get("/account/sign-in/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "sign-in page has no CSRF token"
        signed_in = self.ui.post(
            "/account/sign-in/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "username": user.username,
                "password": settings.LANTERN_DEMO_PASSWORD,
                "next": "/",
            },
        )
        assert signed_in.status_code == 302, signed_in.text[:500]
        key = token_create(user=user, issued_by="test").key
        self.api = httpx.Client(base_url=f"{base_url}/api/v1", timeout=30, headers={"Authorization": f"Bearer {key}"})

    def post(self, path: str, data: dict[str, Any]) -> httpx.Response:
        return self.ui.post(path, data={"csrfmiddlewaretoken": self.ui.cookies["csrftoken"], **data})

    def close(self) -> None:
        self.ui.close()
        self.api.close()


def status_for(allowed: bool, visible: bool, ok: int) -> int:
    if allowed:
        return ok
    return 403 if visible else 404


class Checker:
    def __init__(self, world: World) -> None:
        self.world = world
        self.failures: list[str] = []
        self.requests = 0

    def check(self, label: str, send: Any, want_status: int, want_rows: int = 1) -> httpx.Response:
        before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        response: httpx.Response = send()
        self.requests += 1
        rows = AuditEvent.objects.filter(seq__gt=before).count()
        if response.status_code != want_status:
            self.failures.append(f"{label}: status {response.status_code}, expected {want_status}")
        elif rows != want_rows:
            self.failures.append(f"{label}: {rows} audit rows, expected {want_rows}")
        return response


def person_form(person: Person) -> dict[str, str]:
    return {
        "kind": person.kind,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "sex": person.sex,
    }


def run_matrix(world: World, http: Http) -> Checker:
    role, checker = world.role, Checker(world)
    check = checker.check

    for target in world.people:
        person, facts = target.obj, target.facts
        visible = expected(role, Category.PERSON, Action.VIEW, facts)
        for action, ok in ((Action.VIEW, 200), (Action.UPDATE, 302)):
            allowed = expected(role, Category.PERSON, action, facts)
            want = status_for(allowed, visible, ok)
            if action is Action.VIEW:
                check(f"UI view {person.family_name}", lambda p=person: http.ui.get(f"/people/{p.pk}/"), want)
                check(f"API view {person.family_name}", lambda p=person: http.api.get(f"/people/{p.pk}"), want)
            else:
                check(
                    f"UI update {person.family_name}",
                    lambda p=person: http.post(f"/people/{p.pk}/edit/", person_form(p)),
                    want,
                )
                check(
                    f"API update {person.family_name}",
                    lambda p=person: http.api.patch(f"/people/{p.pk}", json={"kind": p.kind}),
                    status_for(allowed, visible, 200),
                )
        home_facts = no_facts(same_agency=True)
        both_visible = visible and expected(role, Category.PERSON, Action.VIEW, home_facts)
        both_link = expected(role, Category.PERSON, Action.LINK, facts) and expected(
            role, Category.PERSON, Action.LINK, home_facts
        )
        ui_review, api_review = target.reviews
        check(
            f"UI link {person.family_name}",
            lambda r=ui_review: http.post(f"/people/reviews/{r.pk}/", DIFFERENT_PEOPLE),
            status_for(both_link, both_visible, 302),
        )
        check(
            f"API link {person.family_name}",
            lambda r=api_review: http.api.post(
                f"/people/reviews/{r.pk}", json={"same_person": False, "reason": "Different."}
            ),
            status_for(both_link, both_visible, 200),
        )
        can_search = expected(role, Category.PERSON, Action.SEARCH, None)
        found_expected = expected(role, Category.PERSON, Action.SEARCH, facts)
        ui = check(
            f"UI search {person.family_name}",
            lambda p=person: http.ui.get("/people/", params={"q": p.family_name}),
            200 if can_search else 403,
        )
        api = check(
            f"API search {person.family_name}",
            lambda p=person: http.api.get("/people/search", params={"q": p.family_name}),
            200 if can_search else 403,
        )
        if can_search:
            in_ui = str(person.pk) in ui.text
            in_api = api.status_code == 200 and any(i["id"] == str(person.pk) for i in api.json()["items"])
            if (in_ui, in_api) != (found_expected, found_expected):
                checker.failures.append(
                    f"search {person.family_name}: found UI={in_ui} API={in_api}, expected {found_expected}"
                )

    for target in world.records:
        record, facts = target.obj, target.facts
        category = Category(record.category)
        visible = expected(role, category, Action.VIEW, facts) or expected(
            role, Category.PERSON, Action.VIEW, target.parent_facts
        )
        label = f"{record.category}/{record.handling_code} of {record.person.family_name}"
        view_ok = expected(role, category, Action.VIEW, facts)
        check(f"UI view {label}", lambda r=record: http.ui.get(f"/records/{r.pk}/"), status_for(view_ok, visible, 200))
        check(f"API view {label}", lambda r=record: http.api.get(f"/records/{r.pk}"), status_for(view_ok, visible, 200))
        update_ok = expected(role, category, Action.UPDATE, facts)
        form = {"title": record.title, "summary": record.summary, "handling_code": record.handling_code}
        check(
            f"UI update {label}",
            lambda r=record, f=form: http.post(f"/records/{r.pk}/edit/", f),
            status_for(update_ok, visible, 302),
        )
        check(
            f"API update {label}",
            lambda r=record: http.api.patch(f"/records/{r.pk}", json={"title": r.title}),
            status_for(update_ok, visible, 200),
        )

    # Creates: the new row would belong to the user's own agency.
    draft = no_facts(same_agency=True)
    allowed = expected(role, Category.PERSON, Action.CREATE, draft)
    new_person = {"kind": "child", "given_name": "Test", "family_name": f"New{role.value}", "sex": "F"}
    check(
        "UI create person",
        lambda: http.post("/people/new/", {**new_person, "date_of_birth": ""}),
        302 if allowed else 403,
    )
    check("API create person", lambda: http.api.post("/people", json=new_person), 201 if allowed else 403)
    home_person = world.home_person
    assert home_person is not None
    parent_visible = expected(role, Category.PERSON, Action.VIEW, no_facts(same_agency=True))
    for category in (Category.AGENCY_RECORD, Category.SEXUAL_HEALTH):
        allowed = expected(role, category, Action.CREATE, draft)
        body = {"category": category.value, "title": "New record", "summary": "Synthetic.", "handling_code": "P"}
        check(
            f"UI create {category}",
            lambda b=body: http.post(f"/people/{home_person.pk}/records/new/", b),
            status_for(allowed, parent_visible, 302),
        )
        check(
            f"API create {category}",
            lambda b=body: http.api.post(f"/people/{home_person.pk}/records", json=b),
            status_for(allowed, parent_visible, 201),
        )

    # Category-wide pages: the review queue, the audit log, aggregates, user accounts.
    allowed = expected(role, Category.PERSON, Action.LINK, None)
    check("UI review queue", lambda: http.ui.get("/people/reviews/"), 200 if allowed else 403)
    check("API review queue", lambda: http.api.get("/people/reviews"), 200 if allowed else 403)
    for action, ui_path, api_path in (
        (Action.SEARCH, "/audit/", "/audit/events"),
        (Action.VIEW, "/audit/my-records/", "/audit/my-records"),
    ):
        allowed = expected(role, Category.AUDIT_LOG, action, None)
        check(f"UI audit {action}", lambda p=ui_path: http.ui.get(p), 200 if allowed else 403)
        listed = check(f"API audit {action}", lambda p=api_path: http.api.get(p), 200 if allowed else 403)
        # The whole log, under an unconditional grant, cannot be empty: this test has written to it.
        everything = action is Action.SEARCH and expected(role, Category.AUDIT_LOG, action, no_facts())
        if everything and listed.status_code == 200 and listed.json()["count"] == 0:
            checker.failures.append(f"API audit {action}: an unconditional grant listed no rows")
    allowed = expected(role, Category.AGGREGATE, Action.VIEW, None)
    check("UI overview", lambda: http.ui.get("/overview/"), 200 if allowed else 403, 0 if allowed else 1)
    check("API overview", lambda: http.api.get("/overview"), 200 if allowed else 403, 0 if allowed else 1)
    # Linkage runs hold counts, never a person: a permitted look leaves no audit row, a start leaves one,
    # and a second start while the first is queued is refused (and audited) rather than racing it.
    allowed = expected(role, Category.LINKAGE_RUN, Action.VIEW, None)
    check("UI linkage runs", lambda: http.ui.get("/people/linkage/"), 200 if allowed else 403, 0 if allowed else 1)
    check(
        "API linkage runs", lambda: http.api.get("/people/linkage/runs"), 200 if allowed else 403, 0 if allowed else 1
    )
    allowed = expected(role, Category.LINKAGE_RUN, Action.CREATE, None)
    check("UI start linkage run", lambda: http.post("/people/linkage/", {}), 302 if allowed else 403)
    check("API start linkage run", lambda: http.api.post("/people/linkage/runs"), 409 if allowed else 403)
    allowed = expected(role, Category.USER_ACCOUNT, Action.VIEW, None)
    check("UI users", lambda: http.ui.get("/manage/users/"), 200 if allowed else 403)
    users = check("API users", lambda: http.api.get("/users"), 200 if allowed else 403)
    if allowed and users.status_code == 200 and users.json()["count"] == 0:
        checker.failures.append("API users: listed no accounts")
    allowed = expected(role, Category.USER_ACCOUNT, Action.CREATE, no_facts(same_agency=True))
    account = {
        "username": f"new-{role.value}".replace("_", "-"),
        "agency": world.home.pk,
        "role": "youth_worker",
        "password": "a-long-synthetic-passphrase-42",
        "is_active": "on",
    }
    check("UI create user", lambda: http.post("/manage/users/new/", account), 302 if allowed else 403)
    staff = world.staff
    assert staff is not None
    allowed = expected(role, Category.USER_ACCOUNT, Action.UPDATE, no_facts(same_agency=True))
    change = {"username": staff.username, "agency": world.home.pk, "role": "youth_worker", "is_active": "on"}
    check("UI update user", lambda: http.post(f"/manage/users/{staff.pk}/edit/", change), 302 if allowed else 403)
    return checker


def test_every_granted_permission_is_exercised() -> None:
    granted = {(g.category, a) for g in POLICY for a in g.actions}
    assert granted <= EXERCISED, f"granted but not exercised by the matrix: {sorted(granted - EXERCISED)}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_access_matrix(role: Role, live_server: Any) -> None:
    world = build_world(role)
    http = Http(live_server.url, world.user)
    try:
        checker = run_matrix(world, http)
    finally:
        http.close()
    assert checker.requests > 250
    assert not checker.failures, f"{len(checker.failures)} of {checker.requests} requests wrong:\n" + "\n".join(
        checker.failures[:60]
    )
    # Nothing the matrix did may have changed what it was checking.
    assert SourceRecord.objects.filter(person__in=[t.obj for t in world.people]).count() >= len(world.records)
