"""The team dashboard's access matrix, over real HTTP: every role x every page, action and endpoint of the dashboard
(generated from its URLconf, so a page added later cannot be missed) answers only a team manager; anyone else is
refused with a 403 and exactly one audit row, and nothing changes. A manager reads only their own reach: one in
another agency sees none of the team's children and cannot act on their cases.

The world is Kestrelmoor's organisation with one child closed with no further action by sw2 (awaiting sign-off),
one on an assessment sw3 contributed to, drifting and missing now, and sw2's break glass; the manager's JSON
figures must be exactly those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone

from lantern.access.roles import Role
from lantern.access.services import break_glass_open
from lantern.accounts.models import Agency, User
from lantern.audit.models import AuditEvent
from lantern.cases import services
from lantern.cases.models import Case, Referral
from lantern.cases.selectors import deadlines_for
from lantern.demo.generator import ensure_organisation
from lantern.oversight import team
from lantern.oversight.views.team import urlpatterns
from lantern.people.models import Allocation, Person
from tests.access.test_matrix import Http
from tests.factories import AgencyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class World:
    nfa: Referral  # closed with no further action by sw2, waiting for the manager
    worked: Case  # sw1's assessment: sw3 contributed, nothing recorded for four weeks, the child missing now
    drift_key: str


def _child() -> Person:
    return PersonFactory(owning_agency=Agency.objects.get(code="csc"))


def build_world() -> World:
    ensure_organisation()
    users = {u.username: u for u in User.objects.all()}
    sw1, sw2, sw3 = users["sw1"], users["sw2"], users["sw3"]
    now = timezone.now()
    school = Agency.objects.get(code="school")

    def refer(by: User, child: Person) -> Referral:
        return services.referral_record(
            actor=by, child=child, received_at=now - dt.timedelta(hours=4), source_kind="education",
            source_agency=school, source_person="Head of year", concerns="Synthetic: often absent on Fridays.",
        )  # fmt: skip

    nfa = refer(sw2, _child())
    services.referral_decide(actor=sw2, referral=nfa, decision="nfa", reasons="Synthetic: explained by illness.")
    referral = refer(sw1, _child())
    services.referral_decide(actor=sw1, referral=referral, decision="assessment", reasons="Synthetic: needs one.",
                             lead_practitioner=sw1)  # fmt: skip
    case = Case.objects.get(pk=referral.case_id)
    Allocation.objects.get_or_create(person=case.child, user=sw3)
    services.assessment_contribute(actor=sw3, assessment=case.assessments.get(), text="Synthetic: school visit.")
    services.missing_record(actor=sw1, case=case, missing_from=now - dt.timedelta(hours=6))
    Case.objects.filter(pk=case.pk).update(last_activity_at=now - dt.timedelta(days=28))  # drifting since
    case.refresh_from_db()
    break_glass_open(actor=sw2, target=nfa.case.child, reason="Synthetic emergency: testing the team dashboard.")
    drift = next(i for i in deadlines_for(case) if i.rule == team.DRIFT)
    return World(nfa=Referral.objects.get(pk=nfa.pk), worked=case, drift_key=drift.key)


@dataclass(frozen=True)
class Request:
    label: str
    url_name: str
    send: Callable[[Http], httpx.Response]
    ok: int  # what a team manager is answered


def requests_for(world: World) -> list[Request]:
    """Every page of the dashboard, every action (shown, and sent with nothing filled in, so a manager is shown
    the services' messages and nothing changes), and the API."""
    case, referral = world.worked.pk, world.nfa.pk
    escalate = f"{reverse('oversight:team_escalate', args=[case])}?rule={team.DRIFT}&item={world.drift_key}"
    reallocate = reverse("oversight:team_reallocate", args=[case])
    sign_off = reverse("oversight:team_sign_off", args=[referral])
    made = [
        Request("dashboard", "team", lambda h: h.ui.get(reverse("oversight:team")), 200),
        Request("CSV", "team_csv", lambda h: h.ui.get(reverse("oversight:team_csv")), 200),
        Request("reallocate page", "team_reallocate", lambda h: h.ui.get(reallocate), 200),
        Request("reallocate", "team_reallocate", lambda h: h.post(reallocate, {}), 200),
        Request("sign-off page", "team_sign_off", lambda h: h.ui.get(sign_off), 200),
        Request("sign off", "team_sign_off", lambda h: h.post(sign_off, {"agree": "yes", "reason": ""}), 200),
        Request("escalate page", "team_escalate", lambda h: h.ui.get(escalate), 200),
        Request("escalate", "team_escalate", lambda h: h.post(escalate, {"note": ""}), 200),
        Request("API", "api", lambda h: h.api.get("/oversight/team"), 200),
    ]
    for slug in team.FIGURES:
        url = reverse("oversight:team_figure", args=[slug])
        made.append(Request(f"figure {slug}", "team_figure", lambda h, u=url: h.ui.get(u), 200))
    return made


def test_every_dashboard_address_is_in_the_matrix() -> None:
    exercised = {r.url_name for r in requests_for(World(Referral(pk=1), Case(pk=1), "drift:1:20260101"))}
    assert {pattern.name for pattern in urlpatterns} <= exercised


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_team_dashboard_matrix(role: Role, live_server: Any) -> None:
    world = build_world()
    user = User.objects.filter(role=role).order_by("username").first()  # a demo user in each role
    assert user is not None
    http = Http(live_server.url, user)
    failures = []
    try:
        for request in requests_for(world):
            before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
            response = request.send(http)
            denied = AuditEvent.objects.filter(seq__gt=before, action="denied").count()
            rows = AuditEvent.objects.filter(seq__gt=before).count()
            want = request.ok if role is Role.TEAM_MANAGER else 403
            if response.status_code != want:
                failures.append(f"{request.label}: {response.status_code}, expected {want}")
            elif role is not Role.TEAM_MANAGER and (denied, rows) != (1, 1):
                failures.append(f"{request.label}: {rows} audit rows ({denied} refusals), expected one refusal")
            elif role is Role.TEAM_MANAGER and denied:
                failures.append(f"{request.label}: a refusal was audited for the manager")
        if role is Role.TEAM_MANAGER:
            failures += _figures_wrong(http.api.get("/oversight/team").json())
    finally:
        http.close()
    assert not failures, f"{user.username}:\n" + "\n".join(failures)
    # Nothing the matrix sent changed anything: the decision still waits, the case is sw1's, nothing escalated.
    world.nfa.refresh_from_db()
    assert world.nfa.manager_decision_at is None
    assert Case.objects.get(pk=world.worked.pk).lead_practitioner == User.objects.get(username="sw1")
    assert Referral.objects.count() == 2


def _figures_wrong(figures: dict[str, Any]) -> list[str]:
    """The manager's JSON against what the world holds."""
    wanted = {
        "team": "CSE and Missing Team", "nfa_awaiting_sign_off": 1, "unqualified_awaiting_authorisation": 1,
        "missing_now": 1, "drift_alerts": 1, "break_glass_to_review": 1, "repeated_reassurances": 0,
        "return_interviews_overdue": 0,
    }  # fmt: skip
    wrong = [
        f"API {key}: {figures[key]!r}, expected {value!r}" for key, value in wanted.items() if figures[key] != value
    ]
    loads = {row["username"]: row["open_cases"] for row in figures["caseloads"]}
    if loads.get("sw1") != 1 or loads.get(None) != 0 or sum(loads.values()) != 1:
        wrong.append(f"API caseloads: {loads}")
    if not any(r["rule"] == team.DRIFT and r["overdue"] == 1 for r in figures["deadlines"]):
        wrong.append(f"API deadlines: {figures['deadlines']}")
    return wrong


def test_a_manager_elsewhere_sees_none_of_the_teams_children(live_server: Any) -> None:
    world = build_world()
    elsewhere = UserFactory(username="tm-elsewhere", agency=AgencyFactory(code="elsewhere"), role=Role.TEAM_MANAGER)
    http = Http(live_server.url, elsewhere)
    try:
        figures = http.api.get("/oversight/team").json()
        assert {row["username"]: row["open_cases"] for row in figures["caseloads"]} == {"tm-elsewhere": 0, None: 0}
        assert (figures["nfa_awaiting_sign_off"], figures["missing_now"], figures["drift_alerts"]) == (0, 0, 0)
        page = http.ui.get(reverse("oversight:team_figure", args=["missing"]))
        assert page.status_code == 200
        assert world.worked.child.family_name not in page.text
        # The team's cases are not this manager's to know of, let alone act on.
        assert http.ui.get(reverse("oversight:team_reallocate", args=[world.worked.pk])).status_code == 404
        assert http.ui.get(reverse("oversight:team_sign_off", args=[world.nfa.pk])).status_code == 404
    finally:
        http.close()
