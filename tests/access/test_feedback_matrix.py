"""The access matrix for feedback to the partnership board: every role x create (named and anonymous) / view /
update (answer and publish), and the counts, over real HTTP through the pages and the API with a token.

What each request must answer is computed from the declared POLICY table by the interpreter in test_matrix
(`expected`), never by `access.can`. Every permitted read of feedback leaves one audit row, a permitted answer two
(the read, then the change), any refusal one; anonymous feedback's row names no one. The public pages need no
grant and hold no personal data: every role, and nobody signed in, opens them with no audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from lantern.access.policy import Action, Category
from lantern.access.roles import Role
from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.oversight import voice
from lantern.oversight.models import Feedback
from tests.access.test_matrix import HOME_KIND, Checker, Http, expected, no_facts, status_for
from tests.factories import AgencyFactory, UserFactory

MISSING = "FB-ZZZZ-ZZZZ"


@dataclass
class World:
    role: Role
    user: User
    targets: dict[str, Feedback]


def build_world(role: Role) -> World:
    tag = "f" + role.value.replace("_", "")[:9]
    home = AgencyFactory(code=f"home-{tag}", kind=HOME_KIND[role])
    user = UserFactory(username=f"m-{tag}", agency=home, role=role, swe_registration="SW000001")
    targets = {
        name: voice.feedback_submit_public(theme="listened_to", text=f"Target {name}.") for name in ("ui", "api")
    }
    return World(role=role, user=user, targets=targets)


def run_matrix(world: World, http: Http, base_url: str) -> Checker:
    role, user, checker = world.role, world.user, Checker(world)  # type: ignore[arg-type]
    check = checker.check
    may = {action: expected(role, Category.FEEDBACK, action, no_facts()) for action in Action}
    refused = 0 if may[Action.CREATE] else 1

    # Create: named and anonymous, through the page and the API.
    allowed = may[Action.CREATE]
    check("UI form", lambda: http.ui.get("/oversight/feedback/new/"), 200 if allowed else 403, refused)
    for who in ("named", "anonymous"):
        form = {"who": who, "theme": "sharing", "text": f"matrix ui {who}"}
        check(f"UI send {who}", lambda form=form: http.post("/oversight/feedback/new/", form), 200 if allowed else 403)
        body = {"theme": "sharing", "text": f"matrix api {who}", "named": who == "named"}
        check(f"API send {who}", lambda body=body: http.api.post("/oversight/feedback", json=body),
              201 if allowed else 403)  # fmt: skip
    check("API send, invalid", lambda: http.api.post("/oversight/feedback", json={"theme": "x", "text": "",
                                                                                   "named": False}),
          422 if allowed else 403)  # fmt: skip
    made = {f.text: f for f in Feedback.objects.filter(text__startswith="matrix ")}
    if set(made) != ({f"matrix {way} {who}" for way in ("ui", "api") for who in ("named", "anonymous")}
                     if allowed else set()):  # fmt: skip
        checker.failures.append(f"create: made {sorted(made)}, allowed={allowed}")
    for text, feedback in made.items():
        events = AuditEvent.objects.filter(object_type="feedback", object_id=str(feedback.pk))
        authors = {(e.actor_id, e.agency) for e in events}
        if text.endswith("anonymous") and (feedback.submitted_by_id is not None or authors != {(None, "")}):
            checker.failures.append(f"{text}: not anonymous ({feedback.submitted_by_id}, {authors})")
        if text.endswith("named") and (feedback.submitted_by_id != user.pk or authors != {(user.pk, user.agency_code)}):
            checker.failures.append(f"{text}: not named ({feedback.submitted_by_id}, {authors})")

    # View: the inbox, one item, and one that does not exist (not found for the board; refused for others).
    allowed = may[Action.VIEW]
    ui_item, api_item = world.targets["ui"], world.targets["api"]
    check("UI inbox", lambda: http.ui.get("/oversight/feedback/"), status_for(allowed, True, 200))
    check("UI item", lambda: http.ui.get(f"/oversight/feedback/{ui_item.reference}/"), status_for(allowed, True, 200))
    check("UI missing", lambda: http.ui.get(f"/oversight/feedback/{MISSING}/"), 404 if allowed else 403)
    listed = check("API list", lambda: http.api.get("/oversight/feedback"), status_for(allowed, True, 200))
    if allowed and listed.status_code == 200 and listed.json()["count"] != Feedback.objects.count():
        checker.failures.append("API list: not every item listed")

    # Update: answer and publish, through the page and the API; an empty answer is refused as invalid.
    allowed = may[Action.UPDATE] and may[Action.VIEW]
    rows = 2 if allowed else 1
    answer = {"response": "We have changed it.", "publish": "on"}
    check("UI answer", lambda: http.post(f"/oversight/feedback/{ui_item.reference}/", answer),
          status_for(allowed, True, 302), rows)  # fmt: skip
    check("API answer", lambda: http.api.post(f"/oversight/feedback/{api_item.reference}/response",
                                              json={"response": "We have changed it.", "publish": True}),
          status_for(allowed, True, 200), rows)  # fmt: skip
    check("API answer, invalid", lambda: http.api.post(f"/oversight/feedback/{api_item.reference}/response",
                                                       json={"response": " ", "publish": True}),
          422 if allowed else 403, rows)  # fmt: skip
    check("API answer missing", lambda: http.api.post(f"/oversight/feedback/{MISSING}/response",
                                                      json={"response": "x", "publish": False}),
          404 if allowed else 403)  # fmt: skip
    answered = Feedback.objects.filter(pk__in=[ui_item.pk, api_item.pk], published=True).count()
    if answered != (2 if allowed else 0):
        checker.failures.append(f"update: {answered} answered, allowed={allowed}")

    # The counts are an aggregate: no row when allowed.
    allowed = expected(role, Category.AGGREGATE, Action.VIEW, no_facts())
    check("API summary", lambda: http.api.get("/oversight/feedback/summary"), 200 if allowed else 403,
          0 if allowed else 1)  # fmt: skip

    # The public pages: open to everyone, signed in or not, and recorded nowhere.
    with httpx.Client(base_url=base_url, timeout=30) as nobody:
        for client, who in ((http.ui, "signed in"), (nobody, "nobody")):
            check(f"public form ({who})", lambda c=client: c.get("/have-your-say/"), 200, 0)
            check(f"public answers ({who})", lambda c=client: c.get("/have-your-say/answers/"), 200, 0)
    return checker


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_feedback_access_matrix(role: Role, live_server: Any) -> None:
    world = build_world(role)
    http = Http(live_server.url, world.user)
    try:
        checker = run_matrix(world, http, live_server.url)
    finally:
        http.close()
    assert checker.requests == 19
    assert not checker.failures, f"{len(checker.failures)} of {checker.requests} requests wrong:\n" + "\n".join(
        checker.failures
    )
