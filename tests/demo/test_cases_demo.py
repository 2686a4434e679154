"""Kestrelmoor's cases: every stage, some late and some on time under each rule, worked through the services by
the demo's social workers and their manager, and escalated once.

One module-scoped borough serves every test (see test_intel_demo.py), rolled back when the module ends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from lantern.accounts.models import User
from lantern.cases import selectors
from lantern.cases.enums import Stage
from lantern.cases.models import Assessment, Case, Notification, Referral, StageChange, Visit
from lantern.demo import generator
from lantern.demo.cases import children_in_database, generate_cases

pytestmark = pytest.mark.django_db

SEED = 3
RULES_LATE = ("WT-ICPC-15", "WT-ASSESS-45", "MISS-RHI-72H", "LOCAL-DRIFT-10", "LANTERN-REASSURE")


@pytest.fixture(scope="module")
def borough(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    with django_db_blocker.unblock(), transaction.atomic():
        counts = generator.generate(scale=1, seed=SEED)
        yield counts
        transaction.set_rollback(True)


@pytest.fixture
def items(borough: dict[str, int]) -> list[selectors.DueItem]:
    return [item for case in Case.objects.filter(closed_at__isnull=True) for item in selectors.deadlines_for(case)]


def test_cases_at_every_stage(borough: dict[str, int]) -> None:
    stages = Counter(Case.objects.values_list("stage", flat=True))
    assert set(stages) == set(Stage.values)
    assert borough["cases"] == Case.objects.count() >= 55
    assert not Case.objects.filter(closed_at__isnull=True, stage=Stage.CLOSED).exists()
    assert not Case.objects.filter(closed_at__isnull=False).exclude(stage=Stage.CLOSED).exists()
    assert set(Case.objects.values_list("agency__code", flat=True)) == {"csc"}
    assert set(Case.objects.values_list("team__name", flat=True)) == {"CSE and Missing Team"}
    leads = Counter(Case.objects.values_list("lead_practitioner__username", flat=True))
    assert leads["sw1"] > 10
    assert leads["sw2"] > 10
    assert 0 < leads[None] < 20


def test_a_cse_referral_closed_with_no_further_action_by_the_manager(borough: dict[str, int]) -> None:
    nfa = Referral.objects.filter(decision="nfa", decided_by__username="tm1").exclude(manager_reason="")
    assert nfa.exists()
    assert all(r.is_cse_or_exploitation for r in nfa)
    assert not Referral.objects.filter(decision="nfa", manager_reason="").exclude(cse_indicators=[]).exists()
    assert selectors.cse_nfa_decisions()["cse_referrals_closed_nfa"] >= 1


def test_late_and_on_time_under_every_rule(items: list[selectors.DueItem]) -> None:
    late = Counter(i.rule for i in items if i.overdue())
    on_time = Counter(i.rule for i in items if not i.overdue())
    for rule in RULES_LATE:
        assert late[rule] >= 1, rule
    for rule in ("WT-ICPC-15", "WT-ASSESS-45", "MISS-RHI-72H", "LOCAL-DRIFT-10", "LANTERN-REASSURE", "LOCAL-STRAT-3"):
        assert on_time[rule] >= 1, rule
    assert late["MISS-RHI-72H"] >= 3  # three missing episodes in 90 days, no return interview for any
    assert late["LOCAL-DRIFT-10"] < on_time["LOCAL-DRIFT-10"]  # most cases are being worked


def test_assessments_late_with_and_without_a_reason(items: list[selectors.DueItem]) -> None:
    assert Assessment.objects.filter(status="in_progress", overdue_reason="").exists()
    late = [i for i in items if i.rule == "WT-ASSESS-45" and i.overdue()]
    reasons = {Assessment.objects.get(pk=int(i.key.split(":")[1])).overdue_reason != "" for i in late}
    assert reasons == {True, False}


def test_every_step_is_in_the_past_and_in_order(borough: dict[str, int]) -> None:
    now = timezone.now()
    for case in Case.objects.prefetch_related("stage_changes", "referrals"):
        first = min(r.received_at for r in case.referrals.all())
        assert case.opened_at == first
        assert first <= case.last_activity_at <= now
        moves = [c.recorded_at for c in case.stage_changes.all()]
        assert all(first <= moment <= now for moment in moves)
        if case.closed_at:
            assert case.closed_at == max(moves)
    assert not StageChange.objects.filter(recorded_at__gt=now).exists()


def test_visits_in_the_childs_own_words(borough: dict[str, int]) -> None:
    assert Visit.objects.filter(child_seen=True, seen_alone=True).exclude(child_words="").exists()
    assert Visit.objects.filter(child_seen=True, seen_alone=False).exclude(child_words="").exists()
    assert Visit.objects.filter(child_seen=False).exclude(not_seen_reason="").exists()
    assert not Visit.objects.filter(child_seen=True, child_words="").exists()
    assert not Visit.objects.filter(visited_at__gt=timezone.now()).exists()
    plans = Case.objects.filter(stage=Stage.CP_PLAN)
    assert plans.filter(conferences__kind="review").exists()
    assert plans.filter(plans__core_groups__isnull=False).exists()


def test_the_manager_sees_overdue_work_for_both_social_workers(borough: dict[str, int]) -> None:
    tm1 = User.objects.get(username="tm1")
    work, per_worker = selectors.team_work(actor=tm1)
    assert work.overdue
    assert work.on_time
    for username in ("sw1", "sw2"):
        name = User.objects.get(username=username).get_full_name()
        assert per_worker[name].overdue, username
    assert "Not allocated" in per_worker


def test_a_second_run_adds_no_cases(borough: dict[str, int]) -> None:
    before = Case.objects.count()
    assert generate_cases(children_in_database(), scale=1, seed=SEED) == 0
    assert Case.objects.count() == before


def test_escalation_sends_each_notification_once(borough: dict[str, int], settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    first, second = StringIO(), StringIO()
    call_command("escalate", stdout=first)
    sent = Notification.objects.filter(rule__in=RULES_LATE).count()
    assert sent >= len(RULES_LATE)
    call_command("escalate", stdout=second)
    assert Notification.objects.filter(rule__in=RULES_LATE).count() == sent
    number = int(first.getvalue().split("sent ")[1].split()[0])
    assert number > 0
    assert "sent 0 " in second.getvalue()
    tm1 = User.objects.get(username="tm1")
    assert Notification.objects.filter(user=tm1, rule="WT-ICPC-15").exists()
    assert Notification.objects.filter(user__username__in=("sw1", "sw2"), rule="LOCAL-DRIFT-10").exists()
