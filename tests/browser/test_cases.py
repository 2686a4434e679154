"""Statutory casework in a real browser: sw1 takes a CSE referral through a strategy discussion and a s47 enquiry
to an initial child protection conference that starts a plan, while tm1, in a second browser, watches the
case's deadlines on the team's work list. A strategy discussion without the police is refused with the GOV.UK
error summary and nothing saved. axe-core checks every page visited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from lantern.accounts.models import User
from lantern.cases import selectors
from lantern.cases.models import Case, StrategyDiscussion
from lantern.people.models import Person
from lantern.people.services import person_create
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.helpers import assert_accessible, path_of, sign_in_to_home, submit, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHILD_WORDS = "He said I was his girlfriend and that I owed him for the phone."
LOCAL = "%Y-%m-%dT%H:%M"


def hours_ago(hours: int) -> str:
    """A datetime-local box's value, UK time."""
    return (timezone.localtime() - dt.timedelta(hours=hours)).strftime(LOCAL)


def shown(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


@pytest.fixture
def manager_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A second browser context, for the team manager working at the same time."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def child(demo_org: None) -> Person:
    return person_create(
        actor=User.objects.get(username="sw1"), kind="child", given_name="Casey", family_name="Casefile",
        date_of_birth=dt.date(2011, 9, 14),
    )  # fmt: skip


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def on_case_page(page: Page, case: Case, stage: str) -> None:
    assert path_of(page) == f"/cases/{case.pk}/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Casey Casefile")
    expect(page.get_by_role("main")).to_contain_text(stage)
    assert_accessible(page)


def test_a_cse_referral_is_taken_to_a_child_protection_plan(
    page: Page, manager_page: Page, child: Person, demo_password: str
) -> None:
    sign_in_to_home(page, "sw1", demo_password)
    visit(page, f"/people/{child.pk}/")
    page.get_by_role("link", name="Record a referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a referral")
    assert_accessible(page)

    page.get_by_label("When was the referral received?").fill(hours_ago(3))
    page.get_by_role("group", name="Who did the information come from?").get_by_label("Health", exact=True).check()
    page.get_by_label("Name and role of the person who gave it").fill("Nurse A. Patel, sexual health outreach")
    page.get_by_label("What are the concerns?").fill("Seen getting into cars with older men outside the clinic.")
    page.get_by_label("Picked up by cars or seen in cars with unknown adults").check()
    page.get_by_label("Older 'boyfriend'").check()
    submit(page, "Record the referral")
    case = Case.objects.get(child=child)
    assert case.cse_concern
    on_case_page(page, case, "Referral: decision due")
    expect(page.get_by_role("main")).to_contain_text("WT-REF-DECIDE-1")

    page.get_by_role("link", name="Decide on the referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide on the referral")
    assert_accessible(page)
    page.get_by_label("Strategy discussion", exact=True).check()
    page.get_by_label("Reasons for the decision").fill("CSE indicators from health: reasonable cause to suspect harm.")
    page.get_by_label("When was the decision made?").fill(hours_ago(2))
    page.get_by_label("Lead practitioner", exact=True).select_option(label="Priya Okafor")
    submit(page, "Record the decision")
    on_case_page(page, case, "Strategy discussion due")

    # Without the police the discussion is refused: the error summary names the box, and nothing is saved.
    page.get_by_role("link", name="Record the strategy discussion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the strategy discussion")
    assert_accessible(page)
    page.get_by_label("When was the discussion held?").fill(hours_ago(1))
    page.get_by_label("Children's social care: name").fill("Priya Okafor")
    page.get_by_label("Health: name").fill("Nurse A. Patel")
    page.get_by_label("Section 47 enquiry", exact=True).check()
    page.get_by_label("Reasons for the outcome").fill("Reasonable cause to suspect significant harm.")
    response = submit(page, "Record the discussion")
    assert response.status == 200
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", level=2)).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        ["A strategy discussion needs someone from police (Working Together)"]
    )
    assert summary.get_by_role("link").get_attribute("href") == "#id_police_name"
    expect(summary).to_be_focused()
    expect(page.locator("#id_police_name-error")).to_contain_text("needs someone from police")
    discussion = StrategyDiscussion.objects.get(case=case)
    assert discussion.held_at is None
    assert not discussion.attendees.exists()
    assert Case.objects.get(pk=case.pk).stage == "strategy"
    assert_accessible(page)

    page.get_by_label("Police: name").fill("DC Morgan")
    page.get_by_label("Police: role (optional)").fill("CSE officer")
    submit(page, "Record the discussion")
    on_case_page(page, case, "Section 47 enquiry")
    assert sorted(discussion.attendees.values_list("agency_kind", flat=True)) == ["health", "police", "social_care"]

    # The manager, in their own browser, sees the enquiry's deadlines with their rule ids and due dates.
    sign_in_to_home(manager_page, "tm1", demo_password)
    manager_page.get_by_role("navigation", name="Menu").get_by_role("link", name="Team dashboard").click()
    manager_page.get_by_role("link", name="the team's work list").click()
    expect(manager_page.get_by_role("heading", level=1)).to_have_text("Team work")
    due = {item.rule: item.due_on for item in selectors.deadlines_for(Case.objects.get(pk=case.pk))}
    for rule in ("LOCAL-S47-15", "WT-ICPC-15"):
        row = manager_page.get_by_role("row").filter(has_text=rule).filter(has_text="Casey Casefile")
        expect(row).to_have_count(1)
        expect(row).to_contain_text(shown(due[rule]))
        expect(row).to_contain_text("Priya Okafor")
    expect(manager_page.get_by_role("table", name="Items per worker")).to_contain_text("Priya Okafor")
    assert_accessible(manager_page)

    page.get_by_role("link", name="Record the section 47 enquiry's outcome").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the section 47 enquiry's outcome")
    assert_accessible(page)
    page.get_by_label("Concerns substantiated: initial child protection conference").check()
    page.get_by_label("Reasons for the outcome").fill("Exploitation substantiated; the risk continues.")
    submit(page, "Record the outcome")
    on_case_page(page, case, "Initial child protection conference due")

    page.get_by_role("link", name="Record the initial child protection conference").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the initial child protection conference")
    assert_accessible(page)
    page.get_by_label("Date of the conference").fill(timezone.localdate().isoformat())
    page.get_by_label("Name of the independent chair").fill("J. Adeyemi, independent chair")
    page.get_by_label("Child protection plan", exact=True).check()
    page.get_by_label("Reasons for the decision").fill("Continuing risk of sexual exploitation.")
    page.get_by_label("Attended", exact=True).check()
    page.get_by_label("The young person's views, in their own words").fill(CHILD_WORDS)
    page.get_by_label("Sexual abuse").check()
    submit(page, "Record the conference")
    on_case_page(page, case, "Child protection plan")
    expect(page.locator("blockquote")).to_contain_text(CHILD_WORDS)
    expect(page.get_by_role("main")).to_contain_text("WT-RCPC-3M")
    assert Case.objects.get(pk=case.pk).plans.get().category == "sexual_abuse"

    # The manager's list moves on with the case: the conference is held, the plan's work is due.
    manager_page.reload()
    expect(manager_page.get_by_role("heading", level=1)).to_have_text("Team work")
    main = manager_page.get_by_role("main")
    expect(main.get_by_role("row").filter(has_text="Casey Casefile").filter(has_text="WT-ICPC-15")).to_have_count(0)
    expect(main.get_by_role("row").filter(has_text="Casey Casefile").filter(has_text="WT-CORE-10")).to_have_count(1)
    assert_accessible(manager_page)
