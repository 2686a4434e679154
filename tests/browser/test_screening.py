"""CSE screening in a real browser: police have raised an indicator; sw1 finds the screening from the child's
page, adds an indicator (a refusal first, with the GOV.UK error summary and nothing saved), decides the level one
step up with her reason (refused without one), and sees the level, the strategy discussion it needs and the
risk history chart beside its table. axe-core checks every page visited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lantern.accounts.models import User
from lantern.people.models import Person
from lantern.people.services import person_create
from lantern.screening import services
from lantern.screening.models import Indicator, LevelDecision, Screening
from tests.browser.helpers import assert_accessible, sign_in_to_home, submit, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def child(demo_org: None) -> Person:
    child = person_create(
        actor=User.objects.get(username="sw1"), kind="child", given_name="Sky", family_name="Screened",
        date_of_birth=dt.date(2011, 9, 14),
    )  # fmt: skip
    services.indicator_raise(
        actor=User.objects.get(username="cse1"), child=child, kind="cars", evidence="other",
        observed_on=timezone.localdate() - dt.timedelta(days=3),
        detail="Synthetic: seen getting into a grey car with two adult men outside school.",
    )  # fmt: skip
    return child


def test_a_social_worker_adds_an_indicator_and_decides_the_level(page: Page, demo_password: str, child: Person) -> None:
    sign_in_to_home(page, "sw1", demo_password)
    visit(page, f"/people/{child.pk}/")
    page.get_by_role("link", name="CSE screening for Sky Screened").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sky Screened")
    expect(page.locator("#indicators-significant")).to_contain_text("Picked up by cars")
    expect(page.get_by_text("Not decided yet")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add an indicator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a CSE screening indicator")
    assert_accessible(page)
    submit(page, "Add the indicator")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the indicator from the list")
    expect(summary).to_contain_text("Enter what was seen or said, and by whom")
    assert_accessible(page)
    assert Indicator.objects.count() == 1

    page.get_by_label("Older 'boyfriend'").check()
    page.get_by_label("When was it seen or when did it happen?").fill(
        (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    )
    page.get_by_label("A school record").check()
    page.get_by_label("What was seen or said, and by whom?").fill(
        "Synthetic: she told her form tutor her boyfriend is 23 and collects her from school."
    )
    submit(page, "Add the indicator")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sky Screened")
    expect(page.locator("#indicators-significant")).to_contain_text("Older 'boyfriend'")
    expect(page.get_by_text("Score 10 from")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Decide the level").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide the level")
    expect(page.get_by_label("Moderate")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Significant").check()
    submit(page, "Record the level")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Record your reason for moving the level")
    assert_accessible(page)
    assert not LevelDecision.objects.exists()
    page.get_by_label("Significant").check()
    page.get_by_label("Your reason for moving the level").fill(
        "Two adults collect her; the 'boyfriend' is the same man the police saw. Escalating quickly."
    )
    submit(page, "Record the level")
    expect(page.get_by_role("alert")).to_contain_text("Level decided: significant")
    screening = Screening.objects.get(child=child)
    decision = LevelDecision.objects.get(screening=screening)
    assert (decision.computed_level, decision.level, decision.decided_by.username) == ("moderate", "significant", "sw1")
    expect(page.get_by_text("Due by")).to_be_visible()
    expect(page.get_by_role("img", name="The level decided over time")).to_be_visible()
    expect(page.locator("#history-table")).to_contain_text("Significant")
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="CSE screening").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CSE screening tasks")
    expect(page.locator("#tasks")).to_contain_text("Sky Screened")
    assert_accessible(page)
