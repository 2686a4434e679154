"""The access matrix for locality profiles: every role asks for the borough's and a ward's profile, as JSON and as CSV
from the API and as the web pages and their CSV download, over real HTTP. What each must get is computed from the
declared POLICY table by the interpreter in test_matrix (`expected`), never by `access.can`: refused (403, one audit
row) without aggregate access; suppressed without small numbers; in full otherwise (aggregates, holding no person,
leave no audit row when allowed).

For every role that may not see small numbers, no count from 1 to 5 appears anywhere in the response, and for every
role no person's name does. Zero is shown as 0, never suppressed: the DfE does not suppress zeros, since a zero
points at no child."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest

from lantern.access.policy import Action, Category
from lantern.access.roles import Role
from lantern.locality.profiles import SUPPRESSED
from lantern.locality.services import profiles_recompute
from tests.access.test_matrix import HOME_KIND, Checker, Http, expected
from tests.factories import AgencyFactory, UserFactory
from tests.locality.world import CHILD_FAMILY_NAME, build_world

BRINDLE = "E05990002"
SMALL = range(1, 6)
NUMERIC_CELL = re.compile(r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>')


def counts_in(document: Any) -> list[int]:
    """Every count anywhere in a JSON profile: cells' counts and hotspots' reports."""
    found: list[int] = []
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "count" and isinstance(value, int):
                found.append(value)
            else:
                found += counts_in(value)
    elif isinstance(document, list):
        for item in document:
            found += counts_in(item)
    return found


def csv_counts(text: str) -> list[int]:
    return [int(r["count"]) for r in csv.DictReader(io.StringIO(text)) if r["count"] not in ("", SUPPRESSED)]


def brindle_intel(document: dict[str, Any]) -> dict[str, Any]:
    funnel = next(f for f in document["funnels"] if f["measure"]["code"] == "intel-reports")
    return next(p["cell"] for p in funnel["points"] if p["code"] == BRINDLE)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_locality_matrix(role: Role, live_server: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world()
    profiles_recompute()
    tag = "l" + role.value.replace("_", "")[:9]
    user = UserFactory(username=f"m-{tag}", agency=AgencyFactory(code=f"home-{tag}", kind=HOME_KIND[role]), role=role)
    names = [CHILD_FAMILY_NAME, *(child.given_name for child in world.children)]
    allowed = expected(role, Category.AGGREGATE, Action.VIEW, None)
    full = expected(role, Category.SMALL_NUMBERS, Action.VIEW, None)
    http = Http(live_server.url, user)
    checker = Checker(world)  # type: ignore[arg-type]
    try:
        for label, path in (
            ("borough", "/locality/profile"),
            ("ward", f"/locality/areas/{BRINDLE}/profile"),
            ("borough CSV", "/locality/profile.csv"),
            ("ward CSV", f"/locality/areas/{BRINDLE}/profile.csv"),
            ("borough page", "/localities/"),
            ("ward page", f"/localities/{BRINDLE}/"),
            ("page CSV", f"/localities/profile.csv?area={BRINDLE}"),
        ):
            client = http.ui if label.endswith("page") or label == "page CSV" else http.api
            response = checker.check(
                f"{'UI' if client is http.ui else 'API'} {label}",
                lambda p=path, c=client: c.get(p),
                200 if allowed else 403,
                0 if allowed else 1,
            )
            if not allowed or response.status_code != 200:
                continue
            text = response.text
            leaked = [name for name in names if name in text]
            if leaked:
                checker.failures.append(f"{label}: a person's name in the response: {leaked}")
            if label.endswith("CSV"):
                counts = csv_counts(text)
                suppressed = SUPPRESSED in {r["count"] for r in csv.DictReader(io.StringIO(text))}
            elif label.endswith("page"):
                cells = NUMERIC_CELL.findall(text)
                counts = [int(cell.replace(",", "")) for cell in cells if cell.replace(",", "").isdigit()]
                suppressed = SUPPRESSED in cells
            else:
                document = json.loads(text)
                counts = counts_in(document)
                suppressed = document["suppressed_view"]
                brindle = brindle_intel(document)
                want = (None, True) if not full else (3, False)
                if (brindle["count"], brindle["suppressed"]) != want:
                    checker.failures.append(f"{label}: Brindle's 3 reports shown as {brindle}, expected {want}")
            small = [n for n in counts if n in SMALL]
            if not full and small:
                checker.failures.append(f"{label}: counts of 1 to 5 shown without small numbers: {small}")
            if full and not small:
                checker.failures.append(f"{label}: small numbers missing for a role that may see them")
            if suppressed != (not full):
                checker.failures.append(f"{label}: suppressed view {suppressed}, expected {not full}")
            if not full and 0 not in counts:
                checker.failures.append(f"{label}: zero counts should be shown as 0")
    finally:
        http.close()
    assert checker.requests == 7
    assert not checker.failures, "\n".join(checker.failures)
