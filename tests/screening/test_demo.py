"""Kestrelmoor's screenings: a share of the demo's children screened at all four levels, with indicators from
every agency, risk histories over months, triggered tasks and strategy discussions awaited; none added twice.

One module-scoped borough serves every test, rolled back when the module ends (as the cases demo tests do)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from lantern.access.models import SharingAgreement
from lantern.demo import generator
from lantern.demo.cases import children_in_database
from lantern.demo.screening import generate_screenings
from lantern.screening import selectors
from lantern.screening.models import Indicator, LevelDecision, Screening, ScreeningTask

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def borough(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    with django_db_blocker.unblock(), transaction.atomic():
        counts = generator.generate(scale=1, seed=5)
        yield counts
        transaction.set_rollback(True)


def test_screenings_at_every_level_with_indicators_from_every_agency(borough: dict[str, int]) -> None:
    levels = Counter(selectors.levels_on(on=timezone.localdate()).values())
    assert set(levels) == {"at_risk", "moderate", "significant", "serious"}, levels
    assert sum(levels.values()) >= 60
    agencies = set(Indicator.objects.values_list("agency__code", flat=True))
    assert agencies == {"csc", "police", "health", "school", "youth"}
    assert Indicator.objects.filter(category="sexual_health").exists()


def test_risk_histories_run_over_months_in_order(borough: dict[str, int]) -> None:
    now = timezone.now()
    longer = 0
    for screening in Screening.objects.filter(decisions__isnull=False).distinct():
        history = selectors.history(screening)
        moments = [d.decided_at for d in history]
        assert moments == sorted(moments)
        assert all(moment <= now for moment in moments)
        longer += (now - moments[0]).days > 90
    assert longer >= 20
    assert LevelDecision.objects.exclude(reason="").exists()  # a judgement moved a level, with its reason


def test_triggers_and_strategy_discussions_await_social_care(borough: dict[str, int]) -> None:
    triggers = set(ScreeningTask.objects.filter(rule="SCR-TRIGGERS").values_list("trigger", flat=True))
    assert {"sti_under_16", "gifts"} <= triggers
    strategy = ScreeningTask.objects.filter(rule="LOCAL-STRAT-3")
    assert strategy.exists()
    assert all(task.screening.decisions.exists() for task in strategy)


def test_agreements_share_screenings_where_they_share_cases(borough: dict[str, int]) -> None:
    for agreement in SharingAgreement.objects.all():
        assert ("case" in agreement.categories) == ("screening" in agreement.categories)


def test_a_second_run_adds_no_screenings(borough: dict[str, int]) -> None:
    before = LevelDecision.objects.count()
    assert generate_screenings(children_in_database(), seed=5) == 0
    assert LevelDecision.objects.count() == before


def test_no_task_is_done_before_it_was_opened(borough: dict[str, int]) -> None:
    done = ScreeningTask.objects.filter(done_at__isnull=False)
    assert done.exists()
    assert not [task.pk for task in done if task.done_at < task.opened_at]
