"""Five wrong passwords lock an account (django-axes), and the right password does not unlock it."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    SIGN_IN_PATH,
    assert_accessible,
    fill_sign_in_form,
    path_of,
    sign_in,
    sign_in_to_home,
    visit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG_PASSWORD = "not-the-password"


def expect_lockout_page(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is locked for now")
    expect(page.get_by_role("main")).to_contain_text("There were 5 wrong attempts to sign in to this account")
    expect(page.get_by_role("main")).to_contain_text("Try again in 30 minutes")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page)


def test_five_wrong_passwords_lock_the_account(page: Page, demo_org: None, demo_password: str) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    visit(page, SIGN_IN_PATH)
    for attempt in range(1, settings.AXES_FAILURE_LIMIT):
        response = fill_sign_in_form(page, "sw1", WRONG_PASSWORD)
        assert response.status == 200, f"attempt {attempt}"
        assert path_of(page) == SIGN_IN_PATH
        summary = page.locator(".govuk-error-summary")
        expect(summary.get_by_role("heading", level=2)).to_have_text("There is a problem")
        expect(summary.get_by_role("link")).to_have_text(
            "Enter a correct username and password. Both are case-sensitive."
        )
        expect(page).to_have_title("Error: Sign in – Lantern")
        # The username stays filled in; the password does not.
        expect(page.get_by_label("Username", exact=True)).to_have_value("sw1")
        expect(page.get_by_label("Password", exact=True)).to_have_value("")
        assert_accessible(page)

    # The fifth wrong password locks the account.
    response = fill_sign_in_form(page, "sw1", WRONG_PASSWORD)
    assert response.status == 429
    expect_lockout_page(page)

    # The right password is refused while the lock lasts.
    response = sign_in(page, "sw1", demo_password)
    assert response.status == 429
    expect_lockout_page(page)
    visit(page, "/")
    assert path_of(page) == f"{SIGN_IN_PATH}?next=/", "a locked account must not be signed in"
    assert_accessible(page)

    # The lock is on that account only: a colleague in the same office still signs in.
    sign_in_to_home(page, "sw2", demo_password)
