"""The partnership board's dashboard in a real browser: board1 opens it, reads each panel's chart and table with small
numbers suppressed, chooses a quarter, downloads every figure as CSV (and the file holds what the page shows), and
prints it: the printout leaves out the menu, the header, the footer and the buttons. axe-core checks every view."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from lantern.accounts.models import User
from lantern.oversight import board
from tests.browser.helpers import assert_accessible, path_of, sign_in_to_home, submit, visit
from tests.oversight.test_board_suppression import build_board_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL = re.compile(r"^[1-5]$")
PANELS = (
    "Timeliness under each rule",
    "Compared with England and the region",
    "CSE referrals, screenings and strategy discussions, by where the concern came from",
    "Intelligence shared and acted on, by agency",
    "CSE referrals closed with no further action",
    "Return home interviews within 72 hours",
    "Children at each CSE screening level",
    "CSE training by agency and role",
    "Voice and feedback",
)


@pytest.fixture
def world(demo_org: None) -> None:
    build_board_world()


def test_board1_opens_the_dashboard_and_downloads_the_csv(page: Page, world: None, demo_password: str) -> None:
    sign_in_to_home(page, "board1", demo_password)
    visit(page, "/oversight/board/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership board dashboard")
    main = page.get_by_role("main")
    for heading in PANELS:
        expect(main.get_by_role("heading", level=2, name=heading)).to_be_visible()
    expect(main.get_by_role("heading", level=2, name=re.compile("^Where: the locality map"))).to_be_visible()
    expect(page.locator(".govuk-inset-text").get_by_text("Counts from 1 to 5 are shown as")).to_be_visible()
    # Charts first, with their numbers beneath: the timeliness chart, then its table.
    chart = page.locator("#timeliness-chart-title")
    expect(chart).to_have_count(1)
    expect(page.get_by_role("table", name="Work that fell due in the period, by rule")).to_be_visible()
    cells = page.locator("td.govuk-table__cell--numeric").all_inner_texts()
    assert "c" in [c.strip() for c in cells]
    assert not [c for c in cells if SMALL.match(c.strip())], "board1 saw a count of 1 to 5"
    # England's and the region's published figures beside Kestrelmoor's own.
    comparators = page.get_by_role("table", name=re.compile("WT-ASSESS-45: Kestrelmoor beside the published"))
    expect(comparators.get_by_role("row", name=re.compile("^England"))).to_be_visible()
    expect(comparators.get_by_role("row", name=re.compile("^Yorkshire and The Humber"))).to_be_visible()
    assert_accessible(page)

    # A quarter instead of the last 12 months.
    quarter = board.periods()[2]
    page.get_by_label("Show the figures for").select_option(label=quarter.label)
    submit(page, "Show")
    assert path_of(page) == f"/oversight/board/?period={quarter.key}"
    expect(page.locator(".govuk-caption-l")).to_have_text(quarter.label)
    assert_accessible(page)

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download every figure on this page (CSV)").click()
    download = downloading.value
    assert download.suggested_filename == f"partnership-board-{quarter.key}.csv"
    path = download.path()
    assert path is not None
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["panel", "measure", "month", "group", "figure", "value"]
    assert {r["panel"] for r in rows} >= {
        "timeliness", "comparators", "referrals", "intelligence", "cse_referrals_nfa", "return_interviews",
        "screening_levels", "map", "training", "voice",
    }  # fmt: skip
    counts = [r["value"] for r in rows if r["panel"] not in ("comparators", "map") and "share" not in r["figure"]]
    assert "c" in counts
    assert not [v for v in counts if SMALL.match(v)], "the CSV gave board1 a count of 1 to 5"
    # The file holds what the page shows: each rule's figures over the quarter.
    actor = User.objects.get(username="board1")
    for rule in board.board_timeliness(actor=actor, period=quarter):
        row = page.get_by_role("table", name="Work that fell due in the period, by rule").get_by_role(
            "row", name=re.compile(f"^{re.escape(rule.rule)} ")
        )
        total = next(r["value"] for r in rows if (r["panel"], r["measure"], r["month"], r["group"], r["figure"]) ==
                     ("timeliness", rule.rule, "whole period", "all", "total"))  # fmt: skip
        expect(row.locator("td").nth(4)).to_have_text(total if total == "c" else f"{int(total):,}")

    # Printed, the page is the report alone: no menu, header, footer, form or buttons; every panel kept.
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Menu")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(page.get_by_role("button", name="Show")).to_be_hidden()
    expect(page.get_by_role("link", name="Download every figure on this page (CSV)")).to_be_hidden()
    expect(page.get_by_text("Printed from Lantern on")).to_be_visible()
    for heading in PANELS:
        expect(page.get_by_role("main").get_by_role("heading", level=2, name=heading)).to_be_visible()
    assert page.locator(".lantern-board-panel").first.evaluate("e => getComputedStyle(e).breakBefore") == "page"
