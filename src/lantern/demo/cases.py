"""Kestrelmoor's statutory cases: about 60 children per unit of scale, worked by the CSE and Missing Team.

Every step goes through `lantern.cases.services`, as the person who would take it (sw1 and sw2 lead, sw3
contributes to assessments, tm1 decides what only a manager may), so the demo keeps every rule the web pages
and the API keep. The cases stand at every stage — referrals waiting for a decision, early help, assessments,
strategy discussions due, s47 enquiries, conferences due, child protection plans with reviews, core groups and
visits, and closed cases (one a CSE referral closed with no further action by tm1, with her reason) — some on
time, some late, some drifting, so a manager's list is true whenever the demo is run. One child is missing now, and
sw2 has broken the glass on a record another agency keeps to itself, for tm1 to review.

Dates count back from today (`timezone.localdate()` when the demo is generated), not from the generator's
fixed anchor: a deadline is late or on time relative to now. The seed decides which children, which worker
and the words used; the dates follow the day it is run.

The services stamp what they record with the wall clock: `recorded_at`, the case's `opened_at`,
`last_activity_at` and `closed_at`, an assessment's completion and authorisation, a manager's
acknowledgement. A demo replays months of work in a second, so after each step `_Writer.settle` moves those
stamps back to the moment the step happened (a direct UPDATE of those columns only, on rows the step has just
written). Without it every case would show activity today — no drift (LOCAL-DRIFT-10), no overdue oversight,
no late flagged reassurance (LANTERN-REASSURE) — and a visit could not be recorded before "now", when the case
was opened. The audit log is left alone: it says, truly, that the demo wrote these rows when it ran.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils import timezone
from faker import Faker

from lantern.access.models import BreakGlass
from lantern.access.services import break_glass_open
from lantern.accounts.models import Agency, User
from lantern.calendar.workdays import LONDON, is_working_day
from lantern.cases import services
from lantern.cases.enums import AssessmentStatus, ReassuranceStatus, Stage
from lantern.cases.models import (
    Assessment,
    Case,
    Conference,
    Contribution,
    CoreGroupMeeting,
    MissingEpisode,
    Notification,
    OversightEntry,
    ProtectionPlan,
    Reassurance,
    Referral,
    Section47Enquiry,
    StageChange,
    StrategyDiscussion,
    Visit,
)
from lantern.cases.services import Attendee
from lantern.people.enums import PersonKind, PersonStatus
from lantern.people.models import Allocation, Person, SourceRecord

CASE_AGES = (11, 16)  # the young people the CSE and Missing Team works with, by age on the day of the demo

# The wall-clock stamps a step writes (model, path to its case, column): each step settles only its own.
Stamp = tuple[type[Model], str, str]
REFERRAL: Stamp = (Referral, "case_id", "recorded_at")
STAGE: Stamp = (StageChange, "case_id", "recorded_at")
DISCUSSION: Stamp = (StrategyDiscussion, "case_id", "recorded_at")
MANAGER: Stamp = (StrategyDiscussion, "case_id", "manager_at")
ENQUIRY: Stamp = (Section47Enquiry, "case_id", "recorded_at")
ASSESSMENT: Stamp = (Assessment, "case_id", "recorded_at")
COMPLETED: Stamp = (Assessment, "case_id", "completed_at")
AUTHORISED: Stamp = (Assessment, "case_id", "authorised_at")
CONTRIBUTION: Stamp = (Contribution, "assessment__case_id", "recorded_at")
PLAN: Stamp = (ProtectionPlan, "case_id", "recorded_at")
CONFERENCE: Stamp = (Conference, "case_id", "recorded_at")
CORE_GROUP: Stamp = (CoreGroupMeeting, "plan__case_id", "recorded_at")
VISIT: Stamp = (Visit, "case_id", "recorded_at")
MISSING: Stamp = (MissingEpisode, "case_id", "recorded_at")
REASSURANCE: Stamp = (Reassurance, "case_id", "recorded_at")
ACKNOWLEDGED: Stamp = (Reassurance, "case_id", "acknowledged_at")
NOTIFIED: Stamp = (Notification, "case_id", "created_at")
OVERSIGHT: Stamp = (OversightEntry, "case_id", "recorded_at")
CLOSED: Stamp = (Case, "pk", "closed_at")


# --- Words ---------------------------------------------------------------------------------------------------

SEEN_WORDS = (
    "“I'm fine, honestly. I just want everyone to stop asking.”",
    "“He buys me stuff and drives me about. That's what boyfriends do.”",
    "“Mum shouts when I'm late but she doesn't get it.”",
    "“I don't go to the takeaway any more. Not since the police came.”",
    "“I liked the youth club thing. Can I go again on Thursday?”",
    "“School's alright now. I've got Miss Khan for English.”",
    "“I feel safer since my phone got changed.”",
    "“They keep messaging my mate asking where I am.”",
)
ALONE_WORDS = (
    "“I didn't want to say in front of Mum. He said I owe him for the phone.”",
    "“Sometimes they take me to a flat. I don't know whose it is.”",
    "“I'm scared if I stop going they'll come to the house.”",
    "“I want it to stop but I don't want anyone to get in trouble.”",
    "“Can you make sure my little sister doesn't get in the car?”",
    "“I told the nurse the truth. I'm glad I did.”",
)
NOT_SEEN = (
    "No answer at the door; mother later said she was at a friend's. Visit rearranged for the next day.",
    "Mother said she was asleep and would not wake her. Seen briefly at the window; not spoken to.",
    "Not at home or at school; reported missing to the police the same evening.",
)
CONFERENCE_VIEWS = (
    "“I want to feel safe at home and not have to move schools.”",
    "“I know people are worried. I'll try to stay away from there.”",
    "“I don't think I need a plan but I'll talk to Priya.”",
)
CONCERNS = {
    "health": (
        "Attended the sexual health clinic twice in a month with an older man who said he was her cousin; asked "
        "for emergency contraception and would not give an address.",
        "Brought to the clinic by a man in his twenties who waited outside in a car and paid for a taxi home.",
    ),
    "police": (
        "Found at 2am in a car with two adult men known to the CSE team; had alcohol and a new phone.",
        "Named in intelligence as one of several girls taken to a flat above a takeaway on the high street.",
    ),
    "education": (
        "Attendance has fallen to 58%; collected at the gates by different older males in cars.",
        "New clothes, phone and money she cannot explain; sudden change in friendship group and mood.",
    ),
    "youth": (
        "Seen at the bus station late at night with older men; told a youth worker she has a boyfriend of 23.",
        "Disclosed to a detached youth worker that she is being asked to carry packages for older boys.",
    ),
    "family": ("Mother reports she is staying out overnight and coming home with gifts and cigarettes.",),
}
SOURCE_AGENCY = {"health": "health", "police": "police", "education": "school", "youth": "youth"}
SOURCE_ROLE = {
    "health": "sexual health nurse, outreach clinic",
    "police": "CSE team detective constable",
    "education": "designated safeguarding lead",
    "youth": "detached youth worker",
    "family": "mother",
}
CSE_INDICATORS = (
    ("cars", "older_boyfriend"),
    ("missing", "overnight", "gifts"),
    ("adults_of_concern", "substances"),
    ("clinic", "older_boyfriend"),
    ("school", "gifts", "online"),
)
CHILD_WORDS_RHI = (
    "“I went to a party at a flat. I didn't know anyone. I just wanted to get out of the house.”",
    "“He picked me up from the park and we drove round. I fell asleep at his mate's.”",
    "“I'm not saying where I was. I came back, didn't I?”",
)
CONTRIBUTIONS = (
    "Visited school: attendance 61% this term; two fixed-term exclusions; DSL reports older males at the gates.",
    "Spoke with the sexual health nurse (with consent): three clinic attendances since the summer.",
    "Checked with the youth service: seen at the bus station after 10pm on four occasions this month.",
    "Called the GP surgery: no appointments attended since March; registered with a new phone number.",
)


def _pronouns(person: Person) -> dict[str, str]:
    if person.sex == "M":
        return {"they": "he", "them": "him", "their": "his"}
    if person.sex == "F":
        return {"they": "she", "them": "her", "their": "her"}
    return {"they": "they", "them": "them", "their": "their"}


# --- Choosing the children -----------------------------------------------------------------------------------


def kept_children(people: Sequence[Person], truth: Mapping[Any, Any]) -> list[Person]:
    """One person per true child of casework age: the agency record a correct linkage run keeps when it joins
    that child's records (the earliest created), so the case still hangs on the surviving person after
    `lantern demo` runs linkage. `truth` maps each person's id to the synthetic true person it was made from."""
    today = timezone.localdate()
    first: dict[str, Person] = {}
    for person in people:
        true = truth.get(person.pk)
        if true is None or true.kind != "child":
            continue
        born = true.date_of_birth
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if not CASE_AGES[0] <= age <= CASE_AGES[1]:
            continue
        held = first.get(true.key)
        if held is None or (person.created_at, str(person.pk)) < (held.created_at, str(held.pk)):
            first[true.key] = person
    return [first[key] for key in sorted(first) if first[key].given_name != "Not known"]


def children_in_database() -> list[Person]:
    """For a borough generated before it had cases: active children of casework age, oldest record first."""
    today = timezone.localdate()
    youngest, oldest = CASE_AGES
    return list(
        Person.objects.filter(
            kind=PersonKind.CHILD,
            status=PersonStatus.ACTIVE,
            date_of_birth__lte=today.replace(year=today.year - youngest, day=min(today.day, 28)),
            date_of_birth__gt=today.replace(year=today.year - oldest - 1, day=min(today.day, 28)),
        )
        .exclude(given_name="Not known")
        .order_by("created_at", "pk")
    )


# --- The writer ----------------------------------------------------------------------------------------------


@dataclass
class _People:
    sw1: User
    sw2: User
    sw3: User
    tm1: User
    agencies: dict[str, Agency]


class _Writer:
    """Drives one case after another through the services, then settles each step's clock stamps."""

    def __init__(self, rng: random.Random, fake: Faker, people: _People) -> None:
        self.rng, self.fake, self.p = rng, fake, people
        self.started = timezone.now()
        self.latest: dict[int, dt.datetime] = {}
        self.today = timezone.localdate()
        self.chairs = [f"{fake.name()}, independent conference chair" for _ in range(3)]
        self.nurse = fake.name()
        self.officer = fake.name()
        self.rhi_worker = f"{fake.name()}, Kestrelmoor Youth Service (independent return interviews)"

    # -- time ---------------------------------------------------------------------------------------------
    def wd(self, n: int) -> dt.date:
        """The working day `n` working days before today (0: today, whatever day it is)."""
        day = self.today
        while n > 0:
            day -= dt.timedelta(days=1)
            if is_working_day(day):
                n -= 1
        return day

    def at(self, day: dt.date, hour: int = 10, minute: int | None = None) -> dt.datetime:
        """A moment on `day`, always before the generation started (a later hour is a later moment). Today's
        moments are spread over the part of today already gone, in order, so they stay today even when the
        demo runs just after midnight (something due "today" must not become yesterday's and late)."""
        minute = self.rng.randrange(0, 50) if minute is None else minute
        if day < self.today:
            return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=LONDON)
        return midnight + (self.started - midnight) * ((hour * 60 + minute) / (24 * 60))

    def settle(self, case_id: int, moment: dt.datetime, *stamps: Stamp) -> None:
        """Move the wall-clock stamps the last step wrote back to the moment it happened (see the module)."""
        for model, path, name in stamps:
            model._default_manager.filter(**{path: case_id, f"{name}__gte": self.started}).update(**{name: moment})
        # Steps of different kinds are written one kind at a time: the latest moment is the last activity.
        latest = self.latest[case_id] = max(moment, self.latest.get(case_id, moment))
        Case.objects.filter(pk=case_id, last_activity_at__gte=self.started).update(last_activity_at=latest)

    def case(self, case_id: int) -> Case:
        return Case.objects.select_related("child", "team", "lead_practitioner").get(pk=case_id)

    # -- steps ----------------------------------------------------------------------------------------------
    def refer(
        self, child: Person, moment: dt.datetime, *, by: User, source: str = "health", cse: bool = True
    ) -> Referral:
        words = _pronouns(child)
        concerns = self.rng.choice(CONCERNS[source])
        if words["they"] != "she":
            concerns = concerns.replace(" she ", f" {words['they']} ").replace(" her ", f" {words['their']} ")
        agency = SOURCE_AGENCY.get(source)
        referral = services.referral_record(
            actor=by,
            child=child,
            received_at=moment,
            source_kind=source,
            source_agency=self.p.agencies[agency] if agency else None,
            source_person=f"{self.fake.name()}, {SOURCE_ROLE[source]}",
            concerns=concerns,
            cse_indicators=list(self.rng.choice(CSE_INDICATORS)) if cse else [],
            names_exploiting_adults=cse and source in ("health", "police"),
        )
        # A new case opens when the referral arrives, not when the demo writes it.
        Case.objects.filter(pk=referral.case_id, opened_at__gte=self.started).update(opened_at=moment)
        self.settle(referral.case_id, moment, REFERRAL, STAGE)
        return referral

    def decide(
        self,
        referral: Referral,
        moment: dt.datetime,
        decision: str,
        *,
        by: User,
        lead: User | None = None,
        reasons: str = "",
        manager_reason: str = "",
        immediate: bool = False,
    ) -> Case:
        referral = Referral.objects.select_related("case").get(pk=referral.pk)
        default = {
            "nfa": "No role for children's social care; universal services to continue.",
            "early_help": "Needs are below the threshold for statutory work; early help offered and accepted.",
            "assessment": "Child and family assessment needed to understand the risk of exploitation.",
            "strategy": "Reasonable cause to suspect the young person is suffering, or likely to suffer, significant "
            "harm (CSE).",
        }[decision]
        services.referral_decide(
            actor=by,
            referral=referral,
            decision=decision,
            reasons=reasons or default,
            decided_at=moment,
            lead_practitioner=lead,
            manager_reason=manager_reason,
            immediate_risk=immediate,
        )
        self.settle(referral.case_id, moment, STAGE, DISCUSSION, ASSESSMENT, CLOSED)
        return self.case(referral.case_id)

    def strategy(
        self,
        case: Case,
        moment: dt.datetime,
        *,
        by: User,
        outcome: str = "s47",
        manager_reason: str = "",
        lead: User | None = None,
    ) -> Case:
        discussion = case.strategy_discussions.filter(held_at__isnull=True).get()
        lead_name = (case.lead_practitioner or by).get_full_name()
        attendees = (
            Attendee("social_care", lead_name, "Social worker"),
            Attendee("police", f"DC {self.officer}", "CSE team"),
            Attendee("health", self.nurse, "Sexual health outreach nurse"),
            Attendee("education", self.fake.name(), "Designated safeguarding lead"),
        )
        reasons = (
            "Reasonable cause to suspect significant harm: section 47 enquiry, joint with the police CSE team."
            if outcome == "s47"
            else "Risk is being managed by the family with police disruption of the adults named."
        )
        services.strategy_record(
            actor=by,
            discussion=discussion,
            held_at=moment,
            attendees=attendees,
            outcome=outcome,
            outcome_reasons=reasons,
            manager_reason=manager_reason,
            lead_practitioner=lead,
        )
        self.settle(case.pk, moment, DISCUSSION, MANAGER, STAGE, ENQUIRY, ASSESSMENT)
        return self.case(case.pk)

    def s47(self, case: Case, moment: dt.datetime, *, by: User, outcome: str = "icpc") -> Case:
        enquiry = case.enquiries.filter(outcome="").get()
        services.s47_complete(
            actor=by,
            enquiry=enquiry,
            outcome=outcome,
            reasons="Concerns substantiated: continuing risk of sexual exploitation by adults named in police "
            "intelligence; the family cannot protect the young person alone.",
            outcome_at=moment,
        )
        self.settle(case.pk, moment, STAGE)
        return self.case(case.pk)

    def icpc(self, case: Case, day: dt.date, *, by: User, exception: str = "") -> Case:
        participation, note, views = self._participation()
        services.conference_record(
            actor=by,
            case=case,
            kind="initial",
            held_on=day,
            chair=self.rng.choice(self.chairs),
            decision="plan",
            reasons="Continuing risk of significant harm through sexual exploitation; a multi-agency plan needed.",
            participation=participation,
            participation_note=note,
            child_views=views,
            plan_category="sexual_abuse",
            seen_alone_exception=exception,
        )
        self.settle(case.pk, self.at(day, 11), PLAN, CONFERENCE, STAGE)
        return self.case(case.pk)

    def review(self, case: Case, day: dt.date, *, by: User, end: bool = False) -> Case:
        participation, note, views = self._participation()
        services.conference_record(
            actor=by,
            case=case,
            kind="review",
            held_on=day,
            chair=self.rng.choice(self.chairs),
            decision="end_plan" if end else "plan",
            reasons="Risk reduced: no missing episodes for four months, re-engaged with school, adults named "
            "are subject to abduction warning notices."
            if end
            else "Some progress, but missing twice since the last conference: the plan continues.",
            participation=participation,
            participation_note=note,
            child_views=views,
        )
        self.settle(case.pk, self.at(day, 11), CONFERENCE, STAGE)
        return self.case(case.pk)

    def _participation(self) -> tuple[str, str, str]:
        kind = self.rng.choice(("attended", "views_another_way", "did_not"))
        if kind == "attended":
            return kind, "", self.rng.choice(CONFERENCE_VIEWS)
        if kind == "views_another_way":
            return kind, "Wrote to the chair with her advocate's help", self.rng.choice(CONFERENCE_VIEWS)
        return kind, "Did not want to come; her advocate will go through the plan with her", ""

    def core_group(self, case: Case, day: dt.date, *, by: User) -> None:
        plan = case.plans.filter(ended_on__isnull=True).get()
        participation, note, views = self._participation()
        services.core_group_record(
            actor=by,
            plan=plan,
            held_on=day,
            attendees=f"{by.get_full_name()} (social care), DC {self.officer} (police), {self.nurse} (health), "
            "designated safeguarding lead (school)",
            participation=participation,
            participation_note=note,
            child_views=views,
            notes="Actions reviewed: safety plan, school timetable, disruption of the adults named.",
        )
        self.settle(case.pk, self.at(day, 14), CORE_GROUP)

    def visit(self, case: Case, moment: dt.datetime, *, by: User, seen: bool = True, alone: bool = False) -> None:
        words = ""
        if seen:
            words = self.rng.choice(ALONE_WORDS if alone else SEEN_WORDS)
        services.visit_record(
            actor=by,
            case=case,
            visited_at=moment,
            child_seen=seen,
            seen_alone=alone,
            child_words=words,
            not_seen_reason="" if seen else self.rng.choice(NOT_SEEN),
            notes="Home visit." if seen else "",
        )
        self.settle(case.pk, moment, VISIT)

    def visits(self, case: Case, first: dt.date, end: dt.date, *, by: User, every: int = 8) -> None:
        """Visits every `every` working days from `first`, and one on `end`; seen alone every other visit."""
        day = first
        days: list[dt.date] = []
        while day <= end:
            days.append(day)
            count = every
            while count:
                day += dt.timedelta(days=1)
                if is_working_day(day):
                    count -= 1
        if days and days[-1] != end:
            days.append(end)
        for n, visit_day in enumerate(days):
            self.visit(case, self.at(visit_day, 16), by=by, alone=n % 2 == 1)

    def missing(self, case: Case, returned: dt.datetime, *, by: User, hours: int = 20, rhi: str = "") -> MissingEpisode:
        episode = services.missing_record(
            actor=by,
            case=case,
            missing_from=returned - dt.timedelta(hours=hours),
            returned_at=returned,
            circumstances="Did not come home after school; found by police in a car with an adult male.",
        )
        self.settle(case.pk, returned, MISSING)
        if rhi == "held":
            held = returned + dt.timedelta(hours=self.rng.randrange(20, 60))
            services.rhi_record(
                actor=by,
                episode=episode,
                held_at=held,
                by=self.rhi_worker,
                summary="Taken to a flat by an older male; given alcohol; phone taken off her.",
                child_words=self.rng.choice(CHILD_WORDS_RHI),
            )
            self.settle(case.pk, held)
        elif rhi == "declined":
            offered = returned + dt.timedelta(hours=30)
            services.rhi_record(
                actor=by,
                episode=episode,
                held_at=offered,
                by=self.rhi_worker,
                declined_reason="She did not want to talk to someone new; agreed to talk to her social worker.",
            )
            self.settle(case.pk, offered)
        return episode

    def gone(self, case: Case, moment: dt.datetime, *, by: User) -> None:
        """The child went missing at `moment` and is not back yet."""
        services.missing_record(
            actor=by,
            case=case,
            missing_from=moment,
            circumstances="Did not come home last night; her phone is off. Reported missing to the police.",
        )
        self.settle(case.pk, moment, MISSING)

    def break_glass(self, children: Sequence[Person], moment: dt.datetime) -> None:
        """sw2, out of hours, opens a record another agency keeps to itself about a child on the team's cases,
        with her reason: it waits for tm1's review."""
        record = (
            SourceRecord.objects.filter(person__in=children, handling_code="C")
            .exclude(agency__code="csc")
            .order_by("recorded_at", "pk")
            .first()
        )
        grant = break_glass_open(
            actor=self.p.sw2,
            target=record or children[0],
            reason="Called out at night: she was found in a car with two adult men, and I needed to know what "
            "the police hold about them before deciding whether she could go home.",
        )
        opened = BreakGlass.objects.filter(pk=grant.pk)
        opened.update(opened_at=moment, expires_at=moment + (grant.expires_at - grant.opened_at))

    def oversight(self, case: Case, moment: dt.datetime) -> None:
        services.oversight_record(
            actor=self.p.tm1,
            case=case,
            note="Read the chronology and the latest visits. Risk remains high: chase the return interviews and "
            "ask the police for an update on the adults named. Next review in four weeks.",
        )
        self.settle(case.pk, moment, OVERSIGHT)

    def contribute(self, case: Case, moment: dt.datetime) -> None:
        assessment = case.assessments.exclude(status=AssessmentStatus.AUTHORISED).get()
        Allocation.objects.get_or_create(person=case.child, user=self.p.sw3)  # sw3 works the cases she is given
        services.assessment_contribute(actor=self.p.sw3, assessment=assessment, text=self.rng.choice(CONTRIBUTIONS))
        self.settle(case.pk, moment, CONTRIBUTION)

    def complete(self, case: Case, moment: dt.datetime, *, by: User, late_reason: str = "") -> None:
        assessment = case.assessments.select_related("referral").exclude(status=AssessmentStatus.AUTHORISED).get()
        if not late_reason and services.assessment_due(assessment) < self.today:
            # Lateness is judged on the day it is recorded; this one was finished in time, in the story.
            late_reason = (
                f"Completed on {moment:%-d %B %Y}, within the timescale; entered in Lantern later, when the case "
                "was brought over from the previous case system."
            )
        services.assessment_complete(
            actor=by,
            assessment=assessment,
            summary="Significant risk of sexual exploitation: older males, missing episodes and gifts; mother "
            "protective but unable to keep her safe alone. Recommend continued statutory involvement.",
            child_views=self.rng.choice(SEEN_WORDS),
            overdue_reason=late_reason,
        )
        self.settle(case.pk, moment, COMPLETED)

    def authorise(self, case: Case, moment: dt.datetime) -> None:
        assessment = case.assessments.filter(status=AssessmentStatus.COMPLETED).get()
        services.assessment_authorise(actor=self.p.tm1, assessment=assessment)
        self.settle(case.pk, moment, AUTHORISED)

    def reassurance(self, case: Case, day: dt.date, *, by: User, promise: str) -> Reassurance:
        made = services.reassurance_record(actor=by, case=case, given_by="Mother", given_on=day, promise=promise)
        self.settle(case.pk, self.at(day, 15), REASSURANCE, NOTIFIED)
        return made

    def broke(self, case: Case, reassurance: Reassurance, day: dt.date, *, by: User) -> None:
        services.reassurance_outcome(
            actor=by,
            reassurance=Reassurance.objects.get(pk=reassurance.pk),
            status=ReassuranceStatus.BROKEN,
            outcome_on=day,
            note="Found by police at 1am at the takeaway on the high street.",
        )
        self.settle(case.pk, self.at(day, 9))

    def close(self, case: Case, moment: dt.datetime, reason: str) -> None:
        services.case_close(actor=self.p.tm1, case=case, reason=reason)
        self.settle(case.pk, moment, STAGE, CLOSED)


# --- The scenarios: one function per kind of case -------------------------------------------------------------

Scenario = Callable[[_Writer, Person, User | None], Case]


def _to_s47(w: _Writer, child: Person, lead: User, start: int, *, held: int | None = None) -> Case:
    """Referred and decided `start` working days ago; strategy discussion held `held` working days ago."""
    referral = w.refer(child, w.at(w.wd(start), 9), by=lead, source=w.rng.choice(("health", "police")))
    case = w.decide(referral, w.at(w.wd(start), 13), "strategy", by=lead, lead=lead)
    return w.strategy(case, w.at(w.wd(start - 1 if held is None else held), 10), by=lead)


def referral_new(w: _Writer, child: Person, _lead: User | None) -> Case:
    return w.refer(child, w.at(w.today, 9), by=w.p.sw2, source=w.rng.choice(("education", "youth"))).case


def referral_late(w: _Writer, child: Person, _lead: User | None) -> Case:
    return w.refer(child, w.at(w.wd(3), 11), by=w.p.sw1, source="police").case


def early_help(w: _Writer, child: Person, _lead: User | None) -> Case:
    referral = w.refer(child, w.at(w.wd(12), 10), by=w.p.sw2, source="education", cse=False)
    case = w.decide(referral, w.at(w.wd(11), 15), "early_help", by=w.p.sw2)
    w.reassurance(
        case, w.wd(2), by=w.p.sw2, promise="She will be home by 9pm on school nights and Mum will collect her."
    )
    return case


def early_help_drifting(w: _Writer, child: Person, _lead: User | None) -> Case:
    referral = w.refer(child, w.at(w.wd(30), 10), by=w.p.sw2, source="family", cse=False)
    return w.decide(referral, w.at(w.wd(29), 12), "early_help", by=w.p.sw2)  # nothing recorded since


def assessment_on_time(w: _Writer, child: Person, lead: User | None) -> Case:
    assert lead is not None  # noqa: S101 - every scenario but the unallocated ones is given a lead
    referral = w.refer(child, w.at(w.wd(10), 9), by=lead, source=w.rng.choice(("education", "youth", "health")))
    case = w.decide(referral, w.at(w.wd(9), 14), "assessment", by=lead, lead=lead)
    w.contribute(case, w.at(w.wd(7), 12))
    w.visit(case, w.at(w.wd(5), 16), by=lead, alone=True)
    w.visit(case, w.at(w.wd(1), 16), by=lead)
    return case


def assessment_late(w: _Writer, child: Person, lead: User | None) -> Case:
    """Past 45 working days and not complete: no reason recorded yet (only completing asks for one)."""
    assert lead is not None  # noqa: S101
    referral = w.refer(child, w.at(w.wd(52), 9), by=lead, source="youth")
    case = w.decide(referral, w.at(w.wd(51), 14), "assessment", by=lead, lead=lead)
    w.contribute(case, w.at(w.wd(40), 11))
    w.visit(case, w.at(w.wd(30), 16), by=lead, seen=False)
    w.visit(case, w.at(w.wd(12), 16), by=lead)  # and nothing since: drifting too
    return case


def assessment_late_with_reason(w: _Writer, child: Person, lead: User | None) -> Case:
    assert lead is not None  # noqa: S101
    referral = w.refer(child, w.at(w.wd(50), 9), by=lead, source="health")
    case = w.decide(referral, w.at(w.wd(50), 15), "assessment", by=lead, lead=lead)
    w.contribute(case, w.at(w.wd(35), 11))
    w.visit(case, w.at(w.wd(20), 16), by=lead, alone=True)
    w.oversight(case, w.at(w.wd(10), 11))
    w.complete(
        case,
        w.at(w.wd(1), 15),
        by=lead,
        late_reason="Mother cancelled four planned visits and the police disclosure took six weeks to arrive.",
    )
    return case  # completed late; waiting for the manager's authorisation, still overdue


def assessment_awaiting_authorisation(w: _Writer, child: Person, lead: User | None) -> Case:
    assert lead is not None  # noqa: S101
    referral = w.refer(child, w.at(w.wd(30), 9), by=lead, source="education")
    case = w.decide(referral, w.at(w.wd(29), 12), "assessment", by=lead, lead=lead)
    w.contribute(case, w.at(w.wd(20), 11))
    w.visit(case, w.at(w.wd(10), 16), by=lead, alone=True)
    w.complete(case, w.at(w.wd(2), 15), by=lead)
    w.oversight(case, w.at(w.wd(1), 11))
    return case


def assessment_unallocated(w: _Writer, child: Person, _lead: User | None) -> Case:
    referral = w.refer(child, w.at(w.wd(20), 10), by=w.p.sw2, source="education", cse=False)
    return w.decide(referral, w.at(w.wd(19), 16), "assessment", by=w.p.sw2)  # no worker free: unallocated


def assessment_missing(w: _Writer, child: Person, lead: User | None) -> Case:
    """Three missing episodes in 90 days, no return interview held for any: MISS-RHI-72H overdue three times."""
    assert lead is not None  # noqa: S101
    referral = w.refer(child, w.at(w.wd(40), 9), by=lead, source="police")
    case = w.decide(referral, w.at(w.wd(40), 13), "assessment", by=lead, lead=lead)
    for days in (75, 40, 10):
        w.missing(case, w.at(w.today - dt.timedelta(days=days), 7), by=lead)
    w.oversight(case, w.at(w.wd(18), 11))
    w.visit(case, w.at(w.wd(3), 16), by=lead)
    return case


def assessment_after_no_s47(w: _Writer, child: Person, lead: User | None) -> Case:
    """A strategy discussion for a child at risk of CSE decided no s47: only tm1 may, with her reason."""
    assert lead is not None  # noqa: S101
    referral = w.refer(child, w.at(w.wd(8), 9), by=lead, source="health")
    case = w.decide(referral, w.at(w.wd(8), 12), "strategy", by=lead, lead=lead)
    case = w.strategy(
        case,
        w.at(w.wd(6), 10),
        by=w.p.tm1,
        outcome="no_s47",
        manager_reason="Parents are acting protectively and police are disrupting the adults; the assessment "
        "continues with weekly visits, and any missing episode brings it back to a strategy discussion.",
    )
    w.visit(case, w.at(w.wd(2), 16), by=lead, alone=True)
    return case


def assessment_broken_promises(w: _Writer, child: Person, lead: User | None) -> Case:
    """Two reassurances broke; a third is given and flagged to tm1, who has not yet looked (LANTERN-REASSURE)."""
    assert lead is not None  # noqa: S101
    referral = w.refer(child, w.at(w.wd(35), 9), by=lead, source="youth")
    case = w.decide(referral, w.at(w.wd(35), 13), "assessment", by=lead, lead=lead)
    first = w.reassurance(case, w.wd(33), by=lead, promise="She will be home by 9pm and not see the men again.")
    w.broke(case, first, w.wd(30), by=lead)
    second = w.reassurance(case, w.wd(25), by=lead, promise="Mum will collect her from school every day.")
    services.reassurance_acknowledge(
        actor=w.p.tm1,
        reassurance=Reassurance.objects.get(pk=second.pk),
        note="Accepted for two weeks with a written safety plan; any breach goes to a strategy discussion.",
    )
    w.settle(case.pk, w.at(w.wd(25), 17), ACKNOWLEDGED)
    w.broke(case, second, w.wd(15), by=lead)
    w.oversight(case, w.at(w.wd(14), 11))
    w.reassurance(case, w.wd(4), by=lead, promise="Same again: she will be kept in at night and her phone checked.")
    w.visit(case, w.at(w.wd(2), 16), by=lead)
    return case


def assessment_flagged_today(w: _Writer, child: Person, lead: User | None) -> Case:
    assert lead is not None  # noqa: S101
    referral = w.refer(child, w.at(w.wd(15), 9), by=lead, source="family")
    case = w.decide(referral, w.at(w.wd(15), 13), "assessment", by=lead, lead=lead)
    first = w.reassurance(case, w.wd(12), by=lead, promise="Her uncle will not pick her up from school again.")
    w.broke(case, first, w.wd(6), by=lead)
    w.reassurance(case, w.today, by=lead, promise="Her uncle has moved out and will not visit.")
    return case  # flagged today: due today, not yet late


def strategy_due(w: _Writer, child: Person, lead: User | None) -> Case:
    assert lead is not None  # noqa: S101
    referral = w.refer(child, w.at(w.wd(1), 9), by=lead, source="police")
    return w.decide(referral, w.at(w.wd(1), 15), "strategy", by=lead, lead=lead)


def strategy_today(w: _Writer, child: Person, lead: User | None) -> Case:
    assert lead is not None  # noqa: S101
    referral = w.refer(child, w.at(w.today, 8), by=lead, source="police")
    return w.decide(referral, w.at(w.today, 9), "strategy", by=lead, lead=lead, immediate=True)


def strategy_late(w: _Writer, child: Person, lead: User | None) -> Case:
    assert lead is not None  # noqa: S101
    referral = w.refer(child, w.at(w.wd(7), 9), by=lead, source="health")
    case = w.decide(referral, w.at(w.wd(7), 14), "strategy", by=lead, lead=lead)
    w.visit(case, w.at(w.wd(4), 16), by=lead)
    return case


def s47_on_time(w: _Writer, child: Person, lead: User | None) -> Case:
    assert lead is not None  # noqa: S101
    case = _to_s47(w, child, lead, 6)
    w.visit(case, w.at(w.wd(4), 16), by=lead, alone=True)
    w.oversight(case, w.at(w.wd(3), 11))
    w.contribute(case, w.at(w.wd(2), 11))
    return case


def s47_late(w: _Writer, child: Person, lead: User | None) -> Case:
    """No outcome after 18 working days: LOCAL-S47-15 and WT-ICPC-15 overdue, and nothing recorded since."""
    assert lead is not None  # noqa: S101
    case = _to_s47(w, child, lead, 19)
    w.visit(case, w.at(w.wd(15), 16), by=lead)
    return case


def conference_due(w: _Writer, child: Person, lead: User | None) -> Case:
    assert lead is not None  # noqa: S101
    case = _to_s47(w, child, lead, 9)
    w.visit(case, w.at(w.wd(6), 16), by=lead, alone=True)
    case = w.s47(case, w.at(w.wd(3), 15), by=lead)
    w.oversight(case, w.at(w.wd(2), 10))
    return case


def conference_late(w: _Writer, child: Person, lead: User | None) -> Case:
    """The strategy discussion was 20 working days ago and no ICPC yet (WT-ICPC-15)."""
    assert lead is not None  # noqa: S101
    case = _to_s47(w, child, lead, 21, held=20)
    w.visit(case, w.at(w.wd(16), 16), by=lead, alone=True)
    return w.s47(case, w.at(w.wd(12), 15), by=lead)


def _plan(w: _Writer, child: Person, lead: User, start_days: int, *, exception: str = "") -> Case:
    """A referral `start_days` calendar days ago taken to a plan: ICPC 13 working days after the strategy
    discussion, the assessment completed and authorised within 45 working days."""
    start = w.today - dt.timedelta(days=start_days)
    while not is_working_day(start):
        start -= dt.timedelta(days=1)
    referral = w.refer(child, w.at(start, 9), by=lead, source=w.rng.choice(("health", "police", "youth")))
    case = w.decide(referral, w.at(start, 13), "strategy", by=lead, lead=lead)
    case = w.strategy(case, w.at(_after(start, 1), 10), by=lead)
    w.contribute(case, w.at(_after(start, 4), 11))
    case = w.s47(case, w.at(_after(start, 10), 15), by=lead)
    case = w.icpc(case, _after(start, 14), by=lead, exception=exception)
    w.complete(case, w.at(_after(start, 20), 15), by=lead)
    w.authorise(case, w.at(_after(start, 22), 10))
    return case


def _after(day: dt.date, n: int) -> dt.date:
    while n > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def _core_groups(w: _Writer, case: Case, plan_start: dt.date, until: dt.date, *, by: User) -> None:
    day = _after(plan_start, 8)
    while day <= until:
        w.core_group(case, day, by=by)
        day += dt.timedelta(days=28)


def cp_plan_new(w: _Writer, child: Person, lead: User | None) -> Case:
    assert lead is not None  # noqa: S101
    case = _to_s47(w, child, lead, 20, held=19)
    w.visit(case, w.at(w.wd(15), 16), by=lead, alone=True)
    case = w.s47(case, w.at(w.wd(10), 15), by=lead)
    case = w.icpc(case, w.wd(6), by=lead)
    w.visit(case, w.at(w.wd(2), 16), by=lead, alone=True)
    w.oversight(case, w.at(w.wd(1), 11))
    return case


def cp_plan_reviewed(w: _Writer, child: Person, lead: User | None) -> Case:
    """Five months on a plan: a first review at three months, core groups every four weeks, visits every
    eight working days, seen alone every other visit; on time."""
    assert lead is not None  # noqa: S101
    case = _plan(w, child, lead, 170)
    plan = case.plans.get()
    review_day = _after(plan.started_on, 60)
    _core_groups(w, case, plan.started_on, review_day, by=lead)
    w.visits(case, _after(plan.started_on, 2), w.wd(50), by=lead)
    case = w.review(case, review_day, by=lead)
    _core_groups(w, case, review_day + dt.timedelta(days=7), w.wd(3), by=lead)
    w.visits(case, _after(review_day, 3), w.wd(2), by=lead)
    w.oversight(case, w.at(w.wd(5), 11))
    return case


def cp_plan_slipping(w: _Writer, child: Person, lead: User | None) -> Case:
    """A plan whose visits and core groups have slipped: last seen 15 working days ago (not seen since),
    the last core group six weeks ago, no manager's oversight for a month."""
    assert lead is not None  # noqa: S101
    case = _plan(w, child, lead, 95)
    plan = case.plans.get()
    _core_groups(w, case, plan.started_on, w.today - dt.timedelta(days=42), by=lead)
    w.visits(case, _after(plan.started_on, 2), w.wd(15), by=lead, every=10)
    w.visit(case, w.at(w.wd(6), 16), by=lead, seen=False)
    w.oversight(case, w.at(w.wd(25), 11))
    return case


def cp_plan_never_alone(w: _Writer, child: Person, lead: User | None) -> Case:
    """Seen at every visit but never alone, and the plan records no reason: the next visit must be alone."""
    assert lead is not None  # noqa: S101
    case = _to_s47(w, child, lead, 30, held=29)
    case = w.s47(case, w.at(w.wd(22), 15), by=lead)
    case = w.icpc(case, w.wd(17), by=lead)
    w.core_group(case, w.wd(9), by=lead)
    for n in (12, 4):
        w.visit(case, w.at(w.wd(n), 16), by=lead)
    w.oversight(case, w.at(w.wd(3), 11))
    return case


def cp_plan_review_late(w: _Writer, child: Person, lead: User | None) -> Case:
    """Four months on a plan with no review conference (WT-RCPC-3M overdue); the plan records why she is not
    always seen alone."""
    assert lead is not None  # noqa: S101
    exception = "She will only speak with her advocate present; agreed at the conference, reviewed at each visit."
    case = _plan(w, child, lead, 150, exception=exception)
    plan = case.plans.get()
    _core_groups(w, case, plan.started_on, w.wd(5), by=lead)
    w.visits(case, _after(plan.started_on, 2), w.wd(3), by=lead)
    w.oversight(case, w.at(w.wd(8), 11))
    return case


def cp_plan_missing(w: _Writer, child: Person, lead: User | None) -> Case:
    """A child on a plan who keeps going missing: return interviews held, declined, one due now, and missing
    again since the early hours of today."""
    assert lead is not None  # noqa: S101
    case = _plan(w, child, lead, 100)
    plan = case.plans.get()
    _core_groups(w, case, plan.started_on, w.wd(4), by=lead)
    w.visits(case, _after(plan.started_on, 2), w.wd(3), by=lead)
    w.missing(case, w.at(w.today - dt.timedelta(days=60), 6), by=lead, rhi="held")
    w.missing(case, w.at(w.today - dt.timedelta(days=30), 6), by=lead, rhi="declined")
    w.missing(case, w.at(w.today - dt.timedelta(days=1), 6), by=lead, hours=30)
    w.oversight(case, w.at(w.wd(2), 11))
    w.gone(case, w.at(w.today, 2), by=lead)
    return case


def closed_cse_nfa(w: _Writer, child: Person, _lead: User | None) -> Case:
    """The 2006 failure, done properly: a CSE referral closed with no further action only by tm1, with why."""
    referral = w.refer(child, w.at(w.wd(30), 10), by=w.p.sw1, source="health")
    return w.decide(
        referral,
        w.at(w.wd(29), 15),
        "nfa",
        by=w.p.tm1,
        reasons="The men seen with her at the clinic are her uncles; she was there with her mother's knowledge.",
        manager_reason="Police checks confirm the adults are relatives with no concerns recorded; the clinic "
        "will re-refer on any new sighting, and the school nurse will see her fortnightly.",
    )


def closed_nfa(w: _Writer, child: Person, _lead: User | None) -> Case:
    referral = w.refer(child, w.at(w.wd(25), 10), by=w.p.sw2, source="education", cse=False)
    return w.decide(
        referral,
        w.at(w.wd(25), 15),
        "nfa",
        by=w.p.sw2,
        reasons="Absence explained by a hospital stay; school nurse and family are in touch and there is no "
        "sign of exploitation.",
    )


def closed_after_assessment(w: _Writer, child: Person, lead: User | None) -> Case:
    assert lead is not None  # noqa: S101
    referral = w.refer(child, w.at(w.wd(40), 9), by=lead, source="youth")
    case = w.decide(referral, w.at(w.wd(40), 14), "assessment", by=lead, lead=lead)
    w.contribute(case, w.at(w.wd(30), 11))
    w.visit(case, w.at(w.wd(20), 16), by=lead, alone=True)
    w.complete(case, w.at(w.wd(8), 15), by=lead)
    w.authorise(case, w.at(w.wd(6), 10))
    w.close(case, w.at(w.wd(5), 12), "Assessment found no continuing risk; youth service to keep in touch.")
    return case


def closed_after_plan(w: _Writer, child: Person, lead: User | None) -> Case:
    """Ten months: a plan reviewed at three months, ended at nine, the case closed by tm1."""
    assert lead is not None  # noqa: S101
    case = _plan(w, child, lead, 300)
    plan = case.plans.get()
    first = _after(plan.started_on, 60)
    second = _after(first, 120)
    _core_groups(w, case, plan.started_on, second - dt.timedelta(days=3), by=lead)
    visit_day = _after(plan.started_on, 2)
    while visit_day < second:
        w.visit(case, w.at(visit_day, 16), by=lead, alone=(visit_day.toordinal() // 14) % 2 == 0)
        visit_day = _after(visit_day, 10)
    case = w.review(case, first, by=lead)
    case = w.review(case, second, by=lead, end=True)
    w.close(case, w.at(_after(second, 5), 12), "Plan ended at review; she is settled at school and safe at home.")
    return case


def closed_early_help(w: _Writer, child: Person, _lead: User | None) -> Case:
    referral = w.refer(child, w.at(w.wd(55), 10), by=w.p.sw2, source="family", cse=False)
    case = w.decide(referral, w.at(w.wd(54), 12), "early_help", by=w.p.sw2)
    w.close(case, w.at(w.wd(20), 12), "Early help plan completed; family say they need nothing more.")
    return case


@dataclass(frozen=True)
class Kind:
    scenario: Scenario
    count: int
    allocated: bool = True


KINDS: tuple[Kind, ...] = (  # 60 cases per unit of scale
    Kind(referral_new, 3, allocated=False),
    Kind(referral_late, 2, allocated=False),
    Kind(early_help, 3, allocated=False),
    Kind(early_help_drifting, 1, allocated=False),
    Kind(assessment_on_time, 6),
    Kind(assessment_late, 2),
    Kind(assessment_late_with_reason, 1),
    Kind(assessment_awaiting_authorisation, 2),
    Kind(assessment_unallocated, 1, allocated=False),
    Kind(assessment_missing, 2),
    Kind(assessment_after_no_s47, 1),
    Kind(assessment_broken_promises, 1),
    Kind(assessment_flagged_today, 1),
    Kind(strategy_due, 2),
    Kind(strategy_today, 1),
    Kind(strategy_late, 2),
    Kind(s47_on_time, 4),
    Kind(s47_late, 2),
    Kind(conference_due, 2),
    Kind(conference_late, 2),
    Kind(cp_plan_new, 2),
    Kind(cp_plan_reviewed, 4),
    Kind(cp_plan_slipping, 2),
    Kind(cp_plan_never_alone, 1),
    Kind(cp_plan_review_late, 1),
    Kind(cp_plan_missing, 1),
    Kind(closed_cse_nfa, 2, allocated=False),
    Kind(closed_nfa, 2, allocated=False),
    Kind(closed_after_assessment, 2),
    Kind(closed_after_plan, 1),
    Kind(closed_early_help, 1, allocated=False),
)


def _people() -> _People:
    users = {u.username: u for u in User.objects.filter(username__in=("sw1", "sw2", "sw3", "tm1"))}
    return _People(
        sw1=users["sw1"],
        sw2=users["sw2"],
        sw3=users["sw3"],
        tm1=users["tm1"],
        agencies={a.code: a for a in Agency.objects.all()},
    )


def generate_cases(
    children: Iterable[Person],
    *,
    scale: int = 1,
    seed: int,
    progress: Callable[[str, int], None] | None = None,
) -> int:
    """Kestrelmoor's cases for `children` (see `kept_children`); nothing if social care already holds cases,
    so a second run adds none. Returns how many cases were made."""
    if Case.objects.filter(agency__code="csc").exists():
        return 0
    rng = random.Random(f"kestrelmoor-cases:{seed}")
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    pool = list(children)
    girls = [p for p in pool if p.sex == "F"]
    others = [p for p in pool if p.sex != "F"]
    wanted = sum(kind.count for kind in KINDS) * scale
    n_girls = min(len(girls), wanted * 3 // 4)
    chosen = rng.sample(girls, n_girls) + rng.sample(others, min(len(others), wanted - n_girls))
    rng.shuffle(chosen)
    if len(chosen) < wanted:
        raise ValueError(f"not enough children for the demo's cases ({len(chosen)} of {wanted})")
    writer = _Writer(rng, fake, _people())
    leads = (writer.p.sw1, writer.p.sw2)
    made = 0
    for _ in range(scale):
        for kind in KINDS:
            for _n in range(kind.count):
                lead = leads[made % 2] if kind.allocated else None
                kind.scenario(writer, chosen[made], lead)
                made += 1
                if progress:
                    progress("cases", made)
    writer.break_glass(chosen[:made], writer.at(writer.wd(2), 22))
    return made


def stage_counts() -> dict[str, int]:
    """Cases per stage, closed included: what `lantern demo` reports."""
    counts = dict.fromkeys(Stage.values, 0)
    for stage in Case.objects.values_list("stage", flat=True):
        counts[stage] += 1
    return counts
