"""The language guide in a real browser (rule LANG-VICTIM-BLAMING): a writer typing victim-blaming words into
any text area is offered the better phrase under it, politely, and saves exactly what they wrote; the page after
the save lists the suggestions again; board1 keeps the guide. axe-core checks every page visited, with the
suggestions showing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lantern.intel.models import IntelReport
from lantern.language.defaults import seed_defaults
from lantern.language.models import Phrase
from tests.browser.helpers import assert_accessible, sign_in_to_home, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
WHAT = "She keeps putting herself at risk by getting into cars with older men near the chip shop."


@pytest.fixture
def guide(demo_org: None) -> None:
    seed_defaults(Phrase)  # a transactional test empties every table, the migration's seed with them


def test_typing_putting_herself_at_risk_offers_the_better_phrase_and_the_save_keeps_the_words(
    page: Page, guide: None, demo_password: str
) -> None:
    sign_in_to_home(page, "youth1", demo_password)
    page.goto("/intel/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit intelligence")
    what = page.get_by_label("What did you see or hear?")
    offered = page.locator("#id_what-language")
    expect(offered).to_have_attribute("aria-live", "polite")

    what.press_sequentially(WHAT[:40])  # "She keeps putting herself at risk by get"
    expect(offered).to_contain_text("“putting herself at risk”: Write “being exposed to risk by adults” instead.")
    expect(offered).to_contain_text("you can still save as it is")
    expect(what).to_have_attribute("aria-describedby", "id_what-hint id_what-language")
    assert_accessible(page)

    what.fill("")
    what.press_sequentially("Nothing to change here.")
    expect(offered).to_be_empty()
    expect(what).to_have_attribute("aria-describedby", "id_what-hint")

    what.fill(WHAT)
    expect(offered).to_contain_text("being exposed to risk by adults")
    page.get_by_label("When did it happen?").fill(YESTERDAY.strftime("%d/%m/%Y"))
    page.get_by_label("Where did it happen?").fill("Outside the chip shop on the high street")
    page.get_by_label("I saw or heard it directly").check()
    page.get_by_label("Needs looking at within a few days").check()
    response = submit(page, "Submit intelligence")
    assert response.status == 200
    expect(page.get_by_role("alert")).to_contain_text("submitted")
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("Saved exactly as you wrote it.")
    expect(banner).to_contain_text("“putting herself at risk”: Write “being exposed to risk by adults” instead.")
    assert IntelReport.objects.get().what == WHAT
    assert_accessible(page)

    banner.get_by_role("link", name="why these words, and better ones, in the language guide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Language guide")
    expect(page.get_by_role("link", name="Add words to the guide")).to_have_count(0)  # only the board keeps it
    assert_accessible(page)


def test_board1_adds_changes_and_removes_a_phrase_and_the_check_follows(
    page: Page, guide: None, demo_password: str
) -> None:
    sign_in_to_home(page, "board1", demo_password)
    page.get_by_role("contentinfo").get_by_role("link", name="Language guide: words that blame children").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Language guide")
    table = page.get_by_role("table")
    expect(table.get_by_role("rowheader", name="“streetwise”", exact=False)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add words to the guide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add words to the guide")
    assert_accessible(page)
    submit(page, "Add to the guide")  # nothing filled in
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the words to avoid")
    expect(summary).to_contain_text("Enter the better phrase")
    assert_accessible(page)

    page.get_by_label("Words to avoid").fill("risky behaviour")
    page.get_by_label("Other wordings to find (optional)").fill("risk-taking behaviour/behaviours")
    page.get_by_label("Better phrase").fill("being exploited by adults")
    page.get_by_label("Why the words are wrong").fill("It makes the child responsible for what adults do.")
    # The guide's own form is not checked as it is typed: its words are the ones to avoid.
    expect(page.locator("[data-lantern-language]")).to_have_count(0)
    submit(page, "Add to the guide")
    expect(page.get_by_role("alert")).to_contain_text("“risky behaviour” added to the language guide.")
    row = page.locator(f"#phrase-{Phrase.objects.get(phrase='risky behaviour').pk}")
    expect(row).to_contain_text("Also finds: “risk-taking behaviour/behaviours”")
    expect(row).to_contain_text("being exploited by adults")
    assert_accessible(page)

    # The check on the guide's own page offers the new entry as board1 types.
    box = page.get_by_label("Words to check")
    box.press_sequentially("Her risk-taking behaviours worry the school.")
    expect(page.locator("#id_text-language")).to_contain_text(
        "“risk-taking behaviours”: Write “being exploited by adults” instead."
    )
    assert_accessible(page)

    row.get_by_role("link", name="Change “risky behaviour”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change “risky behaviour”")
    assert_accessible(page)
    page.get_by_label("Better phrase").fill("being harmed by adults")
    submit(page, "Save changes")
    expect(page.get_by_role("alert")).to_contain_text("“risky behaviour” changed.")
    expect(row).to_contain_text("being harmed by adults")
    expect(row).to_contain_text("Changed")

    row.get_by_role("link", name="Remove “risky behaviour”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove “risky behaviour” from the guide?")
    assert_accessible(page)
    submit(page, "Remove from the guide")
    expect(page.get_by_role("alert")).to_contain_text("“risky behaviour” removed from the language guide.")
    expect(page.get_by_role("rowheader", name="risky behaviour", exact=False)).to_have_count(0)
    assert not Phrase.objects.filter(phrase="risky behaviour").exists()
    assert_accessible(page)
