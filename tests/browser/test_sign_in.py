"""Every demo user signs in through the form, lands on a home page made for their role, and signs out."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lantern.access.policy import role_of
from lantern.access.roles import Role
from lantern.accounts.models import User
from lantern.web.navigation import NAVIGATION
from tests.browser.helpers import (
    SIGN_IN_PATH,
    assert_accessible,
    expect_home_page,
    fill_sign_in_form,
    path_of,
    sign_out,
    submit,
    visit,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (username, agency code, role): the twelve demo users, stated here independently of the generator.
DEMO_USERS = [
    ("sw1", "csc", Role.SOCIAL_WORKER),
    ("sw2", "csc", Role.SOCIAL_WORKER),
    ("sw3", "csc", Role.SOCIAL_CARE_ASSISTANT),
    ("tm1", "csc", Role.TEAM_MANAGER),
    ("cse1", "police", Role.POLICE_CSE_OFFICER),
    ("analyst1", "police", Role.INTELLIGENCE_ANALYST),
    ("nurse1", "health", Role.SEXUAL_HEALTH_NURSE),
    ("dsl1", "school", Role.DESIGNATED_SAFEGUARDING_LEAD),
    ("youth1", "youth", Role.YOUTH_WORKER),
    ("board1", "board", Role.BOARD_MEMBER),
    ("admin1", "csc", Role.SYSTEM_ADMIN),
    ("ig1", "csc", Role.INFORMATION_GOVERNANCE),
]

# Facts about navigation stated by example, independently of navigation.py: (must show, must not show).
KNOWN_NAVIGATION: dict[str, tuple[set[str], set[str]]] = {
    "sw1": (
        {"Home", "Find a person", "Record a person", "Who looked at my records", "Cases"},
        {"Users", "Audit log", "Team dashboard", "Feedback to the board", "Escalation chain"},
    ),
    "board1": (
        {"Overview", "Localities", "Partnership dashboard", "Feedback to the board"},
        {"Find a person", "Record a person", "Users", "Cases", "Your alerts", "Have your say"},
    ),
    "admin1": ({"Users", "Escalation chain"}, {"Find a person", "Record a person", "Cases", "Partnership dashboard"}),
    "ig1": ({"Audit log"}, {"Record a person"}),
    "tm1": (
        {"Find a person", "Overview", "Break-glass reviews", "Cases", "Team dashboard", "Your alerts", "CSE training"},
        {"Users", "Feedback to the board"},
    ),
    "youth1": ({"Find a person", "Overview", "Localities", "Have your say"}, {"Users", "Audit log", "Team dashboard"}),
}


def expected_navigation(user: User) -> list[str]:
    """The navigation labels the user should see, in order, from the items' own `shown` predicates."""
    return [item.label for item in NAVIGATION if item.shown(user)]


def navigation_labels(page: Page) -> list[str]:
    return page.get_by_role("navigation", name="Menu").get_by_role("link").all_inner_texts()


def home_page_links(page: Page) -> list[str]:
    """The things the home page offers: links inside the level-2 headings of the main content."""
    return page.get_by_role("main").get_by_role("heading", level=2).get_by_role("link").all_inner_texts()


def test_the_demo_users_are_the_twelve_expected(demo_org: None) -> None:
    users = {u.username: (u.agency.code, u.role) for u in User.objects.select_related("agency")}
    assert users == {username: (agency, role.value) for username, agency, role in DEMO_USERS}


@pytest.mark.parametrize(("username", "agency_code", "role"), DEMO_USERS, ids=[u[0] for u in DEMO_USERS])
def test_demo_user_signs_in_sees_their_home_page_and_signs_out(
    page: Page, demo_org: None, demo_password: str, username: str, agency_code: str, role: Role
) -> None:
    user = User.objects.select_related("agency").get(username=username)
    assert (user.agency.code, role_of(user)) == (agency_code, role)

    # The home page asks for a sign-in first, and comes back after it.
    visit(page, "/")
    assert path_of(page) == f"{SIGN_IN_PATH}?next=/", "the home page needs a signed-in user"
    expect_home_page(page, fill_sign_in_form(page, username, demo_password))

    # The home page is made for this user's role and agency.
    expect(page.get_by_role("main").locator(".govuk-caption-l")).to_have_text(f"{role.label} · {user.agency.name}")
    expect(page.get_by_role("banner")).to_contain_text(
        f"Signed in as {user.get_full_name()} ({role.label}, {user.agency.name})."
    )

    # Navigation shows exactly what navigation.py's predicates allow, and the home page offers the same
    # things (all but "Home" itself), in the same order.
    expected = expected_navigation(user)
    assert navigation_labels(page) == expected
    assert home_page_links(page) == expected[1:]
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Home")).to_have_attribute(
        "aria-current", "page"
    )

    # ...and agrees with facts stated by example, so a wrong predicate cannot pass unnoticed.
    must_show, must_not_show = KNOWN_NAVIGATION.get(username, (set(), set()))
    labels = set(navigation_labels(page))
    assert must_show <= labels, f"{username} should see {sorted(must_show - labels)}"
    assert not (must_not_show & labels), f"{username} should not see {sorted(must_not_show & labels)}"

    sign_out(page)
    # Signed out for real: the home page asks for a sign-in again.
    visit(page, "/")
    assert path_of(page) == f"{SIGN_IN_PATH}?next=/"
    assert_accessible(page)


def test_sign_in_form_errors_are_accessible(page: Page, demo_org: None) -> None:
    visit(page, SIGN_IN_PATH)
    assert_accessible(page)

    response = submit(page, "Sign in")
    assert response.status == 200
    expect(page).to_have_title("Error: Sign in – Lantern")
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", level=2)).to_have_text("There is a problem")
    expect(summary.get_by_role("link", name="Enter your username")).to_have_attribute("href", "#id_username")
    expect(summary.get_by_role("link", name="Enter your password")).to_have_attribute("href", "#id_password")
    # GOV.UK Frontend's script runs under the strict Content-Security-Policy and moves focus to the summary.
    expect(summary).to_be_focused()
    assert_accessible(page)

    # Following an error link puts the cursor in the field it is about.
    summary.get_by_role("link", name="Enter your username").click()
    expect(page.get_by_label("Username", exact=True)).to_be_focused()
    assert_accessible(page)
