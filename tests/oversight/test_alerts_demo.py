"""Alerts on the Kestrelmoor borough: its escalation chains, each person's digest against an independent reading of
their work (the case pages' own work lists, and raw SQL), the digests the demo makes, and the demo's overdue work
climbing csc's chain.

One module-scoped borough serves every test (see tests/demo/test_cases_demo.py), rolled back when the module ends.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from lantern.access.roles import Role
from lantern.accounts.models import User
from lantern.cases import selectors
from lantern.cases.escalation import escalate_overdue
from lantern.cases.models import Case
from lantern.demo import generator
from lantern.oversight import alerts
from lantern.oversight.models import Digest, Escalation, EscalationLevel
from lantern.people.models import Person

pytestmark = pytest.mark.django_db

SEED = 4


@pytest.fixture(scope="module")
def borough(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    with django_db_blocker.unblock(), transaction.atomic():
        counts = generator.generate(scale=1, seed=SEED)
        yield counts
        transaction.set_rollback(True)


def staff() -> list[User]:
    return list(User.objects.filter(role__in=[Role.SOCIAL_WORKER, Role.SOCIAL_CARE_ASSISTANT, Role.TEAM_MANAGER]))


def expected_work(user: User) -> tuple[set[str], set[str]]:
    """The keys of the user's overdue and due-soon work as the case pages list it: My work, and Team work."""
    lists = [selectors.my_work(actor=user)]
    if user.role == Role.TEAM_MANAGER:
        lists.append(selectors.team_work(actor=user)[0])
    return {i.key for w in lists for i in w.overdue}, {i.key for w in lists for i in w.due_soon}


def test_the_demo_chains(borough: dict[str, int]) -> None:
    csc = EscalationLevel.objects.filter(agency__code="csc").order_by("level")
    assert [(lv.level, lv.title, lv.recipient.username if lv.recipient else None, lv.after_working_days)
            for lv in csc] == [(1, "Team manager", None, 0), (2, "Service manager", "sm1", 5),
                               (3, "Head of service", "hos1", 10)]  # fmt: skip
    others = EscalationLevel.objects.exclude(agency__code="csc")
    assert set(others.values_list("agency__code", "level", "recipient", "after_working_days")) == {
        (code, 1, None, 0) for code in ("police", "health", "school", "youth")
    }
    assert borough["escalation_levels"] == EscalationLevel.objects.count() == 7
    assert set(User.objects.filter(username__in=["sm1", "hos1"]).values_list("role", "team")) == {
        (Role.TEAM_MANAGER.value, None)
    }


def test_each_digest_holds_exactly_the_work_the_case_pages_list(borough: dict[str, int]) -> None:
    checked = 0
    for user in staff():
        digest = alerts.digest_build(user)
        overdue, soon = expected_work(user)
        work = [i for i in digest.items if i["kind"] == "work"]
        assert {i["key"] for i in work if i["status"] == "overdue"} == overdue, user.username
        assert {i["key"] for i in work if i["status"] == "due soon"} == soon, user.username
        assert (digest.overdue, digest.due_soon) == (len(overdue), len(soon)), user.username
        assert len(work) == len({i["key"] for i in work})  # a manager's own case is listed once
        checked += bool(work)
    assert checked >= 5  # sw1, sw2, tm1, sm1 and hos1 all have work due


def test_a_managers_overdue_decisions_against_raw_sql(borough: dict[str, int]) -> None:
    tm1 = User.objects.get(username="tm1")
    decide = {i["key"] for i in alerts.digest_build(tm1).items if i["rule"] == "WT-REF-DECIDE-1" and
              i["status"] == "overdue"}  # fmt: skip
    week_ago = timezone.now() - dt.timedelta(days=7)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id, r.received_at < %s FROM cases_referral r JOIN cases_case c ON c.id = r.case_id "
            "JOIN accounts_team t ON t.id = c.team_id WHERE r.decision = '' AND c.closed_at IS NULL "
            "AND t.manager_id = %s",
            [week_ago, tm1.pk],
        )
        undecided = cursor.fetchall()
    # Every decision a week old is overdue (1 working day); every overdue one is an undecided referral of the team.
    assert {f"referral:{pk}" for pk, old in undecided if old} <= decide
    assert decide <= {f"referral:{pk}" for pk, _old in undecided}
    assert decide


def test_the_demo_made_todays_digests_for_exactly_the_staff_with_work(borough: dict[str, int]) -> None:
    made = Digest.objects.filter(day=timezone.localdate())
    expected = {u.username for u in staff() if any(expected_work(u))}
    assert set(made.values_list("user__username", flat=True)) == expected
    assert borough["digests"] == made.count()
    assert {"sw1", "sw2", "tm1", "sm1", "hos1"} <= expected


def test_digest_emails_name_no_child(borough: dict[str, int]) -> None:
    Digest.objects.all().delete()
    mail.outbox.clear()
    sent = alerts.digests_send()
    assert sent.emailed == len(mail.outbox) == sent.made > 0
    children = Person.objects.filter(pk__in=Case.objects.values("child_id"))
    names = {n for child in children for n in (child.given_name, child.family_name) if n}
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names)) + r")\b")
    for message in mail.outbox:
        assert not pattern.search(message.subject + message.body), message.body
        assert "Sign in to Lantern" in message.body


def test_the_demos_overdue_work_climbs_csc_chain(borough: dict[str, int]) -> None:
    escalate_overdue()
    today = timezone.localdate()
    levels = list(EscalationLevel.objects.filter(agency__code="csc").order_by("level"))
    items = selectors.overdue_everywhere()
    for item in items:
        late = -item.days_left(today)
        reached = {lv.level for lv in levels if late >= lv.after_working_days}
        got = set(Escalation.objects.filter(rule=item.rule, item_key=item.key).values_list("level", flat=True))
        assert got == reached, (item.key, late)
    assert Escalation.objects.filter(level=2, recipient__username="sm1").exists()
    assert Escalation.objects.filter(level=3, recipient__username="hos1").exists()
    assert not Escalation.objects.filter(level=1).exclude(recipient__username="tm1").exists()
