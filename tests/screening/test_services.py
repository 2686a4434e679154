"""The screening services: indicators raised by every agency, the level computed and decided (SCR-LEVELS), the
strategy discussion significant and serious need (LOCAL-STRAT-3), and what each write leaves in the audit log."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.access.policy import AccessDenied, NotVisible
from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.calendar.deadlines import due
from lantern.cases.models import Case, Notification, StrategyDiscussion
from lantern.people.models import Person
from lantern.screening import selectors, services
from lantern.screening.models import Indicator, LevelDecision, Screening, ScreeningTask
from tests.cases.conftest import refer
from tests.screening.conftest import days_ago, raise_


def test_the_first_indicator_opens_a_screening_held_by_social_care(org: dict[str, User], child: Person) -> None:
    before = AuditEvent.objects.count()
    indicator = raise_(org["dsl1"], child, "school")
    screening = Screening.objects.get(child=child)
    assert screening.agency.code == "csc"
    assert (indicator.agency.code, indicator.category, indicator.raised_by) == ("school", "screening", org["dsl1"])
    row = AuditEvent.objects.get(seq__gt=before)  # one row for the indicator and the screening it opened
    assert (row.action, row.object_type, row.actor_username) == ("create", "screening_indicator", "dsl1")


def test_the_level_counts_every_indicator_from_every_agency(org: dict[str, User], child: Person) -> None:
    raise_(org["cse1"], child, "cars")  # S 5
    raise_(org["dsl1"], child, "school")  # M 2
    raise_(org["youth1"], child, "overnight")  # M 2
    raise_(org["nurse1"], child, "clinic")  # M 2, sexual-health detail
    assessment = selectors.assess(Screening.objects.get(child=child))
    assert (assessment.score, assessment.level) == (11, "significant")
    assert "information health holds" in assessment.reasoning()
    assert "clinic" not in assessment.reasoning()


def test_sexual_health_indicators_stay_with_health(org: dict[str, User], child: Person) -> None:
    raise_(org["cse1"], child, "cars")
    raise_(org["nurse1"], child, "clinic")
    screening = Screening.objects.get(child=child)
    assert Indicator.objects.get(kind="clinic").category == "sexual_health"
    assessment = selectors.assess(screening)
    social_worker = selectors.visible_indicators(org["sw1"], screening, assessment)
    assert [line.indicator.kind for line in social_worker.lines] == ["cars"]
    assert (social_worker.withheld, social_worker.withheld_agencies) == (1, ["Kestrelmoor Sexual Health Service"])
    assert not social_worker.shows_score
    nurse = selectors.visible_indicators(org["nurse1"], screening, assessment)
    assert nurse.withheld == 0
    # Once the child is subject to a CSE strategy discussion, social care sees the detail (statutory trigger).
    Person.objects.filter(pk=child.pk).update(statutory_enquiry_open=True)
    assert selectors.visible_indicators(org["sw1"], screening, assessment).withheld == 0


def test_a_clinic_indicator_from_school_is_screening_detail(org: dict[str, User], child: Person) -> None:
    indicator = raise_(org["dsl1"], child, "clinic")
    assert indicator.category == "screening"


def test_an_under_16_indicator_is_refused_for_a_child_aged_16(org: dict[str, User], child: Person) -> None:
    Person.objects.filter(pk=child.pk).update(date_of_birth=timezone.localdate().replace(year=2000))
    child.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        raise_(org["nurse1"], child, "sti_pregnancy")
    assert "under 16" in refused.value.message_dict["kind"][0]
    assert not Indicator.objects.exists()


def test_an_indicator_needs_a_date_in_the_past_and_detail(org: dict[str, User], child: Person) -> None:
    with pytest.raises(ValidationError) as refused:
        raise_(org["sw1"], child, "school", days=-1, detail=" ")
    assert set(refused.value.message_dict) == {"observed_on", "detail"}
    assert not Screening.objects.exists()


def test_a_practitioner_who_cannot_see_the_child_cannot_raise_an_indicator(org: dict[str, User]) -> None:
    from lantern.accounts.models import Agency

    private = Agency.objects.create(code="elsewhere", name="Elsewhere", kind="social_care")
    from tests.factories import PersonFactory

    stranger = PersonFactory(owning_agency=private)
    with pytest.raises(NotVisible):
        raise_(org["dsl1"], stranger, "school")


def test_only_social_care_decides_the_level(org: dict[str, User], child: Person) -> None:
    raise_(org["cse1"], child, "cars")
    screening = Screening.objects.get(child=child)
    with pytest.raises(AccessDenied):
        services.level_decide(actor=org["cse1"], screening=screening)
    decision = services.level_decide(actor=org["sw1"], screening=screening)
    assert (decision.score, decision.computed_level, decision.level, decision.reason) == (5, "at_risk", "at_risk", "")


def test_SCR_LEVELS_a_social_worker_moves_the_level_one_step_with_a_reason(org: dict[str, User], child: Person) -> None:
    raise_(org["cse1"], child, "cars")
    screening = Screening.objects.get(child=child)
    with pytest.raises(ValidationError) as refused:
        services.level_decide(actor=org["sw1"], screening=screening, level="moderate")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.level_decide(actor=org["sw1"], screening=screening, level="significant", reason="Two steps")
    decision = services.level_decide(
        actor=org["sw1"], screening=screening, level="moderate", reason="She is evasive about the driver."
    )
    assert decision.level == "moderate"
    assert LevelDecision.objects.count() == 1


def test_SCR_LEVELS_only_a_team_manager_moves_down_from_significant(org: dict[str, User], child: Person) -> None:
    for kind in ("cars", "online", "older_boyfriend"):  # 15: significant
        raise_(org["cse1"], child, kind)
    screening = Screening.objects.get(child=child)
    with pytest.raises(ValidationError) as refused:
        services.level_decide(actor=org["sw1"], screening=screening, level="moderate", reason="Moved out of area")
    assert "team manager" in refused.value.message_dict["level"][0]
    decision = services.level_decide(actor=org["tm1"], screening=screening, level="moderate",
                                     reason="Moved out of area; the new borough's team holds the risk")  # fmt: skip
    assert decision.manager_agreed_by == org["tm1"]
    assert not ScreeningTask.objects.filter(rule="LOCAL-STRAT-3").exists()  # moderate needs no strategy discussion


def test_significant_with_no_case_tells_social_care_managers_and_shows_the_due_date(
    org: dict[str, User], child: Person
) -> None:
    for kind in ("cars", "online", "older_boyfriend"):
        raise_(org["cse1"], child, kind)
    screening = Screening.objects.get(child=child)
    decision = services.level_decide(actor=org["sw1"], screening=screening)
    assert decision.level == "significant"
    task = selectors.open_strategy_task(screening)
    assert task is not None
    assert task.due_at == due("LOCAL-STRAT-3", decision.decided_at).due_at()
    assert task.case is None
    notes = Notification.objects.filter(rule="LOCAL-STRAT-3")
    assert [n.user.username for n in notes] == ["tm1"]
    # A second decision at the same level opens nothing more while the discussion is awaited.
    services.level_decide(actor=org["sw2"], screening=screening)
    assert ScreeningTask.objects.filter(rule="LOCAL-STRAT-3").count() == 1


def test_serious_on_an_open_case_asks_for_the_strategy_discussion_on_the_case(
    org: dict[str, User], child: Person
) -> None:
    from lantern.cases import services as cases

    referral = refer(org["sw1"], child)
    cases.referral_decide(actor=org["sw1"], referral=referral, decision="assessment", reasons="Assess",
                          lead_practitioner=org["sw1"])  # fmt: skip
    for kind in ("cars", "online", "older_boyfriend", "adults_of_concern"):  # 20: serious
        raise_(org["cse1"], child, kind)
    screening = Screening.objects.get(child=child)
    decision = services.level_decide(actor=org["sw1"], screening=screening, immediate_risk=True)
    assert decision.level == "serious"
    case = Case.objects.get(child=child)
    assert case.stage == "strategy"
    discussion = StrategyDiscussion.objects.get(case=case, held_at__isnull=True)
    assert discussion.immediate_risk
    assert discussion.cse_risk
    task = ScreeningTask.objects.get(rule="LOCAL-STRAT-3")
    assert task.strategy_discussion == discussion
    assert timezone.localtime(task.due_at).date() == timezone.localdate()  # immediate risk: today
    assert selectors.open_strategy_task(screening) == task
    StrategyDiscussion.objects.filter(pk=discussion.pk).update(held_at=timezone.now())
    assert selectors.open_strategy_task(screening) is None  # held on the case: the screening's task is done


def test_SCR_INDICATORS_a_disclosure_goes_straight_to_a_strategy_discussion(
    org: dict[str, User], child: Person
) -> None:
    raise_(org["youth1"], child, "disclosure", detail="Synthetic: she told the youth worker about a man of 30.")
    screening = Screening.objects.get(child=child)
    assert selectors.assess(screening).level == "at_risk"  # 5: the level alone would not need one
    task = ScreeningTask.objects.get(screening=screening, rule="LOCAL-STRAT-3")
    assert task.trigger == "strategy_disclosure"
    assert Notification.objects.filter(rule="LOCAL-STRAT-3", user=org["tm1"]).exists()


def test_SCR_RECENCY_older_indicators_weigh_less_and_stay_in_the_history(org: dict[str, User], child: Person) -> None:
    raise_(org["cse1"], child, "cars", days=10)  # 5
    raise_(org["cse1"], child, "online", days=270)  # about 9 months: 1
    raise_(org["cse1"], child, "older_boyfriend", days=400)  # over 12 months: 0
    raise_(org["dsl1"], child, "school", days=400, current=True)  # current: 2
    assessment = selectors.assess(Screening.objects.get(child=child))
    weights = {line.indicator.kind: line.counted.weight for line in assessment.lines}
    assert weights == {"cars": 5, "online": 1, "older_boyfriend": 0, "school": 2}
    assert assessment.score == 8
    assert "1 older indicator no longer counts" in assessment.reasoning()


def test_going_missing_counts_the_case_s_episodes(org: dict[str, User], child: Person) -> None:
    from lantern.cases import services as cases

    case = refer(org["sw1"], child).case
    for days in (60, 30):
        cases.missing_record(actor=org["sw1"], case=case,
                             missing_from=timezone.now() - timezone.timedelta(days=days))  # fmt: skip
    indicator = raise_(org["cse1"], child, "missing", days=1)
    line = selectors.assess(indicator.screening).lines[0]
    assert (line.episodes, line.counted.weight) == (2, 2)
    indicator.missing_episodes = 3  # what police know of: three in 90 days
    indicator.save()
    line = selectors.assess(indicator.screening).lines[0]
    assert (line.episodes, line.counted.weight) == (3, 5)


def test_deciding_the_level_completes_the_screening_tasks(org: dict[str, User], child: Person) -> None:
    raise_(org["nurse1"], child, "sti_pregnancy")
    screening = Screening.objects.get(child=child)
    task = ScreeningTask.objects.get(screening=screening, trigger="sti_under_16")
    assert [v.task for v in selectors.open_tasks(actor=org["sw1"])] == [task]
    assert selectors.open_tasks(actor=org["cse1"]) == []
    services.level_decide(actor=org["sw1"], screening=screening)
    task.refresh_from_db()
    assert task.done_by == org["sw1"]
    assert task.done_note == "Screened: level decided at risk"
    assert selectors.open_tasks(actor=org["sw1"]) == []


def test_a_task_is_recorded_done_once_with_a_note(org: dict[str, User], child: Person) -> None:
    raise_(org["youth1"], child, "disclosure")
    task = ScreeningTask.objects.get(rule="LOCAL-STRAT-3")
    with pytest.raises(ValidationError):
        services.task_complete(actor=org["sw1"], task=task, note="")
    services.task_complete(actor=org["sw1"], task=task, note="Referral recorded; discussion arranged for Friday")
    with pytest.raises(ValidationError):
        services.task_complete(actor=org["sw1"], task=task, note="Again")
    assert days_ago(0) == timezone.localtime(task.done_at).date()
