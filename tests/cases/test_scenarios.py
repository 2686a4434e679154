"""The failures the serious case reviews found, reproduced: each must now be refused, flagged or shown late."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.cases import selectors, services
from lantern.cases.escalation import escalate_overdue
from lantern.cases.models import Case, Notification, Reassurance, Referral
from lantern.people.models import Allocation, Person
from tests.cases.conftest import FULL_TABLE, ago, refer, to_s47


def test_a_sexual_health_referral_about_a_gang_cannot_be_closed_silently(org: dict[str, User], child: Person) -> None:
    referral = refer(org["sw1"], child, cse_indicators=[], concerns="Girls brought to clinic by a group of men.")
    assert referral.is_cse_or_exploitation  # from health, naming adults exploiting children
    with pytest.raises(ValidationError) as refused:
        services.referral_decide(actor=org["sw1"], referral=referral, decision="nfa", reasons="Family reassured us")
    assert "only a team manager" in str(refused.value)
    with pytest.raises(ValidationError) as no_reason:
        services.referral_decide(actor=org["tm1"], referral=referral, decision="nfa", reasons="Family reassured us")
    assert "manager_reason" in no_reason.value.message_dict
    referral.refresh_from_db()
    assert referral.decision == ""
    assert Case.objects.get(pk=referral.case_id).is_open
    assert selectors.cse_nfa_decisions()["cse_referrals_closed_nfa"] == 0

    services.referral_decide(
        actor=org["tm1"], referral=referral, decision="nfa", reasons="Family reassured us",
        manager_reason="Police confirm the men were relatives; clinic to re-refer on any new sighting",
    )  # fmt: skip
    referral.refresh_from_db()
    assert referral.manager_decision_by == org["tm1"]
    assert not Case.objects.get(pk=referral.case_id).is_open
    assert selectors.cse_nfa_decisions()["cse_referrals_closed_nfa"] == 1
    denied = AuditEvent.objects.filter(action="denied").count()
    assert denied == 0  # refusals of a rule are not access refusals: sw1 and tm1 may work the case


def test_an_assessment_completed_by_an_unqualified_worker_is_refused(org: dict[str, User], child: Person) -> None:
    referral = refer(org["sw1"], child)
    services.referral_decide(actor=org["sw1"], referral=referral, decision="assessment", reasons="Needs assessment")
    assessment = referral.case.assessments.get()
    Allocation.objects.create(person=child, user=org["sw3"])
    services.assessment_contribute(actor=org["sw3"], assessment=assessment, text="Visited school; attendance 61%.")
    with pytest.raises(ValidationError) as refused:
        services.assessment_complete(
            actor=org["sw3"], assessment=assessment, summary="No concerns", child_views="“I'm fine.”"
        )
    assert "WT-LEAD-PRACT" in str(refused.value)
    assessment.refresh_from_db()
    assert assessment.status == "in_progress"
    assert assessment.completed_by is None

    services.assessment_complete(
        actor=org["sw1"], assessment=assessment, summary="Risk of CSE", child_views="“Scared.”"
    )
    with pytest.raises(ValidationError, match="Another registered social worker"):
        services.assessment_authorise(actor=org["sw1"], assessment=assessment)
    with pytest.raises(ValidationError, match="WT-LEAD-PRACT"):
        services.assessment_authorise(actor=org["sw3"], assessment=assessment)
    services.assessment_authorise(actor=org["tm1"], assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == "authorised"
    assert assessment.authoriser_registration == org["tm1"].swe_registration


def test_an_expired_registration_cannot_complete_or_lead(org: dict[str, User], child: Person) -> None:
    sw2 = org["sw2"]
    sw2.swe_registration_expires = timezone.localdate() - dt.timedelta(days=1)
    sw2.save()
    referral = refer(org["sw1"], child)
    services.referral_decide(actor=org["sw1"], referral=referral, decision="strategy", reasons="CSE")
    discussion = referral.case.strategy_discussions.get()
    with pytest.raises(ValidationError, match="expired"):
        services.strategy_record(
            actor=org["sw1"], discussion=discussion, held_at=ago(minutes=5),
            attendees=FULL_TABLE,
            outcome="s47", outcome_reasons="Harm", lead_practitioner=sw2,
        )  # fmt: skip


def test_a_third_reassurance_after_two_broken_is_flagged_to_the_manager(
    org: dict[str, User], child: Person, django_capture_on_commit_callbacks: Any
) -> None:
    case = refer(org["sw1"], child).case
    for n in (1, 2):
        promise = services.reassurance_record(
            actor=org["sw1"], case=case, given_by="Mother", given_on=timezone.localdate() - dt.timedelta(days=30 - n),
            promise="She will be home by 9pm and not see the men again",
        )  # fmt: skip
        assert promise.flagged is (n == 2)  # the second is given after the first broke
        services.reassurance_outcome(
            actor=org["sw1"], reassurance=promise, status="broken", outcome_on=timezone.localdate(),
            note="Found at the takeaway at 1am",
        )  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        third = services.reassurance_record(
            actor=org["sw1"], case=case, given_by="Mother", given_on=timezone.localdate(), promise="Same again"
        )
    assert third.flagged
    assert [m.to for m in mail.outbox] == [[org["tm1"].email]]
    note = Notification.objects.get(rule="LANTERN-REASSURE", item_key=f"reassurance:{third.pk}")
    assert note.user == org["tm1"]
    history = selectors.reassurance_history(case)
    assert [r.status for r in history] == ["broken", "broken", "open"]
    items = {i.rule: i for i in selectors.deadlines_for(case)}
    assert items["LANTERN-REASSURE"].due_on == timezone.localdate()
    services.reassurance_acknowledge(actor=org["tm1"], reassurance=third, note="Not accepted: strategy discussion")
    assert f"reassurance:{third.pk}" not in {i.key for i in selectors.deadlines_for(case)}
    assert Reassurance.objects.filter(case=case).count() == 3


def test_three_missing_episodes_without_return_interviews_show_overdue(org: dict[str, User], child: Person) -> None:
    case = refer(org["sw1"], child).case
    for days in (80, 40, 10):
        services.missing_record(
            actor=org["sw1"], case=case, missing_from=ago(days=days, hours=20), returned_at=ago(days=days),
            circumstances="Missing overnight; returned by a man in a car",
        )  # fmt: skip
    assert selectors.missing_in(case) == 3
    rhis = [i for i in selectors.deadlines_for(case) if i.rule == "MISS-RHI-72H"]
    assert len(rhis) == 3
    assert all(i.overdue() for i in rhis)
    episode = case.missing_episodes.order_by("-missing_from").first()
    assert episode is not None
    assert episode.returned_at is not None
    assert rhis[-1].due_at == episode.returned_at + dt.timedelta(hours=72)
    services.rhi_record(
        actor=org["sw1"],
        episode=episode,
        held_at=ago(days=9),
        by="Independent worker, Youth Service",
        summary="Taken to a flat above the takeaway",
        child_words="“He said I owed him.”",
    )
    assert len([i for i in selectors.deadlines_for(case) if i.rule == "MISS-RHI-72H"]) == 2


def test_a_referral_taken_to_an_icpc_shows_every_deadline_with_its_rule(org: dict[str, User], child: Person) -> None:
    case = to_s47(org, child)
    rules = {i.rule for i in selectors.deadlines_for(case)}
    assert {"LOCAL-S47-15", "WT-ICPC-15", "WT-ASSESS-45", "LOCAL-OVERSIGHT-20", "LOCAL-DRIFT-10"} <= rules
    assert Person.objects.get(pk=child.pk).statutory_enquiry_open
    enquiry = case.enquiries.get()
    services.s47_complete(
        actor=org["sw1"], enquiry=enquiry, outcome="icpc", reasons="Substantiated", outcome_at=ago(days=1)
    )
    services.conference_record(
        actor=org["sw1"], case=case, kind="initial", held_on=timezone.localdate(), chair="Independent chair",
        decision="plan", reasons="Continuing risk of sexual exploitation", participation="views_another_way",
        participation_note="Wrote to the chair with her advocate", child_views="“I want to feel safe at home.”",
        plan_category="sexual_abuse",
    )  # fmt: skip
    case.refresh_from_db()
    assert case.stage == "cp_plan"
    rules = {i.rule for i in selectors.deadlines_for(case)}
    assert {"WT-RCPC-3M", "WT-CORE-10", "LOCAL-CPVISIT-10"} <= rules
    with pytest.raises(ValidationError, match="End the child protection plan"):
        services.case_close(actor=org["tm1"], case=case, reason="Family moved away")
    moves = list(case.stage_changes.values_list("to_stage", flat=True))
    assert moves == ["strategy", "s47", "conference", "cp_plan"]
    audited = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk), purpose="move case stage")
    assert audited.count() == 4


def test_no_s47_for_a_child_at_risk_of_cse_needs_a_managers_reason(org: dict[str, User], child: Person) -> None:
    referral = refer(org["sw1"], child)
    services.referral_decide(
        actor=org["sw1"], referral=referral, decision="strategy", reasons="CSE", decided_at=ago(hours=1)
    )
    discussion = referral.case.strategy_discussions.get()
    with pytest.raises(ValidationError, match="only a team manager"):
        services.strategy_record(
            actor=org["sw1"],
            discussion=discussion,
            held_at=ago(minutes=5),
            attendees=FULL_TABLE,
            outcome="no_s47",
            outcome_reasons="Parents protective",
        )
    with pytest.raises(ValidationError) as missing:
        services.strategy_record(
            actor=org["tm1"],
            discussion=discussion,
            held_at=ago(minutes=5),
            attendees=FULL_TABLE,
            outcome="no_s47",
            outcome_reasons="Parents protective",
        )
    assert "manager_reason" in missing.value.message_dict
    services.strategy_record(
        actor=org["tm1"],
        discussion=discussion,
        held_at=ago(minutes=5),
        attendees=FULL_TABLE,
        outcome="no_s47",
        outcome_reasons="Parents protective",
        manager_reason="Single assessment to continue with police disruption",
    )
    assert selectors.cse_nfa_decisions()["cse_strategy_no_s47"] == 1


def test_an_open_case_without_activity_raises_a_drift_alert_to_the_manager(
    org: dict[str, User], child: Person, django_capture_on_commit_callbacks: Any
) -> None:
    case = refer(org["sw1"], child, cse_indicators=[], names_exploiting_adults=False, source_kind="education").case
    Case.objects.filter(pk=case.pk).update(last_activity_at=ago(days=30), opened_at=ago(days=30))
    Referral.objects.filter(case=case).update(received_at=ago(days=30))
    case.refresh_from_db()
    drift = [i for i in selectors.deadlines_for(case) if i.rule == "LOCAL-DRIFT-10"]
    assert len(drift) == 1
    assert drift[0].overdue()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = escalate_overdue()
        again = escalate_overdue()
    assert first >= 2
    assert again == 0
    rules = set(Notification.objects.filter(user=org["tm1"], case=case).values_list("rule", flat=True))
    assert {"LOCAL-DRIFT-10", "WT-REF-DECIDE-1"} <= rules
    assert len(mail.outbox) == first
    assert all(child.family_name not in m.body for m in mail.outbox)  # no child's name leaves Lantern by email
