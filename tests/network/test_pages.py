"""The network pages on the small world (conftest): who may open them, the chart's tables and data, forms the
selectors refuse (422 with an error summary), audited exports, the rebuild button, findings, communities and paths,
and the person page's link to the network."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.network.enums import BuildStatus
from lantern.network.models import GraphBuild
from lantern.network.services import graph_rebuild
from tests.network.conftest import PHONE_AMY_DEAN, VEHICLE_DEAN, World, key

PAGES = ("/network/", "/network/findings/", "/network/communities/", "/network/path/")
PHONE = f"phone:{PHONE_AMY_DEAN}"
VEHICLE = f"vehicle:{VEHICLE_DEAN}"


@pytest.fixture
def built(world: World) -> World:
    graph_rebuild()
    return world


def signed_in(user: User) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def chart_url(**params: object) -> str:
    return f"/network/?{urlencode(params, doseq=True)}"


def chart_data(html: str) -> dict[str, object]:
    found = re.search(r'<script id="network-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page has no chart data"
    data: dict[str, object] = json.loads(found.group(1))
    return data


def table_keys(html: str) -> list[str]:
    return re.findall(r'<tr class="govuk-table__row" data-key="([^"]+)">', html)


@pytest.mark.parametrize("path", PAGES)
def test_an_analyst_opens_every_network_page(built: World, path: str) -> None:
    response = signed_in(built.users["analyst1"]).get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("username", ["board1", "nurse1", "dsl1"])
@pytest.mark.parametrize("path", [*PAGES, "/network/export/?format=nodes.csv&node=person:x"])
def test_roles_without_network_access_are_refused(built: World, username: str, path: str) -> None:
    response = signed_in(built.users[username]).get(path)
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor_username=username, action="denied").exists()


def test_the_chart_page_has_the_ego_network_in_tables_and_json(built: World) -> None:
    dean = key(built.dean)
    response = signed_in(built.users["analyst1"]).get(chart_url(node=dean, hops=1))
    assert response.status_code == 200
    html = response.content.decode()
    assert sorted(table_keys(html)) == sorted([dean, PHONE, VEHICLE])
    data = chart_data(html)
    assert {n["key"] for n in data["nodes"]} == {dean, PHONE, VEHICLE}  # type: ignore[attr-defined, index]
    assert data["focus"] == [dean]
    assert data["hops"] == 1
    assert data["expand"] == []
    assert "Network of Dean Test" in html
    assert "Uses the phone" in html
    assert "police record of Dean" in html
    # The children are two links away: not in a one-link chart, but reachable by expanding the phone or car.
    assert "Amy Test" not in html
    assert "Beth Test" not in html
    assert f"expand={PHONE.replace(':', '%3A').replace('+', '%2B')}" in html


def test_expanding_a_node_adds_what_is_linked_to_it(built: World) -> None:
    dean = key(built.dean)
    response = signed_in(built.users["analyst1"]).get(chart_url(node=dean, hops=1, expand=[PHONE, VEHICLE]))
    html = response.content.decode()
    assert sorted(table_keys(html)) == sorted([dean, PHONE, VEHICLE, key(built.amy), key(built.beth)])
    assert "Amy Test" in html
    assert "Beth Test" in html
    assert chart_data(html)["expand"] == [PHONE, VEHICLE]


def test_the_kind_filter_chooses_the_rows_but_the_data_keeps_every_node(built: World) -> None:
    dean = key(built.dean)
    response = signed_in(built.users["analyst1"]).get(chart_url(node=dean, hops=2, kinds="child"))
    html = response.content.decode()
    assert sorted(table_keys(html)) == sorted([key(built.amy), key(built.beth)])
    assert len(chart_data(html)["nodes"]) > 2  # type: ignore[arg-type]
    assert "Showing 2 of" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"hops": 5}, "Choose between 1 and 3 links out"),
        ({"start": "2025-05-01", "end": "2025-01-01"}, "The end date must be the same as or after the start date"),
        ({"start": "2025-02-30"}, "Linked on or after must be a real date"),
    ],
)
def test_a_form_the_selectors_refuse_comes_back_with_its_errors(built: World, params: dict[str, object],
                                                                 message: str) -> None:  # fmt: skip
    response = signed_in(built.users["analyst1"]).get(chart_url(node=key(built.dean), **params))
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert html.count(message) == 2  # in the summary and beside its box
    assert "<title>Error: " in html


def test_an_unknown_node_and_one_hidden_from_the_reader_are_refused_alike(built: World) -> None:
    client = signed_in(built.users["analyst1"])
    for node in ("person:00000000-0000-0000-0000-000000000000", "phone:+447700900999"):
        response = client.get(chart_url(node=node))
        assert response.status_code == 422
        assert "is not in the network you can see" in response.content.decode()
    response = client.get(chart_url(node=key(built.dean), expand="vehicle:NOPE"))
    assert response.status_code == 422
    assert "is not in the network you can see" in response.content.decode()


def test_an_empty_start_is_asked_for(built: World) -> None:
    response = signed_in(built.users["analyst1"]).get("/network/?node=&hops=1")
    assert response.status_code == 422
    assert "Enter the node id to start from" in response.content.decode()


def test_exports_download_and_are_audited(built: World) -> None:
    client = signed_in(built.users["analyst1"])
    dean = key(built.dean)
    page = client.get(chart_url(node=dean, hops=1)).content.decode()
    assert "/network/export/?" in page
    for fmt, first_line in (("nodes.csv", "Identity,Type,Label"), ("edges.csv", "Entity1 Identity"),
                            ("graphml", '<?xml version="1.0"')):  # fmt: skip
        before = AuditEvent.objects.filter(action="export", object_type="network").count()
        response = client.get(f"/network/export/?{urlencode({'format': fmt, 'node': dean, 'hops': 1})}")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert response.content.decode().startswith(first_line)
        events = AuditEvent.objects.filter(action="export", object_type="network")
        assert events.count() == before + 1
        event = events.order_by("-seq").first()
        assert event is not None
        assert event.actor_username == "analyst1"
        assert event.object_id == dean
        assert json.loads(event.detail)["format"] == fmt


def test_a_bad_export_comes_back_as_the_form_with_errors(built: World) -> None:
    response = signed_in(built.users["analyst1"]).get("/network/export/?format=pdf&node=person:x")
    assert response.status_code == 422
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_social_worker_sees_the_chart_but_may_not_export_or_rebuild(built: World) -> None:
    client = signed_in(built.users["sw1"])
    html = client.get(chart_url(node=key(built.dean))).content.decode()
    assert "/network/export/" not in html
    assert "Rebuild the network" not in html
    assert client.get(f"/network/export/?format=nodes.csv&node={key(built.dean)}").status_code == 403
    assert client.post("/network/rebuild/").status_code == 403


def test_the_rebuild_button_queues_one_build_at_a_time(built: World) -> None:
    client = signed_in(built.users["analyst1"])
    html = client.get("/network/").content.decode()
    assert "Network last built" in html
    assert "Rebuild the network" in html
    response = client.post("/network/rebuild/", {"query": f"node={key(built.dean)}&hops=2"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/network/?node={key(built.dean).replace(':', '%3A')}&hops=2"
    queued = GraphBuild.objects.first()
    assert queued is not None
    assert queued.status == BuildStatus.QUEUED
    assert queued.started_by == built.users["analyst1"]
    html = response.content.decode()
    assert f"Network rebuild {queued.pk} queued" in html
    assert "Rebuild " + str(queued.pk) + ": queued." in html
    assert 'disabled aria-disabled="true"' in html
    again = client.post("/network/rebuild/", follow=True).content.decode()
    assert "is already queued: wait for it" in again
    assert GraphBuild.objects.filter(status=BuildStatus.QUEUED).count() == 1
    assert client.get("/network/rebuild/").status_code == 405


def test_findings_list_each_adult_with_the_children_and_how(built: World) -> None:
    html = signed_in(built.users["analyst1"]).get("/network/findings/").content.decode()
    assert "Adults linked to two or more children (1)" in html
    assert "Dean Test</a>: 2 children" in html
    assert "Phone: 07700 900101" in html
    assert "Vehicle: KM21ABC" in html
    assert f"/network/?node={key(built.dean).replace(':', '%3A')}&amp;hops=2" in html
    assert '<svg role="img"' in html  # the bar chart, beside its table
    assert "Children linked to the same adults (1)" in html


def test_findings_in_a_window_that_takes_a_child_out(built: World) -> None:
    # Beth's record (March) is outside January to February: Dean is linked to one child only.
    html = signed_in(built.users["analyst1"]).get("/network/findings/?start=2025-01-01&end=2025-02-28")
    assert "Adults linked to two or more children (0)" in html.content.decode()


def test_communities_are_listed_with_their_members(built: World) -> None:
    html = signed_in(built.users["analyst1"]).get("/network/communities/").content.decode()
    assert re.search(r"\d+ communities", html)
    assert "Community " in html
    assert "Dean Test" in html
    assert "Open network" in html


def test_the_path_lists_each_step_with_its_evidence(built: World) -> None:
    client = signed_in(built.users["analyst1"])
    response = client.get(f"/network/path/?{urlencode({'source': key(built.amy), 'target': key(built.beth)})}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 links from Amy Test to Beth Test" in html
    steps = html[html.index("<ol") :]
    order = [steps.index(label) for label in ("Amy Test", "07700 900101", "Dean Test", "KM21ABC", "Beth Test")]
    assert order == sorted(order)
    assert "csc record of Amy" in html
    assert "police record of Dean" in html
    apart = client.get(f"/network/path/?{urlencode({'source': key(built.amy), 'target': key(built.eli)})}")
    assert "Nothing you can see links" in apart.content.decode()
    half = client.get(f"/network/path/?source={key(built.amy)}&target=")
    assert half.status_code == 422
    assert "Enter the node id to go to" in half.content.decode()


def test_the_person_page_links_to_the_network_for_those_who_may_see_it(built: World) -> None:
    url = f"/people/{built.amy.pk}/"
    link = f"/network/?node=person:{built.amy.pk}"
    assert link in signed_in(built.users["sw1"]).get(url).content.decode()
    youth = signed_in(built.users["youth1"]).get(url)
    assert youth.status_code == 200
    assert link not in youth.content.decode()


def test_the_navigation_offers_the_network_to_those_who_may_see_it(built: World) -> None:
    assert 'href="/network/"' in signed_in(built.users["analyst1"]).get("/").content.decode()
    assert 'href="/network/"' not in signed_in(built.users["board1"]).get("/").content.decode()
