"""Alerts in a real browser: admin1 adds a level to csc's escalation chain (meeting the error summary on the way),
changes it and nearly removes it; tm1 reads the chain, then opens "Your alerts" with today's digest and the work
escalated to them, and acknowledges it. axe-core checks every page visited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lantern.accounts.models import Agency, User
from lantern.cases import services as case_services
from lantern.cases.escalation import escalate_overdue
from lantern.cases.models import Case
from lantern.oversight.alerts import digests_send
from tests.browser.helpers import assert_accessible, sign_in_to_home, sign_out, submit, visit
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin1_adds_a_level_to_the_escalation_chain(page: Page, demo_org: None, demo_password: str) -> None:
    sign_in_to_home(page, "admin1", demo_password)
    visit(page, "/oversight/escalation-chain/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Escalation chain")
    expect(page.get_by_role("main")).to_contain_text("Your agency has not set its own chain")
    assert_accessible(page)

    page.get_by_role("link", name="Add a level").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a level")
    expect(page.get_by_label("The case's team manager")).to_be_checked()
    assert_accessible(page)
    submit(page, "Add the level")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter the post, such as Service manager", "Enter how many working days overdue, such as 5"]
    )
    assert_accessible(page)

    page.get_by_label("Post").fill("Service manager")
    page.get_by_label("Helen Ashworth (Team manager)").check()
    page.get_by_label("Working days overdue").fill("0")
    submit(page, "Add the level")
    expect(page.get_by_role("alert")).to_contain_text("Level 1 (Team manager) already hears at 0 working days")
    assert_accessible(page)
    page.get_by_label("Working days overdue").fill("5")
    submit(page, "Add the level")
    expect(page.get_by_role("heading", level=1)).to_have_text("Escalation chain")
    expect(page.get_by_role("main")).to_contain_text("Level 2, Service manager, added to the escalation chain.")
    levels = page.get_by_role("table", name="Levels (2)")
    expect(levels.get_by_role("row")).to_have_count(3)
    expect(levels.get_by_role("row").nth(2)).to_contain_text("Helen Ashworth")
    assert_accessible(page)

    levels.get_by_role("link", name="Change level 2, Service manager").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change level 2, Service manager")
    expect(page.get_by_label("Working days overdue")).to_have_value("5")
    assert_accessible(page)
    page.get_by_label("Working days overdue").fill("3")
    submit(page, "Save changes")
    expect(page.get_by_role("table", name="Levels (2)").get_by_role("row").nth(2)).to_contain_text("3")

    page.get_by_role("link", name="Remove level 2, Service manager").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove level 2, Service manager?")
    assert_accessible(page)
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_role("table", name="Levels (2)")).to_be_visible()
    sign_out(page)

    sign_in_to_home(page, "tm1", demo_password)
    visit(page, "/oversight/escalation-chain/")
    expect(page.get_by_role("table", name="Levels (2)")).to_contain_text("Service manager")
    expect(page.get_by_role("link", name="Add a level")).to_have_count(0)
    assert_accessible(page)


def test_tm1_reads_their_alerts_and_acknowledges_an_escalation(page: Page, demo_org: None, demo_password: str) -> None:
    sw1 = User.objects.get(username="sw1")
    referral = case_services.referral_record(
        actor=sw1, child=PersonFactory(owning_agency=Agency.objects.get(code="csc")),
        received_at=timezone.now() - dt.timedelta(days=20), source_kind="education", source_agency=None,
        source_person="Designated safeguarding lead", concerns="Missing from school twice this week.",
        cse_indicators=[], names_exploiting_adults=False,
    )  # fmt: skip
    case = Case.objects.get(pk=referral.case_id)
    escalate_overdue()
    digests_send()

    sign_in_to_home(page, "tm1", demo_password)
    visit(page, "/oversight/alerts/")
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your alerts")
    expect(main).to_contain_text("1 overdue")
    overdue = page.get_by_role("table", name="Overdue (1)")
    expect(overdue).to_contain_text("Decide on the referral")
    expect(overdue.get_by_role("link", name=f"Case {case.pk}")).to_have_attribute("href", f"/cases/{case.pk}/")
    expect(page.get_by_role("heading", level=2, name="Escalated to you (1)")).to_be_visible()
    assert_accessible(page)

    submit(page, f"Acknowledge case {case.pk}, rule WT-REF-DECIDE-1, level 1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your alerts")
    expect(main).to_contain_text(f"Acknowledged: case {case.pk}, rule WT-REF-DECIDE-1.")
    expect(page.get_by_role("heading", level=2, name="Escalated to you (0)")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Notifications (0 unread)")).to_be_visible()
    assert_accessible(page)
