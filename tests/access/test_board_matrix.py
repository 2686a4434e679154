"""The access matrix for the partnership board's dashboard: every role asks for the page, its CSV and every board
API endpoint over real HTTP. What each must get is read from the declared POLICY table by test_matrix's
interpreter (`expected`), never from `access.can`: refused (403, one audit row) without aggregate access;
suppressed without small numbers; in full otherwise (aggregates, holding no person, leave no audit row when
allowed). No count from 1 to 5 reaches a role that may not see small numbers, and no person's name reaches
anyone."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
from typing import Any

import pytest
from django.utils import timezone

from lantern.access.policy import Action, Category
from lantern.access.roles import Role
from lantern.accounts.models import User
from lantern.demo.generator import ensure_organisation
from lantern.demo.oversight import _comparators
from lantern.intel.services import report_submit
from lantern.locality.profiles import SUPPRESSED
from lantern.oversight import board
from tests.access.test_matrix import HOME_KIND, Checker, Http, expected
from tests.factories import AgencyFactory, UserFactory

SMALL = range(1, 6)
NUMERIC_CELL = re.compile(r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>')
NAME = "Zebedee Quillfeather"  # named in every report: it must never reach the board
ENDPOINTS = (
    ("page", "ui", "/oversight/board/"),
    ("page quarter", "ui", "/oversight/board/?period={quarter}"),
    ("page CSV", "ui", "/oversight/board/export.csv"),
    ("API periods", "api", "/oversight/board/periods"),
    ("API timeliness", "api", "/oversight/board/timeliness"),
    ("API comparators", "api", "/oversight/board/comparators"),
    ("API referrals", "api", "/oversight/board/referrals"),
    ("API intelligence", "api", "/oversight/board/intelligence"),
    ("API nfa", "api", "/oversight/board/nfa"),
    ("API rhi", "api", "/oversight/board/rhi"),
    ("API screening levels", "api", "/oversight/board/screening-levels"),
    ("API training", "api", "/oversight/board/training"),
)


def counts_in(document: Any, key: str = "") -> list[Any]:
    """Every count in a JSON answer (shares, published DfE figures and labels left out)."""
    if isinstance(document, dict):
        return [n for k, v in document.items() for n in counts_in(v, k)]
    if isinstance(document, list):
        return [n for item in document for n in counts_in(item, key)]
    skip = key.startswith("share") or key == "within"
    return [document] if not skip and (isinstance(document, int) or document == SUPPRESSED) else []


def a_little_intelligence() -> None:
    """Three reports from the youth service, ten days old and not yet triaged: three overdue, a small number."""
    youth = User.objects.get(username="youth1")
    received = timezone.now() - dt.timedelta(days=10)
    for n in range(3):
        report_submit(actor=youth, what=f"{NAME} seen with girls outside the takeaway ({n}).", knowledge="seen",
                      occurred_on=received.date(), location_text="High street", urgency="soon",
                      received_at=received)  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_board_matrix(role: Role, live_server: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_organisation()
    a_little_intelligence()
    _comparators(random.Random(1), lambda _stage, _n: None)
    tag = "b" + role.value.replace("_", "")[:9]
    user = UserFactory(username=f"m-{tag}", agency=AgencyFactory(code=f"home-{tag}", kind=HOME_KIND[role]), role=role)
    allowed = expected(role, Category.AGGREGATE, Action.VIEW, None)
    full = expected(role, Category.SMALL_NUMBERS, Action.VIEW, None)
    http = Http(live_server.url, user)
    checker = Checker(None)  # type: ignore[arg-type]
    quarter = board.periods()[2].key
    try:
        for label, side, path in ENDPOINTS:
            client = http.ui if side == "ui" else http.api
            response = checker.check(label, lambda c=client, p=path: c.get(p.format(quarter=quarter)),
                                     200 if allowed else 403, 0 if allowed else 1)  # fmt: skip
            if not allowed or response.status_code != 200:
                continue
            text = response.text
            if NAME.split()[1] in text:
                checker.failures.append(f"{label}: a person's name in the response")
            if label == "page CSV":
                rows = list(csv.DictReader(io.StringIO(text)))
                counts: list[Any] = [r["value"] for r in rows if r["panel"] == "timeliness"]
                counts = [int(v) if v.isdigit() else v for v in counts if v.isdigit() or v == SUPPRESSED]
            elif side == "ui":
                cells = [c.strip() for c in NUMERIC_CELL.findall(text)]
                counts = [int(c) if c.isdigit() else c for c in cells if c.isdigit() or c == SUPPRESSED]
            else:
                counts = counts_in(json.loads(text))
            small = [n for n in counts if isinstance(n, int) and n in SMALL]
            if not full and small:
                checker.failures.append(f"{label}: counts of 1 to 5 without small numbers: {small}")
            if full and SUPPRESSED in counts:
                checker.failures.append(f"{label}: suppressed for a role that may see small numbers")
            if label in ("page", "page CSV", "API timeliness", "API intelligence"):
                # The three overdue reports: shown to small-numbers readers, hidden from everyone else.
                if full and 3 not in counts:
                    checker.failures.append(f"{label}: the three reports are missing for a small-numbers reader")
                if not full and SUPPRESSED not in counts:
                    checker.failures.append(f"{label}: nothing suppressed for a role without small numbers")
    finally:
        http.close()
    assert checker.requests == len(ENDPOINTS)
    assert not checker.failures, "\n".join(checker.failures)
