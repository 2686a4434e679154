"""What the browser tests do again and again: check a page with axe, sign in, sign out."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, Response, expect

SIGN_IN_PATH = "/account/sign-in/"

_AXE = Axe()


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it now stands; fail with axe's report if it finds any violation.

    No rule is switched off: every violation axe reports fails the test.
    """
    page.wait_for_load_state("load")
    results = _AXE.run(page)
    assert results.violations_count == 0, f"axe found violations on {page.url}:\n{results.generate_report()}"


def path_of(page: Page) -> str:
    """The path and query of the page's URL, without the live server's scheme, host and port."""
    return page.evaluate("() => location.pathname + location.search")


def submit(page: Page, button: str, *, within: Locator | None = None) -> Response:
    """Press a button that sends a form and wait for the page it leads to; returns that page's response."""
    scope = within if within is not None else page
    with page.expect_navigation() as navigation:
        scope.get_by_role("button", name=button, exact=True).click()
    response = navigation.value
    assert response is not None, f"pressing {button!r} on {page.url} led nowhere"
    return response


def visit(page: Page, path: str) -> Response:
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    return response


def fill_sign_in_form(page: Page, username: str, password: str) -> Response:
    """On the sign-in page: check it with axe, type the credentials, press "Sign in"."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Lantern")
    assert_accessible(page)
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    return submit(page, "Sign in")


def sign_in(page: Page, username: str, password: str) -> Response:
    """Open the sign-in page and sign in through the form; lands on the home page if the password is right."""
    visit(page, SIGN_IN_PATH)
    return fill_sign_in_form(page, username, password)


def expect_home_page(page: Page, response: Response) -> None:
    """Signing in led to the home page, which is accessible."""
    assert response.status == 200, f"signing in answered {response.status} at {page.url}"
    assert path_of(page) == "/"
    expect(page.get_by_role("heading", level=1)).to_have_text("What you can do")
    assert_accessible(page)


def sign_in_to_home(page: Page, username: str, password: str) -> None:
    """Sign in through the form and check the home page came up and is accessible."""
    expect_home_page(page, sign_in(page, username, password))


def sign_out(page: Page) -> None:
    """Sign out with the phase banner's button; the sign-in page comes back saying so, and is accessible."""
    response = submit(page, "Sign out", within=page.get_by_role("banner"))
    assert response.status == 200
    assert path_of(page) == SIGN_IN_PATH
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Lantern")
    expect(page.get_by_role("alert")).to_contain_text("You have signed out.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page)
