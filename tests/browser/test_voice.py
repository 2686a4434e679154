"""Voice and feedback in a real browser: a young person tells the partnership board something with no account
(Exit this page, Childline, 999), board1 reads it, answers and publishes, and the answer appears on the public
"You said, we did" page without what was said; a practitioner sends feedback anonymously. axe-core checks every
page visited."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from lantern.audit.models import AuditEvent
from lantern.oversight.models import Feedback
from tests.browser.helpers import assert_accessible, path_of, sign_in_to_home, sign_out, submit, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAID = "Nobody came back to me after I told my worker about the man at the bus station."
ANSWER = "You told us nobody came back to you. Every worker now tells a young person what happens next, and when."


def test_a_young_persons_message_is_answered_and_the_answer_published(
    page: Page, demo_org: None, demo_password: str
) -> None:
    visit(page, "/have-your-say/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Have your say")
    expect(page.get_by_role("button", name="Emergency Exit this page")).to_have_attribute(
        "href", settings.LANTERN_EXIT_URL
    )
    expect(page.get_by_text("If you are in danger right now, call 999.")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("0800 1111")
    assert_accessible(page)

    response = submit(page, "Send")  # nothing filled in
    assert response.status == 422
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose what it is about")
    expect(summary).to_contain_text("Write what you want to tell them")
    assert_accessible(page)

    page.get_by_label("Being listened to and believed").check()
    page.get_by_label("What do you want to tell them?").fill(SAID)
    assert submit(page, "Send").status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, your message has been sent")
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"FB-[A-Z2-9]{4}-[A-Z2-9]{4}", reference)
    assert path_of(page) == "/have-your-say/"  # the reference is never in the address bar or history
    feedback = Feedback.objects.get(reference=reference)
    assert (feedback.text, feedback.submitted_by, feedback.channel) == (SAID, None, "young_person")
    assert AuditEvent.objects.get(object_type="feedback", object_id=str(feedback.pk)).actor_id is None
    assert_accessible(page)

    sign_in_to_home(page, "board1", demo_password)
    visit(page, "/oversight/feedback/?answered=no")
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback to the board")
    assert_accessible(page)
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(reference)
    expect(page.get_by_role("main")).to_contain_text(SAID)
    expect(page.get_by_role("main")).to_contain_text("A young person, anonymously")
    assert_accessible(page)
    assert submit(page, "Save the answer").status == 422  # no answer written
    expect(page.locator(".govuk-error-summary")).to_contain_text("Write the board's answer")
    assert_accessible(page)
    page.get_by_label("The board's answer").fill(ANSWER)
    page.get_by_label("Publish the answer on the “You said, we did” page").check()
    submit(page, "Save the answer")
    expect(page.get_by_role("alert")).to_contain_text(f"Your answer to {reference} is saved. It is published.")
    expect(page.get_by_role("main")).to_contain_text("Published")
    assert_accessible(page)
    sign_out(page)

    visit(page, "/have-your-say/answers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You said, we did")
    page.get_by_label("Find the answer to your message").fill(reference)
    submit(page, "Find")
    card = page.locator(".govuk-summary-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(ANSWER)
    expect(card).to_contain_text("Being listened to and believed")
    expect(page.get_by_role("main")).not_to_contain_text(SAID)
    assert_accessible(page)


def test_a_practitioner_tells_the_board_anonymously(page: Page, demo_org: None, demo_password: str) -> None:
    sign_in_to_home(page, "sw1", demo_password)
    visit(page, "/oversight/feedback/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell the partnership board")
    expect(page.get_by_role("main")).to_contain_text("What you write can still identify you")
    assert_accessible(page)
    page.get_by_label("Send it anonymously").check()
    page.get_by_label("Agencies sharing information and working together").check()
    page.get_by_label("What do you want to tell the board?").fill("Health information reaches us too late.")
    assert submit(page, "Send to the board").status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Sent to the partnership board")
    expect(page.get_by_role("main")).to_contain_text("Lantern has kept no record of who sent it")
    assert_accessible(page)
    feedback = Feedback.objects.get(reference=page.locator("#reference").inner_text())
    assert (feedback.submitted_by, feedback.channel) == (None, "practitioner")
