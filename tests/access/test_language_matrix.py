"""The access matrix for the language guide: every role x view / create / update / delete, over real HTTP through
the pages, the API with a token, and the page's own script with the session.

What each request must answer is computed from the declared POLICY table by the interpreter in test_matrix
(`expected`), never by `access.can`. The guide holds no personal data, so a permitted read (the guide, an entry,
the check) leaves no audit row, like aggregates; every change leaves one, and so does every refusal. An entry
that does not exist is a 404 for everyone, audited as a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from lantern.access.policy import Action, Category
from lantern.access.roles import Role
from lantern.accounts.enums import AgencyKind
from lantern.accounts.models import User
from lantern.language.defaults import seed_defaults
from lantern.language.models import Phrase
from tests.access.test_matrix import HOME_KIND, Checker, Http, expected, no_facts, status_for
from tests.factories import AgencyFactory, UserFactory

MISSING = 999_999


@dataclass
class World:
    role: Role
    user: User
    targets: dict[str, Phrase]


def build_world(role: Role) -> World:
    tag = "l" + role.value.replace("_", "")[:9]
    home = AgencyFactory(code=f"home-{tag}", kind=HOME_KIND[role])
    AgencyFactory(code="board", kind=AgencyKind.PARTNERSHIP)
    user = UserFactory(username=f"m-{tag}", agency=home, role=role, swe_registration="SW000001")
    seed_defaults(Phrase)
    targets = {
        name: Phrase.objects.create(
            phrase=f"matrix {name}", better="a better phrase", explanation="Synthetic entry for the matrix."
        )
        for name in ("ui edit", "api edit", "ui remove", "api remove")
    }
    return World(role=role, user=user, targets=targets)


def entry_form(phrase: str, better: str = "an even better phrase") -> dict[str, str]:
    return {"phrase": phrase, "variants": "", "better": better, "applies_when": "",
            "explanation": "Synthetic.", "rule_id": "LANG-VICTIM-BLAMING"}  # fmt: skip


def run_matrix(world: World, http: Http) -> Checker:
    role, checker = world.role, Checker(world)  # type: ignore[arg-type]
    check = checker.check
    may = {action: expected(role, Category.LANGUAGE_GUIDE, action, no_facts()) for action in Action}
    reads = 0 if may[Action.VIEW] else 1

    def rows(action: Action) -> int:
        """A permitted read leaves no row; a change leaves one; any refusal leaves one."""
        return 1 if action is not Action.VIEW or not may[action] else 0

    # Read: the guide, its entries, and the check (the page's form, the token, the page's script).
    view = status_for(may[Action.VIEW], may[Action.VIEW], 200)
    check("UI guide", lambda: http.ui.get("/language/"), view, reads)
    check("UI check", lambda: http.post("/language/", {"text": "She is streetwise."}), view, reads)
    listed = check("API list", lambda: http.api.get("/language/phrases"), view, reads)
    if may[Action.VIEW] and listed.status_code == 200 and listed.json()["count"] != Phrase.objects.count():
        checker.failures.append("API list: not every entry listed")
    one = world.targets["ui edit"]
    check("API entry", lambda: http.api.get(f"/language/phrases/{one.pk}"), view, reads)
    checked = check("API check", lambda: http.api.post("/language/check", json={"text": "promiscuous"}), view, reads)
    if may[Action.VIEW] and checked.status_code == 200 and checked.json()["count"] != 1:
        checker.failures.append("API check: 'promiscuous' not found")
    check(
        "script check (session)",
        lambda: http.ui.post("/api/v1/language/check", json={"text": "streetwise"},
                             headers={"X-CSRFToken": http.ui.cookies["csrftoken"]}),
        view, reads,
    )  # fmt: skip

    # Create.
    allowed = may[Action.CREATE]
    check("UI new form", lambda: http.ui.get("/language/new/"), 200 if allowed else 403, 0 if allowed else 1)
    check("UI create", lambda: http.post("/language/new/", entry_form("matrix ui new")), 302 if allowed else 403)
    check("API create", lambda: http.api.post("/language/phrases", json={**entry_form("matrix api new"),
                                                                           "variants": []}),
          201 if allowed else 403)  # fmt: skip
    check("API create, invalid", lambda: http.api.post("/language/phrases", json={**entry_form(""), "variants": []}),
          422 if allowed else 403)  # fmt: skip
    made = set(Phrase.objects.filter(phrase__in=["matrix ui new", "matrix api new"]).values_list("phrase", flat=True))
    if made != ({"matrix ui new", "matrix api new"} if allowed else set()):
        checker.failures.append(f"create: made {sorted(made)}, allowed={allowed}")

    # Update.
    allowed, visible = may[Action.UPDATE], may[Action.VIEW]
    ui_edit, api_edit = world.targets["ui edit"], world.targets["api edit"]
    check("UI edit form", lambda: http.ui.get(f"/language/{ui_edit.pk}/edit/"),
          status_for(allowed, visible, 200), 0 if allowed else 1)  # fmt: skip
    check("UI edit", lambda: http.post(f"/language/{ui_edit.pk}/edit/", entry_form(ui_edit.phrase)),
          status_for(allowed, visible, 302))  # fmt: skip
    check("API edit", lambda: http.api.patch(f"/language/phrases/{api_edit.pk}", json={"better": "an even better "
                                                                                               "phrase"}),
          status_for(allowed, visible, 200))  # fmt: skip
    changed = Phrase.objects.filter(pk__in=[ui_edit.pk, api_edit.pk], better="an even better phrase").count()
    if changed != (2 if allowed else 0):
        checker.failures.append(f"update: {changed} entries changed, allowed={allowed}")

    # Delete.
    allowed = may[Action.DELETE]
    ui_remove, api_remove = world.targets["ui remove"], world.targets["api remove"]
    check("UI remove form", lambda: http.ui.get(f"/language/{ui_remove.pk}/remove/"),
          status_for(allowed, visible, 200), 0 if allowed else 1)  # fmt: skip
    check("UI remove", lambda: http.post(f"/language/{ui_remove.pk}/remove/", {}), status_for(allowed, visible, 302))
    check("API remove", lambda: http.api.delete(f"/language/phrases/{api_remove.pk}"),
          status_for(allowed, visible, 204))  # fmt: skip
    left = Phrase.objects.filter(pk__in=[ui_remove.pk, api_remove.pk]).count()
    if left != (0 if allowed else 2):
        checker.failures.append(f"delete: {left} entries left, allowed={allowed}")

    # An entry that does not exist: not found for everyone, and audited as a refusal.
    check("UI edit missing", lambda: http.ui.get(f"/language/{MISSING}/edit/"), 404)
    check("API edit missing", lambda: http.api.patch(f"/language/phrases/{MISSING}", json={"better": "x"}), 404)
    check("API remove missing", lambda: http.api.delete(f"/language/phrases/{MISSING}"), 404)
    check("API entry missing", lambda: http.api.get(f"/language/phrases/{MISSING}"), 404)
    return checker


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_language_guide_access_matrix(role: Role, live_server: Any) -> None:
    world = build_world(role)
    http = Http(live_server.url, world.user)
    try:
        checker = run_matrix(world, http)
    finally:
        http.close()
    assert checker.requests == 20
    assert not checker.failures, f"{len(checker.failures)} of {checker.requests} requests wrong:\n" + "\n".join(
        checker.failures
    )
