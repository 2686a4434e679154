"""axe-core on every page of Lantern, each opened by a user who has a reason to be there."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from lantern.accounts.models import User
from tests.browser.casework import (
    BREAK_GLASS_REASON,
    CASE_CHILD_WORDS,
    CLOSED_TITLE,
    FAMILY_NAME,
    SHARED_TITLE,
    Casework,
    make_statutory_cases,
)
from tests.browser.helpers import assert_accessible, path_of, sign_in_to_home, submit, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MISSING = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class PageCase:
    username: str
    path: str  # may name {alpha}, {shared}, {closed} or {sw1_id}, filled in from the casework
    heading: str
    status: int = 200
    shows: tuple[str, ...] = ()  # text the main content must hold, so axe checks a page with data in it
    cases: bool = False  # the path names cases from `make_statutory_cases` ({case}, {enquiry}...)

    def url(self, casework: Casework) -> str:
        cases = make_statutory_cases(casework) if self.cases else {}
        return self.path.format(
            alpha=casework.alpha.pk,
            shared=casework.shared_record.pk,
            closed=casework.closed_record.pk,
            sw1_id=User.objects.get(username="sw1").pk,
            **cases,
        )


PAGES: dict[str, PageCase] = {
    "search-form": PageCase("sw1", "/people/", "Find a person"),
    "search-results": PageCase(
        "sw1", f"/people/?q={FAMILY_NAME}", "Find a person", shows=("2 people found", f"Bravo {FAMILY_NAME}")
    ),
    "search-no-results": PageCase("sw1", "/people/?q=Nobody+Synthetic", "Find a person", shows=("0 people found",)),
    "person-detail": PageCase("sw1", "/people/{alpha}/", f"Alpha {FAMILY_NAME}", shows=(SHARED_TITLE, CLOSED_TITLE)),
    "person-detail-shared": PageCase("cse1", "/people/{alpha}/", f"Alpha {FAMILY_NAME}", shows=(SHARED_TITLE,)),
    "person-edit": PageCase("sw1", "/people/{alpha}/edit/", f"Change Alpha {FAMILY_NAME}"),
    "record-detail": PageCase("sw1", "/records/{shared}/", SHARED_TITLE, shows=("No real person.",)),
    "record-detail-closed": PageCase("sw1", "/records/{closed}/", CLOSED_TITLE),
    "record-new": PageCase("sw1", "/people/{alpha}/records/new/", "Add a record"),
    "record-edit": PageCase("sw1", "/records/{shared}/edit/", "Change record"),
    "person-new": PageCase("sw1", "/people/new/", "Record a person"),
    "overview-manager": PageCase("tm1", "/overview/", "Kestrelmoor overview", shows=("Children and young people",)),
    "overview-board": PageCase("board1", "/overview/", "Kestrelmoor overview"),
    # The partnership board's dashboard (its figures, CSV and print: tests/browser/test_board_dashboard.py).
    "board-dashboard": PageCase(
        "board1", "/oversight/board/", "Partnership board dashboard", shows=("Timeliness under each rule",)
    ),
    "board-dashboard-manager": PageCase("tm1", "/oversight/board/?period=12m", "Partnership board dashboard"),
    "board-dashboard-bad-period": PageCase(
        "board1", "/oversight/board/?period=yesterday", "Partnership board dashboard", shows=("There is a problem",)
    ),
    # Entries are not asserted here: see test_information_governance_finds_entries_in_the_audit_log.
    "audit-log": PageCase("ig1", "/audit/", "Audit log"),
    "audit-log-filtered": PageCase("ig1", "/audit/?actor_username=cse1", "Audit log"),
    "my-records": PageCase("sw1", "/audit/my-records/", "Who looked at my records", shows=("cse1",)),
    "users": PageCase("admin1", "/manage/users/", "Users", shows=("12 accounts", "analyst1")),
    "user-new": PageCase("admin1", "/manage/users/new/", "Add a user"),
    "user-edit": PageCase("admin1", "/manage/users/{sw1_id}/edit/", "Change sw1"),
    "agreements": PageCase(
        "sw1", "/access/agreements/", "Information-sharing agreements", shows=("Kestrelmoor Police CSE Team",)
    ),
    "account": PageCase("sw1", "/account/", "Your account"),
    "password-change": PageCase("sw1", "/account/password/", "Change your password"),
    "two-factor-setup": PageCase("sw1", "/account/two-factor/", "Set up two-factor sign-in"),
    "break-glass-review": PageCase(
        "tm1",
        "/access/break-glass/review/",
        "Break-glass reviews",
        shows=("Waiting for your review (1)", BREAK_GLASS_REASON),
    ),
    "intel-search": PageCase("sw1", "/intel/", "Intelligence"),
    "intel-new": PageCase("youth1", "/intel/new/", "Submit intelligence"),
    "intel-mine": PageCase("youth1", "/intel/mine/", "Your intelligence submissions"),
    "intel-triage": PageCase("analyst1", "/intel/triage/", "Intelligence triage"),
    "intel-requests": PageCase("youth1", "/intel/requests/", "Requests for your agency's intelligence"),
    "intel-held-vehicle": PageCase("sw1", "/intel/held/?vrm=AB12CDE", "Intelligence on vehicle AB12CDE"),
    "intel-held-bad": PageCase(
        "sw1", "/intel/held/?vrm=NOPE!", "Intelligence on a person, vehicle, phone or place", status=422
    ),
    "public-add": PageCase("sw1", "/report/add/", "Add more to your report"),
    # Statutory casework: every page, on cases made through the services (see make_statutory_cases).
    "cases-my-work": PageCase("sw1", "/cases/", "My work", shows=("LOCAL-S47-15", "WT-ICPC-15"), cases=True),
    "cases-my-work-notified": PageCase("tm1", "/cases/", "My work", shows=("LANTERN-REASSURE",), cases=True),
    "cases-team": PageCase("tm1", "/cases/team/", "Team work", shows=("WT-ICPC-15", "Priya Okafor"), cases=True),
    "case-detail": PageCase(
        "sw1",
        "/cases/{case}/",
        f"Alpha {FAMILY_NAME}",
        shows=("Deadlines", CASE_CHILD_WORDS, "LOCAL-S47-15"),
        cases=True,
    ),
    "case-detail-manager": PageCase(
        "tm1", "/cases/{case}/", f"Alpha {FAMILY_NAME}", shows=("Review the flagged reassurance",), cases=True
    ),
    "case-detail-police": PageCase("cse1", "/cases/{case}/", f"Alpha {FAMILY_NAME}", cases=True),
    "case-referral-new": PageCase("sw1", "/cases/new/?person={alpha}", "Record a referral"),
    "case-decide": PageCase(
        "sw1", "/cases/{referral_case}/referrals/{referral}/decide/", "Decide on the referral", cases=True
    ),
    "case-decide-manager": PageCase(
        "tm1",
        "/cases/{referral_case}/referrals/{referral}/decide/",
        "Decide on the referral",
        shows=("CSE or exploitation named",),
        cases=True,
    ),
    "case-strategy": PageCase(
        "sw1", "/cases/{strategy_case}/strategy/{discussion}/", "Record the strategy discussion", cases=True
    ),
    "case-strategy-request": PageCase(
        "sw1", "/cases/{assessment_case}/strategy/request/", "Request a strategy discussion", cases=True
    ),
    "case-s47": PageCase("sw1", "/cases/{case}/s47/{enquiry}/", "Record the section 47 enquiry's outcome", cases=True),
    "case-contribute": PageCase(
        "sw1", "/cases/{case}/assessments/{assessment}/contribute/", "Contribute to the assessment", cases=True
    ),
    "case-complete": PageCase(
        "sw1",
        "/cases/{case}/assessments/{assessment}/complete/",
        "Complete the child and family assessment",
        cases=True,
    ),
    "case-authorise": PageCase(
        "tm1",
        "/cases/{assessment_case}/assessments/{completed_assessment}/authorise/",
        "Authorise the assessment",
        shows=("Risk of CSE",),
        cases=True,
    ),
    "case-conference-initial": PageCase(
        "sw1",
        "/cases/{conference_case}/conference/initial/",
        "Record the initial child protection conference",
        cases=True,
    ),
    "case-conference-review": PageCase(
        "sw1", "/cases/{plan_case}/conference/review/", "Record the review child protection conference", cases=True
    ),
    "case-core-group": PageCase("sw1", "/cases/{plan_case}/core-group/", "Record a core group meeting", cases=True),
    "case-visit": PageCase("sw1", "/cases/{case}/visit/", "Record a visit", cases=True),
    "case-contact": PageCase("sw1", "/cases/{case}/contact/", "Record a contact", cases=True),
    "case-missing": PageCase("sw1", "/cases/{case}/missing/", "Record a missing episode", cases=True),
    "case-returned": PageCase(
        "sw1", "/cases/{case}/missing/{missing_episode}/return/", "Record the child's return", cases=True
    ),
    "case-interview": PageCase(
        "sw1", "/cases/{case}/missing/{returned_episode}/interview/", "Record the return home interview", cases=True
    ),
    "case-reassurance": PageCase("sw1", "/cases/{case}/reassurances/new/", "Record a family reassurance", cases=True),
    "case-reassurance-outcome": PageCase(
        "sw1", "/cases/{case}/reassurances/{reassurance}/outcome/", "Did the reassurance hold?", cases=True
    ),
    "case-reassurance-review": PageCase(
        "tm1",
        "/cases/{case}/reassurances/{reassurance}/review/",
        "Review a flagged reassurance",
        shows=("Broken",),
        cases=True,
    ),
    "case-oversight": PageCase("tm1", "/cases/{case}/oversight/", "Record management oversight", cases=True),
    "case-allocate": PageCase("tm1", "/cases/{case}/allocate/", "Allocate the lead practitioner", cases=True),
    "case-close": PageCase("tm1", "/cases/{plan_case}/close/", "Close the case", cases=True),
    # Voice and feedback (the board's answer to one item: tests/browser/test_voice.py) and CSE training.
    "have-your-say": PageCase("sw1", "/have-your-say/", "Have your say", shows=("0800 1111",)),
    "have-your-say-answers": PageCase("sw1", "/have-your-say/answers/", "You said, we did"),
    "feedback-new": PageCase("sw1", "/oversight/feedback/new/", "Tell the partnership board"),
    "feedback-inbox": PageCase("board1", "/oversight/feedback/", "Feedback to the board"),
    "training-own": PageCase("sw1", "/oversight/training/", "Your CSE training", shows=("Never completed",)),
    "training-team": PageCase("tm1", "/oversight/training/team/", "Your team's CSE training", shows=("3 gaps",)),
    "training-import": PageCase("admin1", "/oversight/training/team/", "Import CSE training records"),
    # Alerts (notifications from the cases above), and csc's escalation chain as its admin and its manager see it.
    "alerts": PageCase("tm1", "/oversight/alerts/", "Your alerts", shows=("LANTERN-REASSURE",), cases=True),
    "escalation-chain": PageCase("admin1", "/oversight/escalation-chain/", "Escalation chain", shows=("Add a level",)),
    "escalation-chain-manager": PageCase("tm1", "/oversight/escalation-chain/", "Escalation chain"),
    "escalation-level-new": PageCase("admin1", "/oversight/escalation-chain/new/", "Add a level"),
    # A team manager's dashboard (every figure, the sign-off and escalation: tests/browser/test_team_dashboard.py).
    "team-dashboard": PageCase(
        "tm1", "/oversight/team/", "Team dashboard", shows=("LANTERN-REASSURE", "Priya Okafor"), cases=True
    ),
    "team-caseloads": PageCase(
        "tm1", "/oversight/team/caseloads/", "Open cases by lead practitioner", shows=("Priya Okafor",), cases=True
    ),
    "team-missing": PageCase(
        "tm1", "/oversight/team/missing/", "Children missing now", shows=(f"Alpha {FAMILY_NAME}",), cases=True
    ),
    "team-break-glass": PageCase(
        "tm1", "/oversight/team/break-glass/", "Break-glass access to review", shows=(BREAK_GLASS_REASON,)
    ),
    "team-reallocate": PageCase(
        "tm1", "/oversight/team/cases/{case}/reallocate/", "Reallocate the case", shows=("Priya Okafor",), cases=True
    ),
    "not-found": PageCase("sw1", f"/people/{MISSING}/", "Page not found", status=404),
    "forbidden": PageCase("youth1", "/manage/users/", "You cannot do this", status=403),
}


@pytest.mark.parametrize("case", PAGES.values(), ids=PAGES.keys())
def test_page_is_accessible(page: Page, casework: Casework, demo_password: str, case: PageCase) -> None:
    sign_in_to_home(page, case.username, demo_password)
    response = visit(page, case.url(casework))
    assert response.status == case.status
    expect(page.get_by_role("heading", level=1)).to_have_text(case.heading)
    for text in case.shows:
        expect(page.get_by_role("main")).to_contain_text(text)
    assert_accessible(page)


def test_search_finds_the_synthetic_people(page: Page, casework: Casework, demo_password: str) -> None:
    sign_in_to_home(page, "sw1", demo_password)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")
    assert_accessible(page)

    page.get_by_label("Name").fill(FAMILY_NAME)
    submit(page, "Search")
    expect(page.get_by_role("heading", level=2, name="2 people found")).to_be_visible()
    results = page.get_by_role("table", name="2 people found")
    expect(results.get_by_role("link")).to_have_text([f"Alpha {FAMILY_NAME}", f"Bravo {FAMILY_NAME}"])
    assert_accessible(page)

    results.get_by_role("link", name=f"Alpha {FAMILY_NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Alpha {FAMILY_NAME}")
    assert path_of(page) == f"/people/{casework.alpha.pk}/"
    assert_accessible(page)

    page.get_by_role("link", name=SHARED_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SHARED_TITLE)
    assert_accessible(page)


def test_information_governance_finds_entries_in_the_audit_log(
    page: Page, casework: Casework, demo_password: str
) -> None:
    sign_in_to_home(page, "ig1", demo_password)
    visit(page, "/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    log = page.get_by_role("main").get_by_role("table")
    expect(log).to_contain_text("cse1")
    expect(log).to_contain_text(BREAK_GLASS_REASON)
    assert_accessible(page)

    page.get_by_label("Username", exact=True).fill("cse1")
    submit(page, "Search the log")
    expect(log.get_by_role("row").filter(has_text="cse1")).not_to_have_count(0)
    expect(log).not_to_contain_text("sw2")
    assert_accessible(page)


@dataclass(frozen=True)
class FormCase:
    username: str
    path: str
    button: str
    errors: dict[str, str | None]  # field id -> the error summary's message for it (None: any), in order


FORMS: dict[str, FormCase] = {
    "person-new": FormCase(
        "sw1", "/people/new/", "Save", {"id_given_name": "Enter a given name", "id_family_name": "Enter a family name"}
    ),
    "record-new": FormCase(
        "sw1",
        "/people/{alpha}/records/new/",
        "Save",
        {
            "id_title": "Enter a title",
            "id_summary": "Enter a summary",
            "id_handling_code": "Select a handling code",
        },
    ),
    "user-new": FormCase(
        "admin1",
        "/manage/users/new/",
        "Save",
        {
            "id_username": "Enter a username",
            "id_agency": "Select the user's agency",
            "id_role": "Select the user's role",
            "id_password": "Enter a first password",
        },
    ),
    "password-change": FormCase(
        "sw1",
        "/account/password/",
        "Change password",
        {
            "id_old_password": "Enter your current password",
            "id_new_password1": "Enter a new password",
            "id_new_password2": "Enter the new password again",
        },
    ),
    "audit-search": FormCase(
        "ig1", "/audit/?since=yesterday", "Search the log", {"id_since": "Enter the start date as YYYY-MM-DD"}
    ),
}


@pytest.mark.parametrize("case", FORMS.values(), ids=FORMS.keys())
def test_form_error_state_is_accessible(page: Page, casework: Casework, demo_password: str, case: FormCase) -> None:
    sign_in_to_home(page, case.username, demo_password)
    visit(page, case.path.format(alpha=casework.alpha.pk))
    assert_accessible(page)
    response = submit(page, case.button)
    assert response.status == 200

    assert page.title().startswith("Error: "), page.title()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", level=2)).to_have_text("There is a problem")
    links = summary.get_by_role("link")
    expect(links).to_have_count(len(case.errors))
    assert [link.get_attribute("href") for link in links.all()] == [f"#{field}" for field in case.errors]
    for link, message in zip(links.all(), case.errors.values(), strict=True):
        if message is not None:
            expect(link).to_have_text(message)
    expect(summary).to_be_focused()
    # Each field shows its error next to it and is described by it.
    for link, field_id in zip(links.all(), case.errors, strict=True):
        expect(page.locator(f"#{field_id}-error")).to_contain_text(link.inner_text())
        described_by = (page.locator(f"#{field_id}").get_attribute("aria-describedby") or "").split()
        assert f"{field_id}-error" in described_by, f"#{field_id} is not described by its error"
    assert_accessible(page)


def test_refused_record_offers_break_glass(page: Page, casework: Casework, demo_password: str) -> None:
    """Police can see the child but not social care's closed record: a 403 that offers break glass."""
    sign_in_to_home(page, "cse1", demo_password)
    response = visit(page, f"/records/{casework.closed_record.pk}/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
    assert_accessible(page)

    page.get_by_role("link", name="Open in an emergency (break glass)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a record in an emergency")
    assert_accessible(page)

    submit(page, "Open the record")
    expect(page.locator(".govuk-error-summary").get_by_role("link")).to_have_text(
        "Enter the reason you need emergency access"
    )
    assert_accessible(page)

    page.get_by_label("Why do you need to open this record now?").fill(
        "Synthetic emergency in a browser test: the child is missing tonight."
    )
    submit(page, "Open the record")
    expect(page.get_by_role("heading", level=1)).to_have_text(CLOSED_TITLE)
    expect(page.get_by_role("region", name="Important")).to_contain_text("Emergency access is open")
    assert_accessible(page)
