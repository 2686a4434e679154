"""Intelligence in a real browser: a member of the public reports anonymously (Exit this page, no account),
a youth worker submits partner intelligence, and analyst1 triages it: grades it under 3x5x2, writes the
sanitised version and records the outcome, which the youth worker then sees as a category. axe-core checks
every page visited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from lantern.intel.enums import Source, Status
from lantern.intel.models import IntelReport, SanitisedReport
from tests.browser.helpers import assert_accessible, path_of, sign_in_to_home, sign_out, submit, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
PUBLIC_WHAT = "Two girls in school uniform got into a black car with older men outside the bus station."
PARTNER_WHAT = "A young person told me a man known as Tiny gives girls phones; he drives a silver car AB12 CDE."


def test_a_member_of_the_public_reports_without_an_account(page: Page, demo_org: None) -> None:
    visit(page, "/report/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us about a child you are worried about")
    exit_button = page.get_by_role("button", name="Emergency Exit this page")
    expect(exit_button).to_have_attribute("href", settings.LANTERN_EXIT_URL)
    expect(page.get_by_text("If a child is in danger right now, call 999.").first).to_be_visible()
    assert_accessible(page)

    response = submit(page, "Send report")  # nothing filled in
    assert response.status == 422
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Tell us what you saw or heard")
    expect(summary).to_contain_text("Select yes if a child is in danger right now")
    assert_accessible(page)

    page.get_by_label("No").check()
    page.get_by_label("What did you see or hear?").fill(PUBLIC_WHAT)
    page.get_by_label("Where did it happen?").fill("Kestrelmoor bus station")
    page.get_by_label("When did it happen?").fill(YESTERDAY.strftime("%d/%m/%Y"))
    page.get_by_label("Any cars or vans? (optional)").fill("Black BMW, YX19 KLM")
    response = submit(page, "Send report")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Report sent")
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"KM-[A-Z2-9]{4}-[A-Z2-9]{4}", reference)
    assert path_of(page) == "/report/"  # the reference is never in the address bar or history
    report = IntelReport.objects.get(reference=reference)
    assert (report.source, report.what, report.submitted_by) == (Source.PUBLIC, PUBLIC_WHAT, None)
    assert_accessible(page)

    page.get_by_role("link", name="Add more to your report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add more to your report")
    assert_accessible(page)
    page.get_by_label("Your reference").fill(reference)
    page.get_by_label("What do you want to add?").fill("The men were there again on Friday.")
    assert submit(page, "Add to report").status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Added to your report")
    assert report.additions.get().text == "The men were there again on Friday."


def test_partner_intelligence_is_submitted_and_triaged_by_an_analyst(
    page: Page, demo_org: None, demo_password: str
) -> None:
    sign_in_to_home(page, "youth1", demo_password)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Intelligence", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intelligence")
    assert_accessible(page)
    page.get_by_role("link", name="Submit intelligence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit intelligence")
    assert_accessible(page)

    page.get_by_label("What did you see or hear?").fill(PARTNER_WHAT)
    page.get_by_label("When did it happen?").fill(YESTERDAY.strftime("%d/%m/%Y"))
    page.get_by_label("Where did it happen?").fill("Outside the chip shop on the high street")
    page.get_by_label("Vehicle registration marks (optional)").fill("AB12 CDE\nNOT-A-MARK")
    page.get_by_label("The child or young person told me").check()
    page.get_by_label("Needs looking at within a few days").check()
    assert submit(page, "Submit intelligence").status == 200
    expect(page.locator(".govuk-error-summary")).to_contain_text("“NOT-A-MARK” is not a UK registration mark")
    assert_accessible(page)
    page.get_by_label("Vehicle registration marks (optional)").fill("AB12 CDE")
    submit(page, "Submit intelligence")
    report = IntelReport.objects.get(what=PARTNER_WHAT)
    assert path_of(page) == f"/intel/reports/{report.pk}/"
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Intelligence {report.reference}")
    expect(page.get_by_role("cell", name="Tiny", exact=True)).to_be_visible()  # suggested from the text
    assert_accessible(page)
    sign_out(page)

    sign_in_to_home(page, "analyst1", demo_password)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Triage", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Intelligence triage")
    assert_accessible(page)
    page.get_by_role("link", name=report.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(report.reference)
    assert_accessible(page)

    grading = page.locator("form").filter(has=page.get_by_role("button", name="Save grading"))
    grading.get_by_label("2: Untested").check()
    grading.get_by_label("B: Known indirectly to the source but corroborated").check()
    grading.get_by_label("C: Lawful sharing permitted with conditions").check()
    grading.get_by_label("Medium").check()
    submit(page, "Save grading")  # C without conditions
    expect(page.locator(".govuk-error-summary")).to_contain_text("Handling code C needs its conditions")
    assert_accessible(page)
    grading = page.locator("form").filter(has=page.get_by_role("button", name="Save grading"))
    grading.get_by_label("Handling conditions").fill("Share only with the CSE strategy group.")
    submit(page, "Save grading")
    expect(page.get_by_role("alert")).to_contain_text("Graded 2BC.")

    sanitise = page.get_by_label("Sanitised version")
    expect(sanitise).to_have_value(PARTNER_WHAT)  # no submitter's name in the text to take out
    sanitise.fill("A man known as Tiny is said to give girls phones; he drives a silver car AB12 CDE.")
    submit(page, "Save sanitised version")
    expect(page.get_by_role("alert")).to_contain_text("Sanitised version saved.")

    outcome = page.locator("form").filter(has=page.get_by_role("button", name="Record outcome"))
    outcome.get_by_label("Shared with partners").check()
    submit(page, "Record outcome")
    expect(page.get_by_role("alert")).to_contain_text("Outcome recorded.")
    assert_accessible(page)
    report.refresh_from_db()
    assert (report.grade, report.status, report.outcome) == ("2BC", Status.CLOSED, "shared")
    assert SanitisedReport.objects.filter(report=report).exists()
    sign_out(page)

    sign_in_to_home(page, "youth1", demo_password)
    visit(page, "/intel/mine/")
    expect(page.get_by_role("row", name=re.compile(report.reference))).to_contain_text("Shared")
    assert_accessible(page)
    visit(page, f"/intel/reports/{report.pk}/")
    expect(page.get_by_role("heading", name="Who has seen your report")).to_be_visible()
    expect(page.get_by_role("cell", name="analyst1").first).to_be_visible()
    assert_accessible(page)
