"""A team manager's dashboard in a real browser: tm1 opens it, signs off a social worker's decision of no further
action (after being told what is missing), reallocates a case nobody leads, and opens every figure and the
escalation form; axe-core checks every page visited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lantern.access.services import break_glass_open
from lantern.accounts.models import Agency, User
from lantern.cases import services
from lantern.cases.models import Case, Referral
from lantern.oversight.models import Escalation
from lantern.oversight.team import FIGURES
from lantern.people.models import Allocation, Person
from lantern.people.services import person_create
from tests.browser.helpers import assert_accessible, path_of, sign_in_to_home, submit, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Agreed: the school nurse has seen her and the absences are explained by a hospital stay."


@dataclass(frozen=True)
class Team:
    nfa: Referral  # sw2 closed it with no further action: waiting for tm1's sign-off
    unallocated: Case  # an assessment nobody leads
    worked: Case  # sw1's assessment, sw3 contributed, drifting, the child missing now


def _child(name: str) -> Person:
    return person_create(actor=User.objects.get(username="sw1"), kind="child", given_name=name,
                         family_name="Dashfile", date_of_birth=dt.date(2011, 6, 1))  # fmt: skip


@pytest.fixture
def work(demo_org: None) -> Team:
    """Three children of the CSE and Missing Team, worked through the services as the demo users would."""
    sw1, sw2, sw3 = (User.objects.get(username=name) for name in ("sw1", "sw2", "sw3"))
    now = timezone.now()

    def refer(by: User, name: str) -> Referral:
        return services.referral_record(
            actor=by, child=_child(name), received_at=now - dt.timedelta(hours=5), source_kind="education",
            source_agency=Agency.objects.get(code="school"), source_person="Head of year",
            concerns="Absent most Fridays this term; seen with older boys at the gates.",
        )  # fmt: skip

    nfa = refer(sw2, "Nadia")
    services.referral_decide(actor=sw2, referral=nfa, decision="nfa", reasons="Absence explained by illness.")
    waiting = refer(sw2, "Una")
    services.referral_decide(actor=sw2, referral=waiting, decision="assessment", reasons="Needs an assessment.")
    worked = refer(sw1, "Wren")
    services.referral_decide(actor=sw1, referral=worked, decision="assessment", reasons="Needs an assessment.",
                             lead_practitioner=sw1)  # fmt: skip
    case = Case.objects.get(pk=worked.case_id)
    Allocation.objects.get_or_create(person=case.child, user=sw3)
    services.assessment_contribute(actor=sw3, assessment=case.assessments.get(), text="Spoke to the school.")
    services.missing_record(actor=sw1, case=case, missing_from=now - dt.timedelta(hours=3))
    Case.objects.filter(pk=case.pk).update(last_activity_at=now - dt.timedelta(days=28))
    break_glass_open(actor=sw2, target=nfa.case.child, reason="Out of hours: police asked about her whereabouts.")
    return Team(nfa=nfa, unallocated=Case.objects.get(pk=waiting.case_id), worked=case)


def open_dashboard(page: Page) -> None:
    visit(page, "/oversight/team/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team dashboard")
    assert_accessible(page)


def test_tm1_signs_off_no_further_action_and_reallocates_a_case(page: Page, work: Team, demo_password: str) -> None:
    sign_in_to_home(page, "tm1", demo_password)
    open_dashboard(page)
    glance = page.get_by_role("table", name="At a glance")
    expect(glance.get_by_role("row", name="No further action awaiting your sign-off")).to_contain_text("1")
    expect(page.get_by_role("table", name="Open cases by lead practitioner")).to_contain_text("Not allocated")

    # Sign off the decision of no further action, from its figure.
    glance.get_by_role("link", name="No further action awaiting your sign-off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("No further action awaiting your sign-off")
    assert_accessible(page)
    page.get_by_role("link", name=f"Sign off the decision on case {work.nfa.case_id}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign off no further action")
    expect(page.get_by_role("main")).to_contain_text("Absence explained by illness.")
    assert_accessible(page)
    submit(page, "Record your decision")
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Choose whether you agree with no further action")
    expect(summary).to_contain_text("Enter your reason, as team manager")
    assert_accessible(page)
    page.get_by_label("Yes: sign off the decision").check()
    page.get_by_label("Your reason, as team manager").fill(REASON)
    submit(page, "Record your decision")
    assert path_of(page) == "/oversight/team/nfa/"
    expect(page.get_by_role("alert")).to_contain_text(f"You signed off no further action on case {work.nfa.case_id}")
    expect(page.get_by_role("main")).to_contain_text("No decision of no further action is waiting for your sign-off")
    assert_accessible(page)
    signed = Referral.objects.get(pk=work.nfa.pk)
    assert (signed.manager_decision_by.username, signed.manager_reason) == ("tm1", REASON)

    # Reallocate the case nobody leads, from the caseloads.
    page.get_by_role("link", name="Back to the team dashboard").click()
    expect(page.get_by_role("table", name="At a glance").get_by_role("row", name="No further action")).to_contain_text(
        "0"
    )
    assert_accessible(page)
    page.get_by_role("table", name="At a glance").get_by_role("link", name="Open cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open cases by lead practitioner")
    assert_accessible(page)
    page.get_by_role("link", name=f"Reallocate case {work.unallocated.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reallocate the case")
    expect(page.get_by_role("main")).to_contain_text(f"case {work.unallocated.pk}")
    assert_accessible(page)
    submit(page, "Reallocate the case")
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_contain_text(
        "Choose the lead practitioner"
    )
    assert_accessible(page)
    page.get_by_label("Tom Hartley: social worker (registered), 0 open cases").check()
    submit(page, "Reallocate the case")
    assert path_of(page) == "/oversight/team/caseloads/"
    expect(page.get_by_role("alert")).to_contain_text(f"Tom Hartley now leads case {work.unallocated.pk}")
    expect(page.get_by_role("heading", name="Tom Hartley: 1 open case")).to_be_visible()
    assert_accessible(page)
    assert Case.objects.get(pk=work.unallocated.pk).lead_practitioner == User.objects.get(username="sw2")


def test_every_figure_and_the_escalation_form_are_accessible(page: Page, work: Team, demo_password: str) -> None:
    sign_in_to_home(page, "tm1", demo_password)
    open_dashboard(page)
    for figure in FIGURES.values():
        visit(page, f"/oversight/team/{figure.slug}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(figure.title)
        assert_accessible(page)
    expect(page.get_by_role("main")).to_contain_text("Out of hours: police asked about her whereabouts.")

    visit(page, "/oversight/team/drift/")
    page.get_by_role("link", name=f"Escalate LOCAL-DRIFT-10 on case {work.worked.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Escalate the work")
    assert_accessible(page)
    submit(page, "Escalate")
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Enter why you are escalating this")
    assert_accessible(page)
    page.get_by_label("Why are you escalating this?").fill("Four weeks with nothing recorded and she is missing.")
    submit(page, "Escalate")
    # Kestrelmoor's chain here has only its team managers: there is no one above tm1, and the page says so.
    expect(summary).to_contain_text("no one above")
    assert_accessible(page)
    assert not Escalation.objects.exists()
