"""CSE training in a real browser: tm1 sees the team's gaps, records a completion for a member, uploads a learning
system's file with mistakes (every row's problem in the error summary, nothing imported) and then a good one; sw1
sees where they stand. axe-core checks every page visited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lantern.oversight.models import TrainingRecord
from tests.browser.helpers import assert_accessible, sign_in_to_home, submit, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAST_MONTH = timezone.localdate() - dt.timedelta(days=30)


def test_a_manager_closes_the_teams_gaps(page: Page, demo_org: None, demo_password: str, tmp_path: Path) -> None:
    sign_in_to_home(page, "tm1", demo_password)
    visit(page, "/oversight/training/team/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your team's CSE training")
    gaps = page.get_by_role("table", name="3 gaps in a team of 3")
    expect(gaps.get_by_role("row")).to_have_count(4)
    assert_accessible(page)

    page.get_by_label("Member of your team").select_option(label="Priya Okafor (sw1)")
    page.get_by_label("Course").select_option(label="CSE awareness: the signs, the language, and what to do")
    page.get_by_label("Date completed").fill(LAST_MONTH.strftime("%d/%m/%Y"))
    submit(page, "Record the completion")
    expect(page.get_by_role("alert")).to_contain_text("Recorded: Priya Okafor completed CSE awareness")
    expect(page.get_by_role("table", name="2 gaps in a team of 3")).to_be_visible()
    assert_accessible(page)

    bad = tmp_path / "bad.csv"
    bad.write_text("username,course,completed_on\nsw2,cse-awareness,2025-02-01\nsw9,cse-awareness,yesterday\n")
    page.get_by_label("Upload the learning system's export").set_input_files(bad)
    assert submit(page, "Import the file").status == 422
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Line 3, username: No member of your agency's staff has the username 'sw9'")
    expect(summary).to_contain_text("Line 3, completed_on: 'yesterday' is not a date")
    assert_accessible(page)
    assert TrainingRecord.objects.count() == 1  # nothing from the file

    good = tmp_path / "good.csv"
    good.write_text(f"username,course,completed_on\nsw2,cse-awareness,{LAST_MONTH}\nsw3,cse-awareness,{LAST_MONTH}\n")
    page.get_by_label("Upload the learning system's export").set_input_files(good)
    submit(page, "Import the file")
    expect(page.get_by_role("alert")).to_contain_text("Imported the file: 2 new completions, 0 already held.")
    expect(page.get_by_role("main")).to_contain_text("Everyone in your team (3) is up to date.")
    assert_accessible(page)


def test_staff_see_where_they_stand(page: Page, demo_org: None, demo_password: str) -> None:
    sign_in_to_home(page, "sw1", demo_password)
    visit(page, "/oversight/training/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your CSE training")
    standing = page.get_by_role("table", name="The courses your role needs")
    expect(standing).to_contain_text("Never completed")
    assert_accessible(page)
