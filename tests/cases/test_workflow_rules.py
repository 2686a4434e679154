"""Workflow rules enforced in services: allowed moves only, steps in order, dates that make sense, reasons where
the rulebook wants them, and nothing saved in part when anything is refused."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.cases import services, workflow
from lantern.cases.enums import Stage
from lantern.cases.models import Case, StageChange, StrategyAttendee
from lantern.cases.services import Attendee
from lantern.people.models import Allocation, Person
from tests.cases.conftest import FULL_TABLE, ago, refer, to_s47

PAIRS = list(itertools.product(Stage, Stage))


@pytest.mark.parametrize(("from_stage", "to_stage"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_a_case_moves_only_along_the_declared_transitions(
    org: dict[str, User], child: Person, from_stage: Stage, to_stage: Stage
) -> None:
    case = refer(org["sw1"], child).case
    Case.objects.filter(pk=case.pk).update(stage=from_stage)
    case.refresh_from_db()
    before = StageChange.objects.count()
    if to_stage in workflow.TRANSITIONS[from_stage]:
        services.move(case, to_stage, actor=org["sw1"], reason="test")
        assert Case.objects.get(pk=case.pk).stage == to_stage
        assert StageChange.objects.count() == before + 1
    else:
        with pytest.raises(ValidationError, match="cannot move"):
            services.move(case, to_stage, actor=org["sw1"], reason="test")
        assert Case.objects.get(pk=case.pk).stage == from_stage
        assert StageChange.objects.count() == before


def test_every_stage_can_be_reached_and_every_open_stage_can_be_left() -> None:
    reached = {to for targets in workflow.TRANSITIONS.values() for to in targets} | {Stage.REFERRAL}
    assert reached == set(Stage)
    assert all(workflow.TRANSITIONS[s] for s in Stage if s != Stage.CLOSED)


def unchanged(fn: Callable[[], Any], *, field: str) -> None:
    """Refused with a message on `field`, and neither a row nor an audit row written."""
    audit_before = AuditEvent.objects.count()
    changes_before = StageChange.objects.count()
    with pytest.raises(ValidationError) as refused:
        fn()
    assert field in refused.value.message_dict, refused.value.message_dict
    assert AuditEvent.objects.count() == audit_before
    assert StageChange.objects.count() == changes_before


def test_bad_referral_input_is_refused_field_by_field(org: dict[str, User], child: Person) -> None:
    unchanged(lambda: refer(org["sw1"], child, received_at=timezone.now() + dt.timedelta(hours=2)), field="received_at")
    unchanged(lambda: refer(org["sw1"], child, concerns="  "), field="concerns")
    unchanged(lambda: refer(org["sw1"], child, source_kind="aliens"), field="source_kind")
    unchanged(lambda: refer(org["sw1"], child, cse_indicators=["made_up"]), field="cse_indicators")
    assert not Case.objects.filter(child=child).exists()


def test_a_decision_cannot_predate_its_referral_or_lack_reasons(org: dict[str, User], child: Person) -> None:
    referral = refer(org["sw1"], child, received_at=ago(hours=3), cse_indicators=[], names_exploiting_adults=False)
    unchanged(
        lambda: services.referral_decide(
            actor=org["sw1"], referral=referral, decision="assessment", reasons="x", decided_at=ago(hours=5)
        ),
        field="decided_at",
    )
    unchanged(
        lambda: services.referral_decide(actor=org["sw1"], referral=referral, decision="nfa", reasons=""),
        field="reasons",
    )
    Allocation.objects.create(person=child, user=org["sw3"])
    unchanged(
        lambda: services.referral_decide(actor=org["sw3"], referral=referral, decision="assessment", reasons="x"),
        field="decision",
    )  # an unqualified worker does not decide on a referral
    services.referral_decide(actor=org["sw1"], referral=referral, decision="nfa", reasons="Universal services only")
    assert not Case.objects.get(pk=referral.case_id).is_open  # no CSE, so a social worker may close it


def test_a_strategy_discussion_without_police_or_health_saves_nothing(org: dict[str, User], child: Person) -> None:
    referral = refer(org["sw1"], child, received_at=ago(hours=3))
    services.referral_decide(actor=org["sw1"], referral=referral, decision="strategy", reasons="CSE",
                             decided_at=ago(hours=2))  # fmt: skip
    discussion = referral.case.strategy_discussions.get()
    social_care_only = [Attendee("social_care", "A Worker")]
    unchanged(
        lambda: services.strategy_record(actor=org["sw1"], discussion=discussion, held_at=ago(hours=1),
                                         attendees=social_care_only, outcome="s47", outcome_reasons="Harm"),
        field="attendees",
    )  # fmt: skip
    unchanged(
        lambda: services.strategy_record(actor=org["sw1"], discussion=discussion, held_at=ago(hours=4),
                                         attendees=FULL_TABLE, outcome="s47", outcome_reasons="Harm"),
        field="held_at",
    )  # fmt: skip
    unchanged(
        lambda: services.strategy_record(
            actor=org["sw1"],
            discussion=discussion,
            held_at=ago(hours=1),
            attendees=FULL_TABLE,
            outcome="s47",
            outcome_reasons="Harm",
            lead_practitioner=org["sw3"],
        ),
        field="lead_practitioner",
    )  # fmt: skip  WT-LEAD-PRACT: an unqualified worker never leads a s47 enquiry
    discussion.refresh_from_db()
    assert discussion.held_at is None
    assert not StrategyAttendee.objects.filter(discussion=discussion).exists()


def test_steps_out_of_order_are_refused(org: dict[str, User], child: Person) -> None:
    case = refer(org["sw1"], child).case
    unchanged(
        lambda: services.conference_record(
            actor=org["sw1"],
            case=case,
            kind="initial",
            held_on=timezone.localdate(),
            chair="Chair",
            decision="plan",
            reasons="r",
            participation="did_not",
            participation_note="Too unwell",
            plan_category="sexual_abuse",
        ),
        field="kind",
    )  # fmt: skip  an ICPC before any s47 enquiry
    unchanged(
        lambda: services.case_close(actor=org["tm1"], case=case, reason="Done"),
        field="reason",
    )  # a referral is closed by its decision, not around it


def test_a_conference_records_the_young_persons_part(org: dict[str, User], child: Person) -> None:
    case = to_s47(org, child)
    enquiry = case.enquiries.get()
    services.s47_complete(actor=org["sw1"], enquiry=enquiry, outcome="icpc", reasons="Substantiated",
                          outcome_at=ago(hours=20))  # fmt: skip
    common: dict[str, Any] = {
        "actor": org["sw1"], "case": case, "kind": "initial", "held_on": timezone.localdate(), "chair": "Chair",
        "decision": "plan", "reasons": "Risk", "plan_category": "sexual_abuse",
    }  # fmt: skip
    unchanged(lambda: services.conference_record(**common, participation="did_not"), field="participation_note")
    unchanged(
        lambda: services.conference_record(**common, participation="attended", child_views=""), field="child_views"
    )
    unchanged(
        lambda: services.conference_record(
            **{**common, "held_on": timezone.localdate() - dt.timedelta(days=10)},
            participation="attended",
            child_views="“Help.”",
        ),
        field="held_on",
    )  # fmt: skip  before the strategy discussion that started the enquiry
    conference = services.conference_record(**common, participation="attended", child_views="“I want it to stop.”")
    assert conference.plan is not None
    assert conference.plan.visit_interval_working_days == 10  # LOCAL-CPVISIT-10 by default


def test_visits_record_whether_the_child_was_seen_and_alone(org: dict[str, User], child: Person) -> None:
    case = refer(org["sw1"], child, received_at=ago(days=2)).case
    unchanged(lambda: services.visit_record(actor=org["sw1"], case=case, visited_at=ago(hours=1), child_seen=False,
                                            seen_alone=False), field="not_seen_reason")  # fmt: skip
    unchanged(lambda: services.visit_record(actor=org["sw1"], case=case, visited_at=ago(hours=1), child_seen=True,
                                            seen_alone=True, child_words=""), field="child_words")  # fmt: skip
    unchanged(lambda: services.visit_record(actor=org["sw1"], case=case, visited_at=ago(hours=1), child_seen=False,
                                            seen_alone=True, not_seen_reason="Out"), field="seen_alone")  # fmt: skip
    visit = services.visit_record(actor=org["sw1"], case=case, visited_at=ago(hours=1), child_seen=True,
                                  seen_alone=True, child_words="“I don't want to go back there.”")  # fmt: skip
    assert visit.seen_alone


def test_only_a_manager_allocates_and_a_plan_lead_is_registered(org: dict[str, User], child: Person) -> None:
    case = to_s47(org, child)
    unchanged(lambda: services.allocate(actor=org["sw1"], case=case, practitioner=org["sw2"]), field="practitioner")
    unchanged(lambda: services.allocate(actor=org["tm1"], case=case, practitioner=org["sw3"]), field="practitioner")
    services.allocate(actor=org["tm1"], case=case, practitioner=org["sw2"])
    assert Case.objects.get(pk=case.pk).lead_practitioner == org["sw2"]
    assert case.enquiries.get().lead_practitioner == org["sw2"]


def test_a_return_interview_follows_the_return(org: dict[str, User], child: Person) -> None:
    case = refer(org["sw1"], child, received_at=ago(days=3)).case
    episode = services.missing_record(actor=org["sw1"], case=case, missing_from=ago(days=2))
    unchanged(lambda: services.rhi_record(actor=org["sw1"], episode=episode, held_at=ago(hours=1), by="Worker",
                                          summary="x"), field="held_at")  # fmt: skip
    unchanged(lambda: services.missing_returned(actor=org["sw1"], episode=episode, returned_at=ago(days=3)),
              field="returned_at")  # fmt: skip
    services.missing_returned(actor=org["sw1"], episode=episode, returned_at=ago(days=1))
    services.rhi_record(actor=org["sw1"], episode=episode, held_at=ago(hours=2), by="Independent worker",
                        declined_reason="Did not want to talk to anyone from the council")  # fmt: skip
    episode.refresh_from_db()
    assert episode.rhi_declined_reason


def test_a_late_assessment_says_why(org: dict[str, User], child: Person) -> None:
    referral = refer(org["sw1"], child, received_at=ago(days=80), cse_indicators=[], names_exploiting_adults=False)
    services.referral_decide(actor=org["sw1"], referral=referral, decision="assessment", reasons="Assess",
                             decided_at=ago(days=79))  # fmt: skip
    assessment = referral.case.assessments.get()
    unchanged(lambda: services.assessment_complete(actor=org["sw1"], assessment=assessment, summary="Done",
                                                   child_views="“Okay.”"), field="overdue_reason")  # fmt: skip
    in_time = ago(days=30)  # completed within its 45 working days, and recorded in Lantern later
    unchanged(
        lambda: services.assessment_complete(
            actor=org["sw1"], assessment=assessment, summary="Done", child_views="“Okay.”", completed_at=ago(days=81)
        ),
        field="completed_at",
    )  # fmt: skip  before the referral
    services.assessment_complete(actor=org["sw1"], assessment=assessment, summary="Done", child_views="“Okay.”",
                                 completed_at=in_time)  # fmt: skip
    assessment.refresh_from_db()
    assert (assessment.completed_at, assessment.overdue_reason) == (in_time, "")


def test_management_oversight_and_closure_are_a_managers(org: dict[str, User], child: Person) -> None:
    referral = refer(org["sw1"], child, cse_indicators=[], names_exploiting_adults=False)
    services.referral_decide(actor=org["sw1"], referral=referral, decision="early_help", reasons="Family support")
    case = referral.case
    unchanged(lambda: services.oversight_record(actor=org["sw1"], case=case, note="Fine"), field="note")
    unchanged(lambda: services.case_close(actor=org["sw1"], case=case, reason="Done"), field="reason")
    services.oversight_record(actor=org["tm1"], case=case, note="Checked plan; early help to review in 6 weeks")
    services.case_close(actor=org["tm1"], case=case, reason="Early help complete")
    assert not Case.objects.get(pk=case.pk).is_open
    unchanged(lambda: services.visit_record(actor=org["sw1"], case=case, visited_at=ago(hours=1), child_seen=True,
                                            seen_alone=False, child_words="“Hi.”"), field="case")  # fmt: skip
