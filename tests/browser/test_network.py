"""An analyst opens a demo adult of concern's network from his person page, expands nodes (from the table, and by
clicking the chart itself) and sees the children linked to him, but never a child linked only by a record the
analyst may not read. The findings, communities and path pages, and a rebuild watched from the page."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.management import call_command
from playwright.sync_api import Locator, Page, expect

from lantern.accounts.models import User
from lantern.intel.enums import EntityKind
from lantern.network.models import GraphBuild
from lantern.network.services import graph_rebuild
from lantern.people.models import Person
from tests.browser.helpers import assert_accessible, sign_in_to_home, submit, visit
from tests.network.conftest import APR, JAN, PHONE_AMY_DEAN, VEHICLE_DEAN, World, build_world, entity, key, person
from tests.network.conftest import record as agency_record
from tests.network.conftest import report as intel_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HIDDEN_NAME = "Quinn Unseenchild"
PHONE_LABEL = "07700 900101"


@dataclass(frozen=True)
class Network:
    world: World
    faye: Person  # a child named with Dean in a police report
    hidden: Person  # a child whose only link to Dean is a social-care record kept within social care (handling C)
    report: str  # the report's node key
    report_label: str


@pytest.fixture
def network(demo_org: None) -> Network:
    users = {u.username: u for u in User.objects.select_related("agency", "team")}
    world = build_world(users)
    faye = person("child", "csc", "Faye", "Test")
    hidden = person("child", "csc", *HIDDEN_NAME.split())
    # The same phone as Dean's, but only in a record social care does not share: the police may not see the link.
    agency_record(hidden, "csc", JAN, phones=(PHONE_AMY_DEAN,), handling="C", title="Closed note")
    named = intel_report("police", users["cse1"], APR)
    entity(named, EntityKind.PERSON, "Dean", who=world.dean, confirmed=True)
    entity(named, EntityKind.PERSON, "Faye", who=faye, confirmed=True)
    graph_rebuild()
    return Network(world, faye, hidden, f"report:{named.pk}", f"{named.reference} ({APR:%-d %b %Y})")


def nodes_table(page: Page) -> Locator:
    return page.get_by_role("table", name="People and things")


def expect_not_shown(page: Page, network: Network) -> None:
    """The hidden child is nowhere in the page: not its tables, chart data, links or script's data."""
    html = page.content()
    assert HIDDEN_NAME not in html
    assert str(network.hidden.pk) not in html


def click_chart_node(page: Page, node: str) -> None:
    """Click a node where cytoscape drew it on the canvas (its position read from the chart itself)."""
    chart = page.locator("#network-chart")
    chart.scroll_into_view_if_needed()
    # cytoscape keeps its instance on the container; wait for the chart to stop moving (it fits after a change).
    cy = "document.getElementById('network-chart')._cyreg.cy"
    page.wait_for_function(f"() => !{cy}.animated()")
    box = chart.bounding_box()
    assert box is not None
    where = page.evaluate(f"(key) => {cy}.getElementById(key).renderedPosition()", node)
    page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])


def test_an_analyst_opens_an_adults_network_expands_it_and_sees_the_children(
    page: Page, network: Network, demo_password: str
) -> None:
    dean = network.world.dean
    sign_in_to_home(page, "analyst1", demo_password)
    visit(page, f"/people/{dean.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dean Test")
    page.get_by_role("link", name="See their network").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Network of Dean Test")
    table = nodes_table(page)
    for label in ("Dean Test", PHONE_LABEL, VEHICLE_DEAN, network.report_label):
        expect(table.get_by_role("rowheader", name=label)).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(5)  # the header and four nodes
    expect(page.get_by_role("img", name="Link chart of the network of Dean Test")).to_be_visible()
    expect(page.locator("#network-chart canvas").first).to_be_visible()
    assert_accessible(page)
    expect_not_shown(page, network)

    # From the table: the phone Dean uses is Amy's too. The hidden child's record with it is not the analyst's to see.
    table.get_by_role("button", name=f"Expand {PHONE_LABEL}").click()
    status = page.get_by_role("status").filter(has_text="Added")
    expect(status).to_have_text(f"Added 1 person linked to {PHONE_LABEL}.")
    expect(table.get_by_role("rowheader", name="Amy Test")).to_be_visible()
    expect(table.get_by_role("row", name=PHONE_LABEL)).to_contain_text("Expanded")
    expect(page.get_by_role("table", name="Links")).to_contain_text("csc record of Amy")
    assert "expand=phone%3A%2B447700900101" in page.url  # a reload or an export shows the same network
    expect_not_shown(page, network)

    # From the picture: clicking the report on the chart opens it, and Faye, named in it with Dean, is added.
    click_chart_node(page, network.report)
    expect(status).to_have_text(f"Added 1 person linked to {network.report_label}.")
    expect(table.get_by_role("rowheader", name="Faye Test")).to_be_visible()

    table.get_by_role("button", name=f"Expand {VEHICLE_DEAN}").click()
    expect(status).to_have_text(f"Added 1 person linked to {VEHICLE_DEAN}.")
    for child in ("Amy Test", "Beth Test", "Faye Test"):
        expect(table.get_by_role("rowheader", name=child)).to_be_visible()
    expect_not_shown(page, network)

    # The kind filter hides the rest at once, in the chart and the table.
    page.get_by_text("Show only some kinds or one community").click()
    page.get_by_role("checkbox", name="Child or young person").check()
    expect(page.get_by_role("status").filter(has_text="Showing")).to_have_text("Showing 3 of 7 people and things.")
    expect(table.get_by_role("row")).to_have_count(4)
    assert_accessible(page)

    # The export links follow what is shown.
    href = page.get_by_role("link", name="Nodes (CSV, for i2 Analyst's Notebook)").get_attribute("href")
    assert href is not None
    assert "expand=phone%3A%2B447700900101" in href
    assert "format=nodes.csv" in href


def test_the_findings_communities_and_path_pages(page: Page, network: Network, demo_password: str) -> None:
    world = network.world
    sign_in_to_home(page, "analyst1", demo_password)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Network").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Network")
    assert_accessible(page)

    page.get_by_role("link", name="Adults linked to several children").click()
    expect(page.get_by_role("heading", level=2, name="Adults linked to two or more children (1)")).to_be_visible()
    card = page.locator("#adult-1")
    for child in ("Amy Test", "Beth Test", "Faye Test"):
        expect(card.get_by_role("rowheader", name=child)).to_be_visible()
    expect(page.get_by_role("img", name="Children linked to each adult, the most first")).to_be_visible()
    assert_accessible(page)
    expect_not_shown(page, network)
    card.get_by_role("link", name="Open network of Dean Test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Network of Dean Test")
    expect(nodes_table(page).get_by_role("rowheader", name="Faye Test")).to_be_visible()
    expect_not_shown(page, network)

    page.get_by_role("link", name="Communities").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Network communities")
    assert_accessible(page)

    page.get_by_role("link", name="How two are linked").click()
    page.get_by_role("textbox", name="From").fill(key(world.amy))
    page.get_by_role("textbox", name="To").fill(key(world.beth))
    submit(page, "Find how they are linked")
    expect(page.get_by_role("heading", level=2, name="4 links from Amy Test to Beth Test")).to_be_visible()
    expect(page.locator("#network-chart canvas").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("textbox", name="To").fill("person:nobody")
    submit(page, "Find how they are linked")
    expect(page.get_by_role("alert")).to_contain_text("is not in the network you can see")
    assert_accessible(page)


def test_a_rebuild_started_from_the_page_reports_when_it_is_done(
    page: Page, network: Network, demo_password: str
) -> None:
    sign_in_to_home(page, "analyst1", demo_password)
    visit(page, "/network/")
    expect(page.get_by_text("Network last built")).to_be_visible()
    submit(page, "Rebuild the network")
    build = GraphBuild.objects.first()
    assert build is not None
    expect(page.get_by_role("main")).to_contain_text(f"Network rebuild {build.pk} queued")
    expect(page.get_by_role("progressbar", name="Progress of the network rebuild")).to_be_visible()
    expect(page.get_by_role("button", name="Rebuild the network")).to_be_disabled()
    assert_accessible(page)

    # The real worker takes the queued build; the open page notices by itself.
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    expect(page.get_by_text(f"Rebuild {build.pk} is done.")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Rebuild the network")).to_be_enabled()
    assert_accessible(page)


def test_a_youth_worker_has_no_network(page: Page, network: Network, demo_password: str) -> None:
    sign_in_to_home(page, "youth1", demo_password)
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Network")).to_have_count(0)
    assert visit(page, "/network/").status == 403
    assert_accessible(page)
