"""The page shell works from the keyboard and on a small screen, and stays accessible while doing so."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, sign_in_to_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_skip_link_moves_focus_to_the_main_content(page: Page, demo_org: None, demo_password: str) -> None:
    sign_in_to_home(page, "sw1", demo_password)
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    assert_accessible(page)

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    assert_accessible(page)


def test_navigation_collapses_into_a_menu_on_a_small_screen(page: Page, demo_org: None, demo_password: str) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in_to_home(page, "sw1", demo_password)

    menu = page.get_by_role("button", name="Menu")
    links = page.get_by_role("navigation", name="Menu").get_by_role("link")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(links.first).to_be_hidden()
    assert_accessible(page)

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(links.get_by_text("Find a person", exact=True)).to_be_visible()
    assert_accessible(page)
