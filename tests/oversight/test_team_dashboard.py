"""A team manager's dashboard over Kestrelmoor: every figure equals a count made independently of it (raw SQL over
the tables, or the rulebook's own deadline arithmetic over rows read another way), the drill-downs hold exactly
those rows, and the manager's actions: signing off no further action (agreeing, or disagreeing so the referral is
decided again), its refusals, reallocating and escalating.

One module-scoped borough serves every test (see tests/demo/test_cases_demo.py), rolled back when the module ends;
each test's own changes are rolled back after it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from lantern.access.policy import AccessDenied, NotVisible
from lantern.accounts.models import Agency, User
from lantern.audit.models import AuditEvent
from lantern.calendar.deadlines import due
from lantern.cases import selectors as case_selectors
from lantern.cases import services
from lantern.cases.models import Assessment, Case, MissingEpisode, Notification, Referral
from lantern.demo import generator
from lantern.oversight import team
from lantern.oversight.chains import escalation_raise
from lantern.oversight.enums import AUDIENCE_ROLES, LAPSING_DAYS
from lantern.oversight.models import Escalation, EscalationLevel
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

SEED = 5


@pytest.fixture(scope="module")
def borough(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    with django_db_blocker.unblock(), transaction.atomic():
        counts = generator.generate(scale=1, seed=SEED)
        yield counts
        transaction.set_rollback(True)


@pytest.fixture
def tm1(borough: dict[str, int]) -> User:
    return User.objects.get(username="tm1")


@pytest.fixture
def board(tm1: User) -> team.Dashboard:
    return team.dashboard(actor=tm1)


def sql(query: str, *params: Any) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall())


TEAM_CASES = "c.team_id IN (SELECT id FROM accounts_team WHERE manager_id = %s)"


def _aware(value: Any) -> dt.datetime:
    """A timestamp as the ORM reads it, from any of the forms the two databases' cursors give."""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=dt.UTC)


# --- Each figure against an independent count -------------------------------------------------------------------


def test_caseloads_are_open_cases_per_lead_practitioner(tm1: User, board: team.Dashboard) -> None:
    rows = sql(
        "SELECT u.username, COUNT(*) FROM cases_case c LEFT JOIN accounts_user u ON u.id = c.lead_practitioner_id "
        f"WHERE c.closed_at IS NULL AND {TEAM_CASES} GROUP BY u.username",
        tm1.pk,
    )
    counted = dict(rows)
    shown = {(load.worker.username if load.worker else None): len(load.cases) for load in board.caseloads}
    assert {name: n for name, n in shown.items() if n} == counted
    assert counted["sw1"] > 5
    assert counted["sw2"] > 5
    assert counted[None] > 0
    # Those shown with no case are the team's other staff, who could be given one.
    idle = {name for name, n in shown.items() if not n}
    assert idle <= set(User.objects.filter(team__manager=tm1).values_list("username", flat=True))
    assert board.counts["caseloads"] == sum(counted.values())


def _open_rows(query: str, tm1: User, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of `query` (joined to its case as `c`) on the open cases of tm1's team."""
    return sql(query + f" AND c.closed_at IS NULL AND {TEAM_CASES}", *params, tm1.pk)


def test_overdue_work_by_rule_matches_the_managers_work_list_and_the_rulebook(tm1: User, board: team.Dashboard) -> None:
    work, _per_worker = case_selectors.team_work(actor=tm1)
    listed = {(r.rule, r.overdue, r.due_soon) for r in board.deadlines}
    overdue, soon = Counter(i.rule for i in work.overdue), Counter(i.rule for i in work.due_soon)
    assert listed == {(rule, overdue[rule], soon[rule]) for rule in overdue.keys() | soon.keys()}
    assert all(r.title and r.title != r.rule for r in board.deadlines)
    now = timezone.now()

    def late(rule: str, starts: list[tuple[Any, ...]]) -> int:
        return sum(due(rule, _aware(start)).due_at() < now for (start,) in starts)

    by_rule = {r.rule: r.overdue for r in board.deadlines}
    assessments = _open_rows(
        "SELECT r.received_at FROM cases_assessment a JOIN cases_referral r ON r.id = a.referral_id "
        "JOIN cases_case c ON c.id = a.case_id WHERE a.status <> 'authorised'",
        tm1,
    )
    assert by_rule["WT-ASSESS-45"] == late("WT-ASSESS-45", assessments) > 0
    undecided = _open_rows(
        "SELECT r.received_at FROM cases_referral r JOIN cases_case c ON c.id = r.case_id WHERE r.decision = ''", tm1
    )
    assert by_rule["WT-REF-DECIDE-1"] == late("WT-REF-DECIDE-1", undecided) > 0


def test_drift_alerts(tm1: User, board: team.Dashboard) -> None:
    now = timezone.now()
    cases = _open_rows("SELECT c.id, c.last_activity_at FROM cases_case c WHERE 1 = 1", tm1)
    drifting = {pk for pk, last in cases if due("LOCAL-DRIFT-10", _aware(last)).due_at() < now}
    assert drifting
    assert board.counts["drift"] == len(drifting)
    _team, rows = team.figure_rows(actor=tm1, figure=team.FIGURES["drift"])
    assert {item.case.pk for item in rows} == drifting


def test_nfa_awaiting_sign_off(tm1: User, board: team.Dashboard) -> None:
    rows = sql(
        "SELECT r.id FROM cases_referral r JOIN cases_case c ON c.id = r.case_id "
        "JOIN accounts_user u ON u.id = r.decided_by_id WHERE r.decision = 'nfa' "
        f"AND r.manager_decision_at IS NULL AND u.role <> 'team_manager' AND {TEAM_CASES}",
        tm1.pk,
    )
    expected = {pk for (pk,) in rows}
    assert len(expected) >= 2  # the demo's closed_nfa cases, decided by sw2
    assert board.counts["nfa"] == len(expected)
    _team, found = team.figure_rows(actor=tm1, figure=team.FIGURES["nfa"])
    assert {r.pk for r in found} == expected
    # tm1's own CSE decisions of no further action are not waiting for anyone.
    assert not any(r.decided_by == tm1 for r in found)


def test_unqualified_contributions_awaiting_authorisation(tm1: User, board: team.Dashboard) -> None:
    rows = _open_rows(
        "SELECT DISTINCT a.id FROM cases_assessment a JOIN cases_contribution k ON k.assessment_id = a.id "
        "JOIN accounts_user u ON u.id = k.recorded_by_id JOIN cases_case c ON c.id = a.case_id "
        "WHERE u.role = 'social_care_assistant' AND a.status <> 'authorised'",
        tm1,
    )
    expected = {pk for (pk,) in rows}
    assert expected
    assert board.counts["unqualified"] == len(expected)
    _team, found = team.figure_rows(actor=tm1, figure=team.FIGURES["unqualified"])
    assert {a.pk for a in found} == expected
    assert {p.recorded_by.username for a in found for p in a.unqualified} == {"sw3"}


def test_repeated_reassurances(tm1: User, board: team.Dashboard) -> None:
    rows = _open_rows(
        "SELECT r.id FROM cases_reassurance r JOIN cases_case c ON c.id = r.case_id "
        "WHERE r.flagged = %s AND r.acknowledged_at IS NULL",
        tm1,
        True,
    )
    assert rows
    assert board.counts["reassurances"] == len(rows)


def test_children_missing_now_and_return_interviews_overdue(tm1: User, board: team.Dashboard) -> None:
    gone = _open_rows(
        "SELECT e.id FROM cases_missingepisode e JOIN cases_case c ON c.id = e.case_id WHERE e.returned_at IS NULL",
        tm1,
    )
    assert len(gone) == 1  # the demo's child on a plan, missing since the early hours
    assert board.counts["missing"] == 1
    now = timezone.now()
    returned = _open_rows(
        "SELECT e.returned_at FROM cases_missingepisode e JOIN cases_case c ON c.id = e.case_id "
        "WHERE e.returned_at IS NOT NULL AND e.rhi_held_at IS NULL AND e.rhi_declined_reason = ''",
        tm1,
    )
    late = sum(due("MISS-RHI-72H", _aware(back)).due_at() < now for (back,) in returned)
    assert late >= 3
    assert board.counts["interviews"] == late
    _team, episodes = team.figure_rows(actor=tm1, figure=team.FIGURES["missing"])
    assert [e.pk for e in episodes] == [gone[0][0]]


def test_break_glass_to_review(tm1: User, board: team.Dashboard) -> None:
    rows = sql(
        "SELECT b.id FROM access_breakglass b JOIN accounts_user u ON u.id = b.user_id "
        "JOIN accounts_team t ON t.id = u.team_id WHERE t.manager_id = %s AND b.user_id <> %s "
        "AND b.reviewed_at IS NULL",
        tm1.pk,
        tm1.pk,
    )
    assert len(rows) >= 1  # sw2's, in the demo
    assert board.counts["break-glass"] == len(rows)


def test_training_gaps(tm1: User, board: team.Dashboard) -> None:
    today = timezone.localdate()
    members = sql(
        "SELECT u.id, u.role FROM accounts_user u JOIN accounts_team t ON t.id = u.team_id "
        "WHERE t.manager_id = %s AND u.id <> %s AND u.is_active = %s AND u.agency_id = %s",
        tm1.pk,
        tm1.pk,
        True,
        tm1.agency_id,
    )
    courses = sql("SELECT id, audience FROM oversight_trainingcourse")
    latest = {
        (user, course): lapses if isinstance(lapses, dt.date) else dt.date.fromisoformat(lapses)
        for user, course, lapses in sql(
            "SELECT user_id, course_id, MAX(lapses_on) FROM oversight_trainingrecord GROUP BY user_id, course_id"
        )
    }
    gaps = 0
    for user, role in members:
        for course, audience in courses:
            if role in AUDIENCE_ROLES[audience]:
                lapses = latest.get((user, course))
                gaps += lapses is None or lapses <= today + dt.timedelta(days=LAPSING_DAYS)
    assert len(board.training_gaps) == gaps


def test_the_dashboard_and_each_drill_down_is_audited(tm1: User) -> None:
    before = AuditEvent.objects.count()
    team.dashboard(actor=tm1)
    assert AuditEvent.objects.count() == before + 2  # the dashboard's read, and the training gaps' own
    assert AuditEvent.objects.filter(purpose="team dashboard", actor_username="tm1").exists()
    for figure in team.FIGURES.values():
        before = AuditEvent.objects.count()
        team.figure_rows(actor=tm1, figure=figure)
        assert AuditEvent.objects.count() == before + 1, figure.slug


def test_only_team_managers_have_a_dashboard(borough: dict[str, int]) -> None:
    for username in ("sw1", "sw3", "cse1", "board1", "admin1", "ig1"):
        user = User.objects.get(username=username)
        before = AuditEvent.objects.filter(action="denied").count()
        with pytest.raises(AccessDenied):
            team.dashboard(actor=user)
        assert AuditEvent.objects.filter(action="denied").count() == before + 1, username


def test_the_csv_holds_every_figure_and_no_child(board: team.Dashboard) -> None:
    text = team.dashboard_csv(board)
    lines = text.splitlines()
    assert lines[0] == "figure,item,title,measure,count"
    assert f"drift,,Drift alerts,count,{board.counts['drift']}" in lines
    assert f"training-gaps,,CSE training gaps in your team,count,{len(board.training_gaps)}" in lines
    assert sum(line.startswith("deadlines,") for line in lines) == 2 * len(board.deadlines)
    names = Case.objects.values_list("child__given_name", "child__family_name")
    assert not any(f"{given} {family}" in text for given, family in names)


# --- Signing off no further action ---------------------------------------------------------------------------


def _nfa_by(user: User) -> Referral:
    """A new child referred (no CSE named) and closed with no further action by `user`."""
    child = PersonFactory(owning_agency=Agency.objects.get(code="csc"))
    referral = services.referral_record(
        actor=user, child=child, received_at=timezone.now() - dt.timedelta(hours=3), source_kind="education",
        source_agency=Agency.objects.get(code="school"), source_person="Head of year", concerns="Often late.",
    )  # fmt: skip
    services.referral_decide(actor=user, referral=referral, decision="nfa", reasons="Explained by a hospital stay.")
    return Referral.objects.select_related("case", "decided_by").get(pk=referral.pk)


def test_agreeing_signs_the_decision_off(tm1: User) -> None:
    referral = _nfa_by(User.objects.get(username="sw2"))
    assert referral in team.nfa_awaiting_sign_off(team.team_for(actor=tm1, purpose="test"))
    cse_before = case_selectors.cse_nfa_decisions()["cse_referrals_closed_nfa"]
    assert (
        services.referral_nfa_review(actor=tm1, referral=referral, agree=True, reason="Agreed: school confirms.")
        is None
    )
    referral.refresh_from_db()
    assert referral.manager_decision_by == tm1
    assert referral.manager_reason == "Agreed: school confirms."
    assert referral.manager_decision_at is not None
    assert Referral.objects.filter(case__child=referral.case.child).count() == 1
    assert referral not in team.nfa_awaiting_sign_off(team.team_for(actor=tm1, purpose="test"))
    # A sign-off is not a CSE decision of no further action: the partnership's figure is unchanged.
    assert case_selectors.cse_nfa_decisions()["cse_referrals_closed_nfa"] == cse_before
    row = AuditEvent.objects.filter(object_type="referral", object_id=str(referral.pk)).order_by("-seq").first()
    assert row is not None
    assert row.purpose == "sign off no further action"
    assert json.loads(row.detail)["agree"] is True


def test_disagreeing_records_the_referral_again_to_be_decided(tm1: User) -> None:
    sw2 = User.objects.get(username="sw2")
    referral = _nfa_by(sw2)
    again = services.referral_nfa_review(actor=tm1, referral=referral, agree=False,
                                         reason="Not enough: speak to the school nurse first.")  # fmt: skip
    assert again is not None
    referral.refresh_from_db()
    assert referral.manager_reason == "Not enough: speak to the school nurse first."
    assert referral.case.closed_at is not None
    assert again.case_id != referral.case_id
    assert again.case.child_id == referral.case.child_id
    assert again.case.is_open
    assert (again.concerns, again.source_kind, again.source_person, again.source_agency_id) == (
        referral.concerns, referral.source_kind, referral.source_person, referral.source_agency_id)  # fmt: skip
    assert abs((again.received_at - timezone.now()).total_seconds()) < 60
    decide = [i for i in case_selectors.deadlines_for(again.case) if i.rule == "WT-REF-DECIDE-1"]
    assert len(decide) == 1
    assert not decide[0].overdue()
    assert Notification.objects.filter(user=sw2, case=again.case, rule="WT-REF-DECIDE-1").exists()
    assert referral not in team.nfa_awaiting_sign_off(team.team_for(actor=tm1, purpose="test"))


def test_sign_off_refusals(tm1: User) -> None:
    sw1, sw2 = User.objects.get(username="sw1"), User.objects.get(username="sw2")
    referral = _nfa_by(sw2)
    with pytest.raises(ValidationError) as refused:
        services.referral_nfa_review(actor=sw1, referral=referral, agree=True, reason="I agree.")
    assert "team manager" in refused.value.message_dict["agree"][0]
    with pytest.raises((AccessDenied, NotVisible)):
        services.referral_nfa_review(actor=User.objects.get(username="cse1"), referral=referral, agree=True,
                                     reason="I agree.")  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.referral_nfa_review(actor=tm1, referral=referral, agree=None, reason="")
    assert set(refused.value.message_dict) == {"agree", "reason"}
    services.referral_nfa_review(actor=tm1, referral=referral, agree=True, reason="Agreed.")
    with pytest.raises(ValidationError, match="already"):
        services.referral_nfa_review(actor=tm1, referral=referral, agree=False, reason="Changed my mind.")
    own = _nfa_by(tm1)
    with pytest.raises(ValidationError, match="needs no sign-off"):
        services.referral_nfa_review(actor=tm1, referral=own, agree=True, reason="Agreed.")
    undecided = Referral.objects.filter(decision="").select_related("case").first()
    assert undecided is not None
    with pytest.raises(ValidationError, match="Only a decision of no further action"):
        services.referral_nfa_review(actor=tm1, referral=undecided, agree=True, reason="Agreed.")
    referral.refresh_from_db()
    assert referral.manager_reason == "Agreed."


# --- Reallocating and escalating from the dashboard ------------------------------------------------------------


@pytest.fixture
def manager_client(tm1: User) -> Client:
    client = Client()
    client.force_login(tm1)
    return client


def test_reallocating_from_the_dashboard(manager_client: Client, tm1: User) -> None:
    case = Case.objects.filter(closed_at__isnull=True, lead_practitioner__isnull=True, stage="assessment").first()
    assert case is not None
    url = f"/oversight/team/cases/{case.pk}/reallocate/?next=caseloads"
    page = manager_client.get(url)
    assert page.status_code == 200
    assert "Reallocate the case" in page.text
    refused = manager_client.post(url, {})
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.text
    assert "Choose the lead practitioner" in refused.text
    sw1 = User.objects.get(username="sw1")
    done = manager_client.post(url, {"practitioner": sw1.pk})
    assert done.status_code == 302
    assert done["Location"] == "/oversight/team/caseloads/"
    case.refresh_from_db()
    assert case.lead_practitioner == sw1
    assert "now leads case" in manager_client.get(done["Location"]).text


def test_escalating_from_the_dashboard(manager_client: Client, tm1: User) -> None:
    csc = Agency.objects.get(code="csc")
    head = UserFactory(username="head-of-service", agency=csc, role="team_manager")
    EscalationLevel.objects.filter(agency=csc).delete()
    EscalationLevel.objects.create(agency=csc, level=1, title="Team manager", after_working_days=0)
    EscalationLevel.objects.create(agency=csc, level=2, title="Head of service", recipient=head, after_working_days=5)
    item = next(i for i in team.drift_alerts(team.team_for(actor=tm1, purpose="test")))
    url = f"/oversight/team/escalate/{item.case.pk}/?rule={item.rule}&item={item.key}&next=drift"
    page = manager_client.get(url)
    assert page.status_code == 200
    assert "Head of service" in page.text
    assert manager_client.post(url, {"note": ""}).status_code == 200  # the note is required
    done = manager_client.post(url, {"note": "Six weeks with nothing recorded: I need a decision on this family."})
    assert done.status_code == 302
    assert done["Location"] == "/oversight/team/drift/"
    raised = Escalation.objects.get(rule=item.rule, item_key=item.key)
    assert (raised.level, raised.recipient, raised.raised_by) == (2, head, tm1)
    assert Notification.objects.filter(user=head, case=item.case).exists()
    # Nothing above the head of service: the page says so and a second escalation is refused.
    assert team.next_level(case=item.case, item=item) is None
    with pytest.raises(ValidationError, match="no one above"):
        escalation_raise(actor=tm1, case=item.case, rule=item.rule, item_key=item.key, label=item.label, note="Again")
    # Work that is not open on the case is not found.
    assert manager_client.get(f"/oversight/team/escalate/{item.case.pk}/?rule=WT-ICPC-15&item=nope").status_code == 404


def test_signing_off_from_the_dashboard(manager_client: Client) -> None:
    referral = _nfa_by(User.objects.get(username="sw2"))
    url = f"/oversight/team/referrals/{referral.pk}/sign-off/"
    assert referral.concerns in manager_client.get(url).text
    refused = manager_client.post(url, {"agree": "no", "reason": ""})
    assert refused.status_code == 200
    assert "Enter your reason, as team manager" in refused.text
    done = manager_client.post(url, {"agree": "no", "reason": "Speak to the school nurse before closing."})
    assert done.status_code == 302
    assert done["Location"] == "/oversight/team/nfa/"
    assert Referral.objects.filter(case__child=referral.case.child).count() == 2
    assert "decision is due within 1 working day" in manager_client.get(done["Location"]).text


def test_every_drill_down_page_renders(manager_client: Client, board: team.Dashboard) -> None:
    dashboard = manager_client.get("/oversight/team/")
    assert dashboard.status_code == 200
    assert "WT-ASSESS-45" in dashboard.text
    assert "Assessment completed" in dashboard.text
    for slug in team.FIGURES:
        page = manager_client.get(f"/oversight/team/{slug}/")
        assert page.status_code == 200, slug
    assert manager_client.get("/oversight/team/nothing-here/").status_code == 404
    only = manager_client.get("/oversight/team/deadlines/?rule=WT-ASSESS-45")
    assert "LOCAL-DRIFT-10</code>" not in only.text
    assert "WT-ASSESS-45</code>" in only.text
    csv = manager_client.get("/oversight/team/figures.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode() == team.dashboard_csv(team.dashboard(actor=User.objects.get(username="tm1")))


def test_a_child_missing_now_is_shown(manager_client: Client) -> None:
    episode = MissingEpisode.objects.get(returned_at__isnull=True)
    assert episode.case.child.display_name in manager_client.get("/oversight/team/missing/").text


def test_an_assessment_awaiting_authorisation_links_to_authorise(manager_client: Client) -> None:
    completed = Assessment.objects.filter(status="completed", contributions__recorded_by__username="sw3").first()
    assert completed is not None
    page = manager_client.get("/oversight/team/unqualified/")
    assert f"/cases/{completed.case_id}/assessments/{completed.pk}/authorise/" in page.text
