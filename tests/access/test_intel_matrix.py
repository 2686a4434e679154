"""The access matrix for intelligence: every role x full / sanitised / existence-only x every action, over HTTP.

For each role a world is built: the user's agency, an agency sharing intelligence with it, and one with no
agreement; reports owned by each, with handling code P, C or not yet graded, with and without a sanitised
version; reports the user submitted; and reports released to the user (in full, or sanitised) by a time-limited
grant. What each request must answer is computed from the declared POLICY table by the interpreter in
test_matrix (`expected`), never by `access.can`: the full report, its sanitised version, a 403 naming the
holder (existence only), or a 404. Every request leaves exactly one audit row.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from lantern.access.models import AccessGrant
from lantern.access.policy import Action, Category, Condition
from lantern.access.roles import Role
from lantern.accounts.enums import AgencyKind
from lantern.accounts.models import Agency, User
from lantern.intel.enums import Source, Status
from lantern.intel.models import AccessRequest, IntelReport, SanitisedReport
from lantern.intel.rules import LANTERN_INTEL_24H
from lantern.intel.services import new_reference
from tests.access.test_matrix import HOME_KIND, Checker, Http, expected, no_facts, status_for
from tests.factories import AgencyFactory, AgreementFactory, UserFactory

INTEL_CATEGORIES = ["intelligence", "intelligence_sanitised", "intelligence_existence"]
GRADE = {"source_evaluation": "2", "intelligence_assessment": "B", "handling_code": "P", "risk": "medium"}


@dataclass
class Report:
    obj: IntelReport
    sanitised: SanitisedReport | None
    full_facts: dict[Condition, bool]
    sanitised_facts: dict[Condition, bool]
    existence_facts: dict[Condition, bool]
    requests: list[AccessRequest] = field(default_factory=list)

    @property
    def marker(self) -> str:
        return f"fulltext{self.obj.pk}x"

    @property
    def sanitised_marker(self) -> str:
        return f"cleantext{self.obj.pk}x"


@dataclass
class World:
    role: Role
    user: User
    home: Agency
    reports: list[Report] = field(default_factory=list)


def make_report(owner: Agency, submitter: User, handling: str) -> IntelReport:
    now = timezone.now()
    graded = handling != ""
    report = IntelReport.objects.create(
        reference=new_reference(), source=Source.PARTNER, agency=owner, submitted_by=submitter,
        what="placeholder", occurred_on=dt.date(2026, 10, 1), location_text="Bus station", knowledge="seen",
        urgency="soon", risk="medium", triage_due_at=LANTERN_INTEL_24H.due(received_at=now, risk="medium"),
        status=Status.TRIAGED if graded else Status.NEW, grading_scheme="3x5x2" if graded else "",
        source_evaluation="2" if graded else "", intelligence_assessment="C" if graded else "",
        handling_code=handling, handling_conditions="Only for the CSE strategy group" if handling == "C" else "",
    )  # fmt: skip
    report.what = f"Seen at the bus station fulltext{report.pk}x with an older man."
    report.save(update_fields=["what"])
    return report


def build_world(role: Role) -> World:
    tag = "i" + role.value.replace("_", "")[:9]
    home = AgencyFactory(code=f"home-{tag}", kind=HOME_KIND[role])
    shared = AgencyFactory(code=f"shared-{tag}", kind=AgencyKind.YOUTH)
    private = AgencyFactory(code=f"private-{tag}", kind=AgencyKind.HEALTH)
    AgreementFactory(provider=shared, recipient=home, categories=INTEL_CATEGORIES)
    AgreementFactory(provider=home, recipient=shared, categories=INTEL_CATEGORIES)  # must not widen anything
    user = UserFactory(username=f"m-{tag}", agency=home, role=role, swe_registration="SW000001")
    world = World(role=role, user=user, home=home)
    staff = {
        a.pk: UserFactory(username=f"s-{a.code}", agency=a, role=Role.YOUTH_WORKER) for a in (home, shared, private)
    }
    asker = UserFactory(username=f"ask-{tag}", agency=shared, role=Role.YOUTH_WORKER)
    owners = {"home": home, "shared": shared, "private": private}
    cases: list[tuple[str, str, bool, bool, str]] = [
        (owner, handling, with_sanitised, False, "")
        for owner, handling, with_sanitised in itertools.product(owners, ("P", "C", ""), (False, True))
    ]
    cases += [("home", "C", True, True, ""), ("home", "", False, True, "")]  # the user submitted these
    cases += [("private", "C", True, False, "full"), ("private", "C", True, False, "sanitised")]  # released
    for owner_name, handling, with_sanitised, own, released in cases:
        owner = owners[owner_name]
        report = make_report(owner, user if own else staff[owner.pk], handling)
        sanitised = None
        if with_sanitised:
            sanitised = SanitisedReport.objects.create(
                report=report, text=f"Sanitised account cleantext{report.pk}x.", created_by=staff[owner.pk]
            )
        for target, kind in ((report, "full"), (sanitised, "sanitised")):
            if target is not None and released == kind:
                AccessGrant.objects.create(
                    user=user, object_type=target.AUDIT_TYPE, object_id=str(target.pk), granted_by=staff[owner.pk],
                    reason="Test release", lawful_basis="UK GDPR Article 6(1)(e)",
                    expires_at=timezone.now() + dt.timedelta(days=1),
                )  # fmt: skip
        place = {"same_agency": owner_name == "home", "sharing_agreement": owner_name == "shared"}
        world.reports.append(
            Report(
                obj=report,
                sanitised=sanitised,
                full_facts=no_facts(**place, handling_p=handling == "P", record_owner=own, granted=released == "full"),
                sanitised_facts=no_facts(**place, handling_p=handling == "P", granted=released == "sanitised"),
                existence_facts=no_facts(**place),
                requests=[AccessRequest.objects.create(report=report, requester=asker, reason="Test") for _ in "ab"],
            )
        )
    return world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def level_expected(role: Role, report: Report) -> str:
    if expected(role, Category.INTELLIGENCE, Action.VIEW, report.full_facts):
        return "full"
    if report.sanitised and expected(role, Category.INTELLIGENCE_SANITISED, Action.VIEW, report.sanitised_facts):
        return "sanitised"
    if expected(role, Category.INTELLIGENCE_EXISTENCE, Action.VIEW, report.existence_facts):
        return "existence"
    return "none"


def run_matrix(world: World, http: Http) -> Checker:
    role, checker = world.role, Checker(world)  # type: ignore[arg-type]
    check = checker.check
    for report in world.reports:
        pk, level = report.obj.pk, level_expected(role, report)
        label = f"report {pk} ({report.obj.agency.code}, {report.obj.handling_code or 'ungraded'})"
        view_status = {"full": 200, "sanitised": 200, "existence": 403, "none": 404}[level]
        ui = check(f"UI view {label}", lambda p=pk: http.ui.get(f"/intel/reports/{p}/"), view_status)
        api = check(f"API view {label}", lambda p=pk: http.api.get(f"/intel/reports/{p}"), view_status)
        shown_full = report.marker in ui.text or report.marker in api.text
        shown_clean = report.sanitised_marker in ui.text or report.sanitised_marker in api.text
        if (shown_full, shown_clean) != (level == "full", level == "sanitised"):
            checker.failures.append(
                f"{label}: full text shown {shown_full}, sanitised shown {shown_clean}; want {level}"
            )
        if level == "existence" and (report.obj.agency.code not in api.text or "request_access" not in api.text):
            checker.failures.append(f"{label}: existence-only answer does not name the holder and how to ask")
        visible = level != "none"
        allowed = expected(role, Category.INTELLIGENCE, Action.UPDATE, report.full_facts)
        form = {"step": "grade", **{f"grade-{k}": v for k, v in GRADE.items()}, "grade-handling_conditions": ""}
        if report.obj.handling_code == "C":
            form.update({"grade-handling_code": "C", "grade-handling_conditions": "Strategy group only"})
        body = {
            **GRADE,
            "handling_code": form["grade-handling_code"],
            "handling_conditions": form["grade-handling_conditions"],
        }
        check(f"UI grade {label}", lambda p=pk, f=form: http.post(f"/intel/reports/{p}/triage/", f),
              status_for(allowed, visible, 302))  # fmt: skip
        check(f"API grade {label}", lambda p=pk, b=body: http.api.post(f"/intel/reports/{p}/grade", json=b),
              status_for(allowed, visible, 200))  # fmt: skip
        allowed = expected(role, Category.INTELLIGENCE, Action.SHARE, report.full_facts)
        ui_request, api_request = report.requests
        refuse = {"decision": "refuse", "decision_reason": "Not relevant to the request.", "lawful_basis": ""}
        check(f"UI share {label}", lambda r=ui_request, f=refuse: http.post(f"/intel/requests/{r.pk}/", f),
              status_for(allowed, visible, 302))  # fmt: skip
        check(
            f"API share {label}",
            lambda r=api_request: http.api.post(
                f"/intel/access-requests/{r.pk}/decision", json={"decision": "refuse", "reason": "Not relevant."}
            ),
            status_for(allowed, visible, 200),
        )

    allowed = expected(role, Category.INTELLIGENCE, Action.CREATE, no_facts(same_agency=True))
    new = {"what": "Men buying alcohol for children at the park.", "when": "2026-11-01", "where": "The park",
           "knowledge": "seen", "urgency": "soon"}  # fmt: skip
    form = {
        "what": new["what"],
        "occurred_on": "01/11/2026",
        "location": "The park",
        "knowledge": "seen",
        "urgency": "soon",
    }
    check("UI submit", lambda: http.post("/intel/new/", form), 302 if allowed else 403)
    check("API submit", lambda: http.api.post("/intel/reports", json=new), 201 if allowed else 403)

    may_search = expected(role, Category.INTELLIGENCE_EXISTENCE, Action.SEARCH, None)
    listed = check(
        "API list", lambda: http.api.get("/intel/reports", params={"limit": 200}), 200 if may_search else 403
    )
    check("UI search", lambda: http.ui.get("/intel/", params={"q": "bus station"}), 200 if may_search else 403)
    if may_search:
        got = {item["id"]: item["level"] for item in listed.json()["items"]}
        want = {r.obj.pk: level_expected(role, r) for r in world.reports}
        want = {pk: lv for pk, lv in want.items() if lv in ("full", "sanitised")}
        got = {pk: lv for pk, lv in got.items() if pk in {r.obj.pk for r in world.reports}}
        if got != want:
            checker.failures.append(f"API list: levels {got}, expected {want}")
    allowed = expected(role, Category.INTELLIGENCE, Action.UPDATE, None)
    check("UI triage queue", lambda: http.ui.get("/intel/triage/"), 200 if allowed else 403)
    check("API triage queue", lambda: http.api.get("/intel/triage"), 200 if allowed else 403)
    allowed = expected(role, Category.INTELLIGENCE, Action.SHARE, None)
    check("UI requests", lambda: http.ui.get("/intel/requests/"), 200 if allowed else 403)
    return checker


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_intelligence_access_matrix(role: Role, live_server: Any) -> None:
    world = build_world(role)
    http = Http(live_server.url, world.user)
    try:
        checker = run_matrix(world, http)
    finally:
        http.close()
    assert checker.requests > 100
    assert not checker.failures, f"{len(checker.failures)} of {checker.requests} requests wrong:\n" + "\n".join(
        checker.failures[:60]
    )
