"""The escalation-chain matrix, generated from the policy: every demo user, and a police system administrator (so an
administrator meets another agency's chain), reads their agency's chain, adds a level to it, and opens, changes and
removes a level of every agency's chain, through the pages. Each answer is expected from `access.can` on the
chain's draft (the page and a new level) or on the level's row, never written out by hand; each request leaves one
audit row, or none for a permitted read (a chain names posts and staff, never a child)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lantern.access.policy import Action, Category, Draft, can
from lantern.accounts.models import Agency, User
from lantern.audit.models import AuditEvent
from lantern.demo.generator import ensure_organisation
from lantern.oversight.models import EscalationLevel
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHAIN = "/oversight/escalation-chain/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def fresh_chains() -> list[EscalationLevel]:
    """Every agency's chain set to one level: the case's team manager, from the first day overdue."""
    EscalationLevel.objects.all().delete()
    return [
        EscalationLevel.objects.create(agency=agency, level=1, title="Team manager", after_working_days=0)
        for agency in Agency.objects.order_by("code")
    ]


def status_for(allowed: bool, visible: bool, ok: int) -> int:
    if allowed:
        return ok
    return 403 if visible else 404


class Checker:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.requests = 0

    def check(self, label: str, response: Any, want: int, rows_before: int, want_rows: int) -> None:
        self.requests += 1
        rows = AuditEvent.objects.count() - rows_before
        if response.status_code != want:
            self.failures.append(f"{label}: status {response.status_code}, expected {want}")
        elif rows != want_rows:
            self.failures.append(f"{label}: {rows} audit rows, expected {want_rows}")


def test_escalation_chain_matrix() -> None:
    ensure_organisation()
    UserFactory(username="admin-police", agency=Agency.objects.get(code="police"), role="system_admin")
    users = list(User.objects.filter(agency__isnull=False).select_related("agency").order_by("username"))
    checker = Checker()
    for user in users:
        levels = fresh_chains()
        client = Client()
        client.force_login(user)
        name = user.username
        draft = Draft(Category.ESCALATION_CHAIN, user.agency_id)

        may_view = can(user, Action.VIEW, draft)
        before = AuditEvent.objects.count()
        page = client.get(CHAIN)
        checker.check(f"{name} view chain", page, 200 if may_view else 403, before, 0 if may_view else 1)
        may_add = can(user, Action.CREATE, draft)
        if may_view and ("Add a level" in page.content.decode()) != may_add:
            checker.failures.append(f"{name}: 'Add a level' offered is not {may_add}")

        before = AuditEvent.objects.count()
        checker.check(f"{name} add form", client.get(f"{CHAIN}new/"), 200 if may_add else 403, before,
                      0 if may_add else 1)  # fmt: skip
        before = AuditEvent.objects.count()
        added = client.post(f"{CHAIN}new/", {"title": "Service manager", "recipient": "manager",
                                              "after_working_days": "5"})  # fmt: skip
        checker.check(f"{name} add level", added, 302 if may_add else 403, before, 1)
        made = EscalationLevel.objects.filter(agency_id=user.agency_id, title="Service manager")
        if made.exists() != may_add:
            checker.failures.append(f"{name}: a level was {'not ' if may_add else ''}added")

        for level in levels:
            label = f"{name} on {level.agency.code}'s level"
            visible = can(user, Action.VIEW, level)
            may_change, may_remove = can(user, Action.UPDATE, level), can(user, Action.DELETE, level)
            assert not (may_change or may_remove) or level.agency_id == user.agency_id, label
            edit, remove = f"{CHAIN}{level.pk}/edit/", f"{CHAIN}{level.pk}/remove/"
            before = AuditEvent.objects.count()
            checker.check(f"{label}: change form", client.get(edit), status_for(may_change, visible, 200), before,
                          0 if may_change else 1)  # fmt: skip
            before = AuditEvent.objects.count()
            changed = client.post(edit, {"title": "First line manager", "recipient": "manager",
                                         "after_working_days": "0"})  # fmt: skip
            checker.check(f"{label}: change", changed, status_for(may_change, visible, 302), before, 1)
            title = EscalationLevel.objects.get(pk=level.pk).title
            if (title == "First line manager") != may_change:
                checker.failures.append(f"{label}: changed is {title == 'First line manager'}")
            before = AuditEvent.objects.count()
            checker.check(f"{label}: remove form", client.get(remove), status_for(may_remove, visible, 200), before,
                          0 if may_remove else 1)  # fmt: skip
            before = AuditEvent.objects.count()
            removed = client.post(remove)
            checker.check(f"{label}: remove", removed, status_for(may_remove, visible, 302), before, 1)
            if EscalationLevel.objects.filter(pk=level.pk).exists() == may_remove:
                checker.failures.append(f"{label}: removed is not {may_remove}")
    assert checker.requests > 350
    assert not checker.failures, f"{len(checker.failures)} of {checker.requests} requests wrong:\n" + "\n".join(
        checker.failures[:60]
    )
    # The policy's own reading: only a system administrator changes a chain, and only their own agency's; a team
    # manager reads theirs.
    editors = {u.username for u in users if can(u, Action.CREATE, Draft(Category.ESCALATION_CHAIN, u.agency_id))}
    readers = {u.username for u in users if can(u, Action.VIEW, Draft(Category.ESCALATION_CHAIN, u.agency_id))}
    assert editors == {"admin1", "admin-police"}
    assert readers == {"admin1", "admin-police", "tm1"}
