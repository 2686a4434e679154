"""Small numbers on the partnership board: board1 (no Category.SMALL_NUMBERS) sees every count from 1 to 5 as "c",
with secondary suppression so no hidden figure can be worked out from a total shown beside it; tm1 (small numbers)
sees them all; the page, the CSV and the API are suppressed the same.

The world is small on purpose (about sixty cases, a few dozen reports, a handful from some agencies), so small
counts are everywhere: made through the demo's own case and screening generators and the intelligence service.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import fields
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from lantern.accounts.models import User
from lantern.demo.cases import generate_cases
from lantern.demo.generator import CENTROID_STEP, ensure_organisation, ensure_places, ensure_wards
from lantern.demo.locality import load_locality
from lantern.demo.oversight import _comparators
from lantern.demo.screening import generate_screenings
from lantern.intel.enums import Outcome, Status
from lantern.intel.models import IntelReport
from lantern.intel.services import report_submit
from lantern.locality.profiles import SUPPRESSED
from lantern.locality.services import profiles_recompute
from lantern.oversight import board
from lantern.oversight.models import TrainingCourse, TrainingRecord
from lantern.people.models import Person
from tests.api_clients import Api
from tests.factories import PersonFactory

SEED = 5
SMALL = range(1, 6)
# Intelligence each agency shares in the world: some a handful, one none at all.
SHARED = {"youth1": 4, "dsl1": 9, "nurse1": 2, "sw1": 14, "cse1": 0}
NUMERIC_CELL = re.compile(r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>')


def build_board_world() -> None:
    """Kestrelmoor's organisation, wards and map, sixty children's cases and screenings, a little intelligence,
    the illustrative DfE figures and some CSE training."""
    ensure_organisation()
    wards = ensure_wards()
    ensure_places(wards)
    load_locality(wards, step=CENTROID_STEP, seed=SEED, today=timezone.localdate())
    today = timezone.localdate()
    rng = random.Random(SEED)
    csc = ensure_organisation()["csc"]
    children = [
        PersonFactory(owning_agency=csc, date_of_birth=today.replace(year=today.year - 12 - n % 4, day=1),
                      sex="F" if n % 5 else "M")
        for n in range(90)
    ]  # fmt: skip
    generate_cases(children, seed=SEED)
    generate_screenings(Person.objects.filter(pk__in=[c.pk for c in children]), seed=SEED)
    users = {u.username: u for u in User.objects.filter(username__in=SHARED)}
    now = timezone.now()
    for username, count in SHARED.items():
        for n in range(count):
            received = now - dt.timedelta(days=rng.randint(1, 330), hours=rng.randint(0, 20))
            report = report_submit(
                actor=users[username], what=f"Older men outside the takeaway, report {n}.", knowledge="seen",
                occurred_on=received.date(), location_text="High street", received_at=received,
                urgency=rng.choice(["urgent", "soon", "information"]),
            )  # fmt: skip
            if n % 3:
                graded = received + dt.timedelta(hours=rng.choice([3, 30, 200]))
                outcome = rng.choice([Outcome.SHARED, Outcome.NO_FURTHER_ACTION, Outcome.REFERRAL])
                IntelReport.objects.filter(pk=report.pk).update(
                    graded_at=graded, status=Status.CLOSED, outcome=outcome, outcome_at=graded,
                    graded_by=User.objects.get(username="analyst1"),
                )  # fmt: skip
    _comparators(random.Random(SEED), lambda _stage, _n: None)
    awareness = TrainingCourse.objects.get(code="cse-awareness")
    for username in ("sw1", "sw2", "youth1"):
        TrainingRecord.objects.create(user=User.objects.get(username=username), course=awareness,
                                      completed_on=today - dt.timedelta(days=200), lapses_on=today.replace(
                                          year=today.year + 2), source="entered",
                                      recorded_by=User.objects.get(username="tm1"))  # fmt: skip
    profiles_recompute()


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        build_board_world()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def users(world: None) -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=["board1", "tm1", "youth1", "analyst1"])}


def rows_of(panel: Sequence[Any]) -> list[dict[str, Any]]:
    return [{f.name: getattr(row, f.name) for f in fields(row)} for row in panel]


def panels(actor: User, period: board.Period) -> dict[str, Any]:
    return {
        "timeliness": board.board_timeliness(actor=actor, period=period),
        "referrals": board.board_referrals(actor=actor, period=period),
        "intelligence": board.board_intelligence(actor=actor, period=period),
        "nfa": board.board_nfa(actor=actor, period=period),
        "levels": board.board_screening_levels(actor=actor, period=period),
        "training": board.board_training(actor=actor),
    }


def tables(found: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every table of counts on the board, each row a dict of its figures (labels dropped)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for rule in found["timeliness"]:
        out[rule.rule] = rows_of([*rule.months, *rule.rows, *rule.agencies, rule.whole])
    for name in ("referrals", "intelligence", "nfa", "levels", "training"):
        out[name] = rows_of(found[name])
    return out


LABELS = {"month", "agency", "agency_name", "source", "label", "key", "role", "role_label"}


def counts_in(table: list[dict[str, Any]]) -> list[Any]:
    return [v for row in table for k, v in row.items() if k not in LABELS]


def lines_of(name: str, table: list[dict[str, Any]]) -> list[tuple[list[Any], Any]]:
    """The lines (parts, total) each table shows, so the test can check none gives a hidden figure away."""
    lines: list[tuple[list[Any], Any]] = []
    if name not in ("referrals", "intelligence", "nfa", "levels", "training"):  # a rule's timeliness
        for row in table:
            lines.append(([row["on_time"], row["late"], row["overdue"]], row["total"]))
        for how in ("on_time", "late", "overdue", "total"):
            months = [r[how] for r in table if r["month"] is not None and r["agency"] == ""]
            whole = next(r[how] for r in table if r["month"] is None and r["agency"] == "")
            lines.append((months, whole))
            by_agency = [r[how] for r in table if r["month"] is None and r["agency"] != ""]
            lines.append((by_agency, whole))
    elif name in ("referrals", "intelligence"):
        for column in [c for c in table[0] if c not in LABELS]:
            lines.append(([r[column] for r in table[:-1]], table[-1][column]))
        if name == "intelligence":
            lines += [([r["acted_on"], r["no_further_action"]], r["outcome"]) for r in table]
    elif name == "nfa":
        for column in ("decided", "closed_nfa"):
            lines.append(([r[column] for r in table[:-1]], table[-1][column]))
    elif name == "levels":
        lines += [([r["at_risk"], r["moderate"], r["significant"], r["serious"]], r["total"]) for r in table]
    else:
        lines += [([r["current"], r["lapsed"], r["never"]], r["staff"]) for r in table]
    return lines


def test_board1_sees_small_numbers_suppressed_and_none_given_away_by_a_total(users: dict[str, User]) -> None:
    period = board.period_for("12m")
    hidden_view = tables(panels(users["board1"], period))
    full_view = tables(panels(users["tm1"], period))
    suppressed = 0
    for name, table in hidden_view.items():
        full = full_view[name]
        shown = counts_in(table)
        assert not [n for n in shown if n in SMALL], f"{name}: a count of 1 to 5 shown to board1"
        assert all(isinstance(n, int) or n == SUPPRESSED for n in shown), name
        # What board1 sees is tm1's figure or "c", and every figure tm1 sees from 1 to 5 is hidden from board1.
        for mine, theirs in zip(shown, counts_in(full), strict=True):
            assert mine in (theirs, SUPPRESSED), name
            assert theirs not in SMALL or mine == SUPPRESSED, name
        suppressed += shown.count(SUPPRESSED)
        for parts, total in lines_of(name, table):
            hidden = [*parts, total].count(SUPPRESSED)
            assert hidden != 1, f"{name}: one hidden figure in {parts} = {total} could be worked out"
    assert suppressed > 20  # the world is small: there is plenty to hide
    # A share is never given beside a hidden count.
    found = panels(users["board1"], period)
    shares = [(row.share, row.percent, (row.on_time, row.total)) for rule in found["timeliness"]
              for row in [*rule.months, *rule.rows, *rule.agencies, rule.whole]]  # fmt: skip
    shares += [(row.share, row.percent, (row.closed_nfa, row.decided)) for row in found["nfa"]]
    shares += [(row.share_acted_on, row.percent_acted_on, (row.acted_on, row.outcome)) for row in found["intelligence"]]
    shares += [(row.share, row.percent, (row.current, row.staff)) for row in found["training"]]
    hidden_shares = [(share, text) for share, text, counts in shares if SUPPRESSED in counts]
    assert hidden_shares
    assert set(hidden_shares) == {(None, SUPPRESSED)}


def test_a_small_numbers_reader_sees_every_count(users: dict[str, User]) -> None:
    period = board.period_for("12m")
    for username in ("tm1", "analyst1"):
        found = tables(panels(users[username], period))
        shown = [n for table in found.values() for n in counts_in(table)]
        assert SUPPRESSED not in shown, username
        assert [n for n in shown if n in SMALL], username
    youth = tables(panels(users["youth1"], period))  # a practitioner without small numbers: as the board
    assert SUPPRESSED in [n for table in youth.values() for n in counts_in(table)]


def test_the_page_and_the_csv_are_suppressed_as_the_selectors_are(users: dict[str, User]) -> None:
    period = board.period_for("12m")
    for username, hidden in (("board1", True), ("tm1", False)):
        client = Client()
        client.force_login(users[username])
        page = client.get("/oversight/board/")
        assert page.status_code == 200
        text = page.content.decode()
        cells = [c.strip().replace(",", "") for c in NUMERIC_CELL.findall(text)]
        counts = [int(c) for c in cells if c.isdigit()]
        if hidden:
            assert SUPPRESSED in cells
            # The locality map's own counts are the locality app's, suppressed the same way.
            assert not [n for n in counts if n in SMALL], "a count of 1 to 5 on board1's page"
        else:
            assert SUPPRESSED not in cells
        export = client.get("/oversight/board/export.csv")
        assert export.status_code == 200
        rows = list(csv.DictReader(io.StringIO(export.content.decode())))
        csv_counts = [
            r["value"] for r in rows
            if (not r["figure"].startswith("share") and r["panel"] not in ("comparators", "map"))
            or (r["panel"] == "map" and r["figure"] == "count")
        ]  # fmt: skip
        assert (SUPPRESSED in csv_counts) is hidden
        if hidden:
            assert not [v for v in csv_counts if v.isdigit() and int(v) in SMALL]
        # The CSV holds exactly the selectors' figures.
        expected = {}
        for rule in board.board_timeliness(actor=users[username], period=period):
            for row in [*rule.months, *rule.rows, *rule.agencies, rule.whole]:
                month = row.month.strftime("%Y-%m") if row.month else "whole period"
                for name in ("on_time", "late", "overdue", "total"):
                    expected[("timeliness", rule.rule, month, row.agency or "all", name)] = str(getattr(row, name))
        got = {(r["panel"], r["measure"], r["month"], r["group"], r["figure"]): r["value"] for r in rows}
        assert {k: got[k] for k in expected} == expected


@pytest.mark.django_db(transaction=True)
def test_the_api_is_suppressed_as_the_page(live_server: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_board_world()
    api = Api(f"{live_server.url}/api/v1/oversight")
    period = board.period_for("12m")
    try:
        for username in ("board1", "tm1"):
            actor = User.objects.get(username=username)
            client = api(username)
            timeliness = client.get("/board/timeliness")
            assert timeliness.status_code == 200
            for rule, shown in zip(board.board_timeliness(actor=actor, period=period), timeliness.json(),
                                   strict=True):  # fmt: skip
                assert shown["rule"] == rule.rule
                assert [(m["on_time"], m["late"], m["overdue"], m["total"]) for m in shown["months"]] == [
                    (m.on_time, m.late, m.overdue, m.total) for m in rule.months
                ]
                assert shown["whole"]["share_on_time"] == rule.whole.share
            panels_shown = {
                "referrals": (client.get("/board/referrals").json(), board.board_referrals(actor=actor, period=period),
                              ("referrals", "cse_referrals", "screenings", "strategy_discussions")),
                "intelligence": (client.get("/board/intelligence").json(),
                                 board.board_intelligence(actor=actor, period=period),
                                 ("submitted", "triaged", "outcome", "acted_on", "no_further_action")),
                "nfa": (client.get("/board/nfa").json(), board.board_nfa(actor=actor, period=period),
                        ("decided", "closed_nfa")),
                "levels": (client.get("/board/screening-levels").json(),
                           board.board_screening_levels(actor=actor, period=period),
                           ("at_risk", "moderate", "significant", "serious", "total")),
                "training": (client.get("/board/training").json(), board.board_training(actor=actor),
                             ("staff", "current", "lapsing", "lapsed", "never")),
            }  # fmt: skip
            values: list[Hashable] = []
            for name, (document, rows, columns) in panels_shown.items():
                assert [[item[c] for c in columns] for item in document] == [
                    [getattr(row, c) for c in columns] for row in rows
                ], name
                values += [item[c] for item in document for c in columns]
            rhi = client.get("/board/rhi").json()
            values += [m[c] for m in rhi["months"] for c in ("on_time", "late", "overdue", "total")]
            if username == "board1":
                assert SUPPRESSED in values
                assert not [v for v in values if isinstance(v, int) and v in SMALL]
            else:
                assert SUPPRESSED not in values
        quarter = board.periods()[1].key
        assert api("board1").get(f"/board/nfa?period={quarter}").status_code == 200
        bad = api("board1").get("/board/nfa?period=last-week")
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["query", "period"]
        assert api("board1").get("/board/timeliness?rule=WT-NOPE").status_code == 422
        assert [p["key"] for p in api("board1").get("/board/periods").json()][:2] == ["12m", quarter]
        comparators = api("board1").get("/board/comparators").json()
        assert {c["area_name"] for c in comparators} == {"England", "Yorkshire and The Humber"}
        assert api("admin1").get("/board/nfa?period=last-week").status_code == 403  # refused before it is read
    finally:
        api.close()
