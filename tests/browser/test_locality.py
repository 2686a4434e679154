"""Locality profiles in a real browser: tm1 opens the borough map, clicks a ward on it and reads that ward's
profile; board1 sees the same pages with small numbers suppressed. axe-core checks every page visited."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, path_of, sign_in_to_home, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL = re.compile(r"^[1-5]$")


@pytest.fixture
def kestrelmoor(demo_org: None) -> None:
    """Kestrelmoor's wards, their boundaries and two years of indicators, loaded through the importers."""
    from lantern.demo.generator import CENTROID_STEP, ensure_places, ensure_wards
    from lantern.demo.locality import load_locality
    from lantern.locality.services import profiles_recompute

    wards = ensure_wards()
    ensure_places(wards)
    load_locality(wards, step=CENTROID_STEP, seed=7, today=timezone.localdate())
    profiles_recompute()


def test_tm1_opens_the_borough_map_clicks_a_ward_and_sees_its_profile(
    page: Page, kestrelmoor: None, demo_password: str
) -> None:
    sign_in_to_home(page, "tm1", demo_password)
    page.get_by_role("navigation").get_by_role("link", name="Localities").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kestrelmoor")
    assert_accessible(page)
    expect(page.locator("#map-table tbody tr")).to_have_count(12)

    page.get_by_label("Show on the map").select_option(label="Children reported missing to police")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name=re.compile("^Map: children reported missing"))).to_be_visible()
    assert_accessible(page)

    page.locator("svg.lantern-map").get_by_role("link", name=re.compile(r"^Merrowgate:")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merrowgate")
    assert path_of(page).startswith("/localities/merrowgate/")
    # The ward stands out in the synthetic data, and its profile says so in words and in the funnel plot.
    expect(page.locator("#funnel-table").get_by_role("row", name=re.compile("^Merrowgate"))).to_contain_text(
        "Significantly higher"
    )
    expect(page.locator("#summary")).to_contain_text("Merrowgate")
    expect(page.get_by_role("link", name="Download this profile as CSV")).to_be_visible()
    assert_accessible(page)


def test_board1_sees_the_profile_with_small_numbers_suppressed(
    page: Page, kestrelmoor: None, demo_password: str
) -> None:
    sign_in_to_home(page, "board1", demo_password)
    visit(page, "/localities/merrowgate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Merrowgate")
    expect(page.get_by_text("Counts from 1 to 5 are shown as")).to_be_visible()
    assert_accessible(page)
    for cell in page.locator("td.govuk-table__cell--numeric").all_inner_texts():
        assert not SMALL.match(cell.strip()), f"board1 saw a small count: {cell!r}"
