"""Synthetic people and records for the browser tests, made through the services as demo users would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from lantern.access.models import BreakGlass
from lantern.access.services import break_glass_open
from lantern.accounts.models import User
from lantern.people.models import Person, SourceRecord
from lantern.people.selectors import person_get, record_get
from lantern.people.services import person_create, record_create

FAMILY_NAME = "Testperson"
SHARED_TITLE = "Synthetic referral for browser tests"
CLOSED_TITLE = "Synthetic closed note for browser tests"
BREAK_GLASS_REASON = "Synthetic emergency: testing the break-glass review page."


@dataclass(frozen=True)
class Casework:
    alpha: Person  # a child recorded by sw1, with a shared (P) and a closed (C) record
    bravo: Person  # a second child with the same family name, so a search finds two people
    shared_record: SourceRecord
    closed_record: SourceRecord
    break_glass: BreakGlass  # sw2 opened the closed record in an emergency; tm1 has to review it


def make_casework() -> Casework:
    """Needs the demo organisation (`ensure_organisation`) in place."""
    sw1 = User.objects.get(username="sw1")
    alpha = person_create(
        actor=sw1, kind="child", given_name="Alpha", family_name=FAMILY_NAME, date_of_birth=dt.date(2012, 3, 4)
    )
    bravo = person_create(
        actor=sw1, kind="child", given_name="Bravo", family_name=FAMILY_NAME, date_of_birth=dt.date(2013, 5, 6)
    )
    shared = record_create(
        actor=sw1,
        person=alpha,
        category="agency_record",
        title=SHARED_TITLE,
        summary="Invented for an automated test.\nNo real person.",
        handling_code="P",
    )
    closed = record_create(
        actor=sw1,
        person=alpha,
        category="agency_record",
        title=CLOSED_TITLE,
        summary="Invented for an automated test; kept within the agency.",
        handling_code="C",
    )
    # The police looking at sw1's child and shared record fill "Who looked at my records" and the audit log.
    cse1 = User.objects.get(username="cse1")
    person_get(actor=cse1, person_id=alpha.pk)
    record_get(actor=cse1, record_id=shared.pk)
    grant = break_glass_open(actor=User.objects.get(username="sw2"), target=closed, reason=BREAK_GLASS_REASON)
    return Casework(alpha=alpha, bravo=bravo, shared_record=shared, closed_record=closed, break_glass=grant)


CASE_CHILD_WORDS = "I don't want to go back to that flat."


def make_statutory_cases(casework: Casework) -> dict[str, int]:
    """Cases at each stage a casework page needs, made through the services by sw1 and tm1; their ids by name.

    Alpha's case is under a s47 enquiry, with a visit, a broken and a flagged reassurance and two missing
    episodes; other synthetic children (family name Casefile) wait at a referral decision, a strategy
    discussion, an assessment to authorise, an initial conference and a plan."""
    from django.utils import timezone

    from lantern.accounts.models import Agency
    from lantern.cases import services
    from lantern.cases.services import Attendee

    sw1 = User.objects.get(username="sw1")
    now = timezone.now()
    table = (Attendee("social_care", "Priya Okafor"), Attendee("police", "DC Morgan"), Attendee("health", "Nurse Obi"))

    def child(name: str) -> Person:
        return person_create(actor=sw1, kind="child", given_name=name, family_name="Casefile",
                             date_of_birth=dt.date(2011, 1, 2))  # fmt: skip

    def refer(person: Person, days: float) -> Any:
        return services.referral_record(
            actor=sw1, child=person, received_at=now - dt.timedelta(days=days), source_kind="health",
            source_agency=Agency.objects.get(code="health"), source_person="Nurse Obi, outreach clinic",
            concerns="Seen with older men in cars.", cse_indicators=["cars"],
        )  # fmt: skip

    def to_s47(person: Person) -> Any:
        referral = refer(person, 3)
        services.referral_decide(actor=sw1, referral=referral, decision="strategy", reasons="CSE risk",
                                 decided_at=now - dt.timedelta(days=3), lead_practitioner=sw1)  # fmt: skip
        services.strategy_record(actor=sw1, discussion=referral.case.strategy_discussions.get(),
                                 held_at=now - dt.timedelta(days=2), attendees=table, outcome="s47",
                                 outcome_reasons="Reasonable cause to suspect harm")  # fmt: skip
        return referral.case

    ids: dict[str, int] = {}
    case = to_s47(casework.alpha)
    ids["case"], ids["enquiry"] = case.pk, case.enquiries.get().pk
    ids["assessment"] = case.assessments.get().pk
    services.visit_record(actor=sw1, case=case, visited_at=now - dt.timedelta(days=1), child_seen=True,
                          seen_alone=True, child_words=CASE_CHILD_WORDS)  # fmt: skip
    broken = services.reassurance_record(actor=sw1, case=case, given_by="Mother", given_on=timezone.localdate(),
                                         promise="She will be home by 9pm.")  # fmt: skip
    services.reassurance_outcome(actor=sw1, reassurance=broken, status="broken", outcome_on=timezone.localdate(),
                                 note="Missing overnight.")  # fmt: skip
    flagged = services.reassurance_record(actor=sw1, case=case, given_by="Mother", given_on=timezone.localdate(),
                                          promise="She will not see him again.")  # fmt: skip
    ids["reassurance"] = flagged.pk
    returned = services.missing_record(actor=sw1, case=case, missing_from=now - dt.timedelta(hours=30),
                                       returned_at=now - dt.timedelta(hours=20))  # fmt: skip
    ids["returned_episode"] = returned.pk
    ids["missing_episode"] = services.missing_record(actor=sw1, case=case,
                                                     missing_from=now - dt.timedelta(hours=5)).pk  # fmt: skip

    referral = refer(child("Delta"), 1)
    ids["referral_case"], ids["referral"] = referral.case_id, referral.pk

    referral = refer(child("Echo"), 1)
    services.referral_decide(actor=sw1, referral=referral, decision="strategy", reasons="CSE risk")
    ids["strategy_case"], ids["discussion"] = referral.case_id, referral.case.strategy_discussions.get().pk

    referral = refer(child("Foxtrot"), 5)
    services.referral_decide(actor=sw1, referral=referral, decision="assessment", reasons="Needs assessment")
    assessment = referral.case.assessments.get()
    services.assessment_complete(actor=sw1, assessment=assessment, summary="Risk of CSE", child_views="Scared.")
    ids["assessment_case"], ids["completed_assessment"] = referral.case_id, assessment.pk

    case = to_s47(child("Golf"))
    services.s47_complete(actor=sw1, enquiry=case.enquiries.get(), outcome="icpc", reasons="Substantiated")
    ids["conference_case"] = case.pk

    case = to_s47(child("Hotel"))
    services.s47_complete(actor=sw1, enquiry=case.enquiries.get(), outcome="icpc", reasons="Substantiated")
    services.conference_record(actor=sw1, case=case, kind="initial", held_on=timezone.localdate(), chair="Chair",
                               decision="plan", reasons="Continuing risk", participation="attended",
                               child_views="I want it to stop.", plan_category="sexual_abuse")  # fmt: skip
    ids["plan_case"] = case.pk
    return ids
