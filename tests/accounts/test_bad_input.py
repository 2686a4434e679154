"""Bad input gets a clear message and the right status; nothing is written but the audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from django.utils import timezone

from lantern.accounts.models import ApiToken
from lantern.accounts.services import token_create
from lantern.audit.models import AuditEvent
from lantern.people.models import Person
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def table_counts() -> dict[str, int]:
    return {"people": Person.objects.count(), "tokens": ApiToken.objects.count()}


def new_audit_rows(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))


def last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def sign_in(base: str, username: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=base) as client:
        page = client.get("/account/sign-in/")
        token = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        return client.post(
            "/account/sign-in/", data={"csrfmiddlewaretoken": token, "username": username, "password": password}
        )


@pytest.mark.parametrize("username", ["bad-sw", "nobody-here"], ids=["wrong password", "unknown user"])
def test_wrong_password_or_unknown_user(live_server: Any, username: str) -> None:
    UserFactory(username="bad-sw")
    before, counts = last_seq(), table_counts()
    response = sign_in(live_server.url, username, "not-the-password")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter a correct username and password" in response.text
    rows = new_audit_rows(before)
    assert [(r.action, r.outcome, r.actor_username) for r in rows] == [("login", "failure", username)]
    assert table_counts() == counts


def test_right_password_signs_in_and_is_audited(live_server: Any) -> None:
    UserFactory(username="good-sw")
    before = last_seq()
    response = sign_in(live_server.url, "good-sw", "lantern-demo")
    assert response.status_code == 302
    assert [(r.action, r.outcome) for r in new_audit_rows(before)] == [("login", "success")]


def test_lockout_after_repeated_failures(live_server: Any) -> None:
    UserFactory(username="locked-sw")
    for _ in range(4):
        assert sign_in(live_server.url, "locked-sw", "wrong").status_code == 200
    locked = sign_in(live_server.url, "locked-sw", "wrong")
    assert locked.status_code == 429
    assert "Your account is locked for now" in locked.text
    still = sign_in(live_server.url, "locked-sw", "lantern-demo")
    assert still.status_code == 429


def api(base: str, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=f"{base}/api/v1", headers=headers)


def test_expired_token(live_server: Any) -> None:
    user = UserFactory(username="tok-sw")
    issued = token_create(user=user, issued_by="test")
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    before, counts = last_seq(), table_counts()
    with api(live_server.url, issued.key) as client:
        response = client.get("/me")
    assert response.status_code == 401
    assert response.json() == {"detail": "The token has expired: ask for a new one."}
    assert "invalid_token" in response.headers["WWW-Authenticate"]
    rows = new_audit_rows(before)
    assert [(r.action, r.outcome, r.actor_username, r.object_type) for r in rows] == [
        ("login", "failure", "tok-sw", "api_token")
    ]
    assert table_counts() == counts


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (None, "Send a bearer token"),
        ("ltn_made-up", "The token is not recognised."),
    ],
)
def test_missing_or_unknown_token(live_server: Any, token: str | None, message: str) -> None:
    with api(live_server.url, token) as client:
        response = client.get("/people/search", params={"q": "smith"})
    assert response.status_code == 401
    assert message in response.json()["detail"]


def test_malformed_json(live_server: Any) -> None:
    user = UserFactory(username="json-sw")
    key = token_create(user=user, issued_by="test").key
    before, counts = last_seq(), table_counts()
    with api(live_server.url, key) as client:
        response = client.post(
            "/people", content=b'{"kind": "child", "given_name": ', headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid JSON. Check quotes, commas and brackets."}
    assert table_counts() == counts
    rows = new_audit_rows(before)
    assert [(r.action, r.outcome, r.actor_username) for r in rows] == [("create", "failure", "json-sw")]
    assert "not valid JSON" in rows[0].detail


def test_invalid_fields_get_422_with_each_field(live_server: Any) -> None:
    user = UserFactory(username="field-sw")
    key = token_create(user=user, issued_by="test").key
    before, counts = last_seq(), table_counts()
    with api(live_server.url, key) as client:
        response = client.post("/people", json={"kind": "teenager", "given_name": "", "date_of_birth": "2011-13-45"})
    assert response.status_code == 422
    fields = {error["loc"][-1] for error in response.json()["detail"]}
    assert fields == {"kind", "given_name", "family_name", "date_of_birth"}
    assert table_counts() == counts
    rows = new_audit_rows(before)
    assert [(r.action, r.outcome, r.purpose) for r in rows] == [("create", "failure", "rejected API request")]


def test_me_returns_agency_and_role(live_server: Any) -> None:
    user = UserFactory(username="me-sw", role="social_worker")
    key = token_create(user=user, issued_by="test").key
    with api(live_server.url, key) as client:
        response = client.get("/me")
    assert response.status_code == 200
    assert response.json() == {"username": "me-sw", "agency": user.agency.code, "role": "social_worker"}


def test_openapi_schema_is_served(live_server: Any) -> None:
    response = httpx.get(f"{live_server.url}/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/me", "/api/v1/people/search", "/api/v1/people/{person_id}"} <= set(paths)
