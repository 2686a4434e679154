"""Writes about a case: check access, validate every rule, change, audit — one transaction each.

The statutory rules live here, not in forms, so the web pages, the API and the demo all obey them:
- a referral with CSE indicators, or from health or police naming adults exploiting children, is closed with no
  further action only by a team manager, with a reason (the 2006 referral that led nowhere);
- a strategy discussion hears from social care, police and health; "section 47" starts the enquiry and the ICPC
  clock; "no section 47" for a child at risk of CSE needs a manager's reason;
- the lead practitioner of a s47 enquiry or plan, and whoever completes or authorises an assessment, is a
  registered social worker (WT-LEAD-PRACT); unqualified staff contribute, never complete or authorise;
- a reassurance given after an earlier one broke is flagged to the manager the same day (LANTERN-REASSURE);
- the stage moves only along `workflow.TRANSITIONS`, each move audited.
A refusal raises ValidationError with a message for the field at fault; nothing is saved in part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from lantern.access.policy import Action, Category, Draft, require
from lantern.access.roles import Role
from lantern.accounts.enums import AgencyKind
from lantern.accounts.models import Agency, User
from lantern.accounts.registration import registration_problem
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.calendar.deadlines import due
from lantern.cases import workflow
from lantern.cases.enums import (
    MAX_TEXT,
    REQUIRED_STRATEGY_AGENCIES,
    AssessmentStatus,
    AttendeeAgencyKind,
    ConferenceDecision,
    ConferenceKind,
    CseIndicator,
    Participation,
    PlanCategory,
    ReassuranceStatus,
    ReferralDecision,
    S47Outcome,
    SourceKind,
    Stage,
    StrategyOutcome,
)
from lantern.cases.models import (
    Assessment,
    Case,
    Conference,
    Contact,
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
    StrategyAttendee,
    StrategyDiscussion,
    Visit,
)
from lantern.cases.signals import missing_recorded
from lantern.people.enums import PersonKind
from lantern.people.models import Allocation, Person
from lantern.validation import Errors, checked_text, refuse_if_any

# --- Shared checks ---------------------------------------------------------------------------------------------


def _text(errors: Errors, name: str, value: str, label: str, *, required: bool = True) -> str:
    return checked_text(errors, name, value, label, limit=MAX_TEXT, required=required)


def _when(
    errors: Errors,
    name: str,
    value: dt.datetime | dt.date | None,
    label: str,
    *,
    after: Any = None,
    after_label: str = "",
) -> None:
    """A date or time that has happened, not before the step it follows."""
    if value is None:
        errors[name] = f"Enter {label}"
        return
    now = timezone.now() if isinstance(value, dt.datetime) else timezone.localdate()
    if value > now:
        errors[name] = f"{label[0].upper()}{label[1:]} must be today or in the past"
        return
    if after is not None:
        floor = after
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and isinstance(after, dt.datetime):
            floor = timezone.localtime(after).date()
        if value < floor:
            errors[name] = f"{label[0].upper()}{label[1:]} cannot be before {after_label}"


def _is_manager(actor: User, case: Case) -> bool:
    return actor.role == Role.TEAM_MANAGER and actor.agency_id == case.agency_id


def _registered(user: User | None, *, on: dt.date, what: str) -> str:
    """WT-LEAD-PRACT: why `user` may not do `what`, or "" when they are a currently registered social worker."""
    if user is None:
        return f"Choose the registered social worker who {what}"
    problem = registration_problem(user, on=on)
    return f"{problem}: only a registered social worker {what} (rule WT-LEAD-PRACT)" if problem else ""


def _audit(actor: User, action: AuditAction, target: Any, purpose: str, detail: dict[str, Any] | None = None) -> None:
    audit_record(actor=actor, action=action, target=target, purpose=purpose, outcome=Outcome.SUCCESS, detail=detail)


def move(case: Case, to: Stage, *, actor: User, reason: str = "") -> None:
    """The one place a case changes stage: only along `workflow.TRANSITIONS`, recorded and audited."""
    if not workflow.allowed(case.stage, to):
        raise ValidationError(
            {"stage": f"A case at '{Stage(case.stage).label}' cannot move to '{to.label}': complete the steps in order"}
        )
    change = StageChange.objects.create(case=case, from_stage=case.stage, to_stage=to, reason=reason, recorded_by=actor)
    case.stage = to
    fields = ["stage"]
    if to == Stage.CLOSED:
        case.closed_at, case.closure_reason = timezone.now(), reason
        fields += ["closed_at", "closure_reason"]
    case.save(update_fields=fields)
    _audit(actor, AuditAction.UPDATE, case, "move case stage", {"from": change.from_stage, "to": to.value})
    sync_statutory_fact(case.child)


def sync_statutory_fact(child: Person) -> None:
    """The child is subject to a strategy discussion, s47 enquiry or the plan that follows while any open case
    is at one of those stages; partners' access to sexual-health detail and the case depends on this fact."""
    open_now = Case.objects.filter(child=child, closed_at__isnull=True, stage__in=workflow.STATUTORY_STAGES).exists()
    if child.statutory_enquiry_open != open_now:
        child.statutory_enquiry_open = open_now
        child.save(update_fields=["statutory_enquiry_open"])


def _touch(case: Case) -> None:
    """Recorded activity: what LOCAL-DRIFT-10 measures."""
    case.last_activity_at = timezone.now()
    case.save(update_fields=["last_activity_at"])


def _recorded(
    actor: User, case: Case, action: AuditAction, target: Any, purpose: str, *, detail: dict[str, Any] | None = None
) -> None:
    """A step written on the case: it counts as activity on the case, and the audit log has it."""
    _touch(case)
    _audit(actor, action, target, purpose, detail)


def _check_indicators(errors: Errors, indicators: Iterable[str]) -> list[str]:
    chosen = sorted(set(indicators))
    unknown = [i for i in chosen if i not in CseIndicator.values]
    if unknown:
        errors["cse_indicators"] = f"Choose CSE indicators from the list (not {', '.join(unknown)})"
    return chosen


def _source(errors: Errors, source_kind: str, source_person: str) -> str:
    if source_kind not in SourceKind.values:
        errors["source_kind"] = "Choose who the information came from"
    return _text(errors, "source_person", source_person, "the name and role of the person who gave it")


# --- Notifications ---------------------------------------------------------------------------------------------


def managers_of(case: Case) -> list[User]:
    """Who hears of the case's overdue work and flags: its team's manager, else every manager in the agency."""
    if case.team_id and case.team and case.team.manager_id and case.team.manager:
        return [case.team.manager]
    return list(User.objects.filter(agency_id=case.agency_id, role=Role.TEAM_MANAGER, is_active=True))


def notify(users: Iterable[User], *, case: Case | None, rule: str, item_key: str, message: str) -> list[Notification]:
    """An in-app notification and an email, once per person, rule and piece of work (re-running sends nothing)."""
    sent = []
    for user in users:
        note, created = Notification.objects.get_or_create(
            user=user, rule=rule, item_key=item_key, defaults={"case": case, "message": message[:500]}
        )
        if not created:
            continue
        if user.email:
            case_ref = f" (case {case.pk})" if case else ""
            transaction.on_commit(
                lambda user=user, note=note, case_ref=case_ref: _email(user, note, case_ref)  # type: ignore[misc]
            )
        audit_record(
            actor=None,
            username="lantern",
            action=AuditAction.CREATE,
            target=note,
            purpose=f"notify: {rule}",
            outcome=Outcome.SUCCESS,
            detail={"to": user.username},
        )
        sent.append(note)
    return sent


def _email(user: User, note: Notification, case_ref: str) -> None:
    # No child's name in an email: the message says what is due and where to look, the detail stays in Lantern.
    send_mail(
        subject=f"Lantern: {note.rule}{case_ref}",
        message=f"{note.message}\n\nSign in to Lantern to see the case.",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def strategy_requested_by_intel(*, report_id: int, reference: str, agency_name: str, at: dt.datetime) -> None:
    """LOCAL-STRAT-3 starts when intelligence is actioned "strategy discussion requested": children's social
    care managers are told at once, with the date it is due, to record the referral on the child's case."""
    deadline = due("LOCAL-STRAT-3", at)
    managers = User.objects.filter(role=Role.TEAM_MANAGER, is_active=True, agency__kind=AgencyKind.SOCIAL_CARE)
    notify(
        managers,
        case=None,
        rule="LOCAL-STRAT-3",
        item_key=f"intel:{report_id}",
        message=f"{agency_name} requests a strategy discussion on intelligence {reference}: due by "
        f"{deadline.due_at():%-d %B %Y} (rule LOCAL-STRAT-3). Record the referral, or request the discussion on "
        "the child's open case.",
    )


def notification_read(*, actor: User, notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id, user=actor, read_at__isnull=True).update(read_at=timezone.now())


# --- Referrals and contacts ------------------------------------------------------------------------------------


def referral_record(
    *,
    actor: User,
    child: Person,
    received_at: dt.datetime | None,
    source_kind: str,
    source_agency: Agency | None,
    source_person: str,
    concerns: str,
    cse_indicators: Sequence[str] = (),
    names_exploiting_adults: bool = False,
) -> Referral:
    """A contact accepted as a referral: opens the child's case (or brings an early-help or assessment case back
    to a decision). The decision is due within WT-REF-DECIDE-1."""
    require(actor, Action.CREATE, Draft(Category.CASE, actor.agency_id), purpose="record a referral")
    require(actor, Action.VIEW, child, purpose="record a referral")
    errors: Errors = {}
    if child.kind != PersonKind.CHILD:
        errors["child"] = "A referral is about a child or young person: choose a child"
    _when(errors, "received_at", received_at, "the date and time the referral was received")
    person = _source(errors, source_kind, source_person)
    concerns = _text(errors, "concerns", concerns, "the concerns")
    indicators = _check_indicators(errors, cse_indicators)
    open_case = Case.objects.filter(child=child, closed_at__isnull=True).first()
    if open_case is not None and not workflow.allowed(open_case.stage, Stage.REFERRAL):
        errors["child"] = (
            f"This child's case is at '{Stage(open_case.stage).label}': record the new information as a contact on it"
        )
    refuse_if_any(errors)
    assert actor.agency is not None  # noqa: S101 - require() checked the agency
    assert received_at is not None  # noqa: S101 - checked above
    with transaction.atomic():
        if open_case is None:
            case = Case.objects.create(
                child=child, agency=actor.agency, team=actor.team, opened_at=received_at, created_by=actor
            )
            _audit(actor, AuditAction.CREATE, case, "open a case")
        else:
            case = open_case
            move(case, Stage.REFERRAL, actor=actor, reason="new referral")
        referral = Referral.objects.create(
            case=case,
            received_at=received_at,
            source_kind=source_kind,
            source_agency=source_agency,
            source_person=person,
            concerns=concerns,
            cse_indicators=indicators,
            names_exploiting_adults=names_exploiting_adults,
            recorded_by=actor,
        )
        if referral.is_cse_or_exploitation and not case.cse_concern:
            case.cse_concern = True
            case.save(update_fields=["cse_concern"])
        _recorded(actor, case, AuditAction.CREATE, referral, "record a referral", detail={"case": case.pk})
    return referral


def contact_record(
    *,
    actor: User,
    case: Case,
    received_at: dt.datetime | None,
    source_kind: str,
    source_agency: Agency | None,
    source_person: str,
    summary: str,
    cse_indicators: Sequence[str] = (),
) -> Contact:
    require(actor, Action.UPDATE, case, purpose="record a contact")
    errors: Errors = {}
    _open(errors, case)
    _when(errors, "received_at", received_at, "the date and time the information was received")
    person = _source(errors, source_kind, source_person)
    summary = _text(errors, "summary", summary, "what was said")
    indicators = _check_indicators(errors, cse_indicators)
    refuse_if_any(errors)
    assert received_at is not None  # noqa: S101 - checked above
    with transaction.atomic():
        contact = Contact.objects.create(
            case=case,
            received_at=received_at,
            source_kind=source_kind,
            source_agency=source_agency,
            source_person=person,
            summary=summary,
            cse_indicators=indicators,
            recorded_by=actor,
        )
        if indicators and not case.cse_concern:
            case.cse_concern = True
            case.save(update_fields=["cse_concern"])
        _recorded(actor, case, AuditAction.CREATE, contact, "record a contact", detail={"case": case.pk})
    return contact


def _manager_sign_off(
    errors: Errors, actor: User, case: Case, reason: str, *, field: str, refusal: str, what: str
) -> None:
    """A decision the reviews found made too easily: only the case's team manager makes it, with a reason."""
    if not _is_manager(actor, case):
        errors[field] = refusal
    elif not reason:
        errors["manager_reason"] = f"Enter your reason, as team manager, for {what}"


def _open(errors: Errors, case: Case) -> None:
    if not case.is_open:
        errors["case"] = "This case is closed: record a new referral to open another"


def referral_decide(
    *,
    actor: User,
    referral: Referral,
    decision: str,
    reasons: str,
    decided_at: dt.datetime | None = None,
    manager_reason: str = "",
    lead_practitioner: User | None = None,
    immediate_risk: bool = False,
) -> Referral:
    """WT-REF-DECIDE-1: the decision on a referral, by a registered social worker or manager. No further action
    on a CSE or exploitation referral is a team manager's decision, with a reason, and is reported to the
    partnership."""
    case = referral.case
    require(actor, Action.UPDATE, case, purpose="decide a referral")
    decided_at = decided_at or timezone.now()
    errors: Errors = {}
    _open(errors, case)
    if referral.decision:
        errors["decision"] = "This referral has already been decided"
    if decision not in ReferralDecision.values:
        errors["decision"] = "Choose the decision: no further action, early help, assessment or strategy discussion"
    problem = registration_problem(actor, on=timezone.localdate())
    if problem:
        errors["decision"] = f"{problem}: a registered social worker decides on a referral (rule WT-REF-DECIDE-1)"
    reasons = _text(
        errors, "reasons", reasons, "the reasons for the decision", required=decision == ReferralDecision.NFA
    )
    _when(
        errors,
        "decided_at",
        decided_at,
        "the date and time of the decision",
        after=referral.received_at,
        after_label="the referral was received",
    )
    manager_reason = manager_reason.strip()
    if decision == ReferralDecision.NFA and referral.is_cse_or_exploitation:
        _manager_sign_off(
            errors, actor, case, manager_reason, field="decision",
            refusal="This referral names CSE indicators or adults exploiting children: only a team manager may "
            "close it with no further action, with a recorded reason. Ask your team manager to review it",
            what="no further action on a CSE referral",
        )  # fmt: skip
    if lead_practitioner is not None and lead_practitioner.agency_id != case.agency_id:
        errors["lead_practitioner"] = "Choose a practitioner from the case's own agency"
    refuse_if_any(errors)
    with transaction.atomic():
        referral.decision, referral.decision_reasons = decision, reasons
        referral.decided_at, referral.decided_by = decided_at, actor
        fields = ["decision", "decision_reasons", "decided_at", "decided_by"]
        if manager_reason:
            referral.manager_decision_by, referral.manager_reason = actor, manager_reason
            referral.manager_decision_at = decided_at
            fields += ["manager_decision_by", "manager_reason", "manager_decision_at"]
        referral.save(update_fields=fields)
        if lead_practitioner is not None:
            _allocate(case, lead_practitioner, actor=actor)
        if decision == ReferralDecision.NFA:
            move(case, Stage.CLOSED, actor=actor, reason=f"No further action: {reasons}")
        elif decision == ReferralDecision.EARLY_HELP:
            move(case, Stage.EARLY_HELP, actor=actor, reason=reasons)
        elif decision == ReferralDecision.ASSESSMENT:
            move(case, Stage.ASSESSMENT, actor=actor, reason=reasons)
            _ensure_assessment(case, referral, actor=actor)
        else:
            move(case, Stage.STRATEGY, actor=actor, reason=reasons)
            StrategyDiscussion.objects.create(
                case=case,
                referral=referral,
                concerns_identified_at=decided_at,
                immediate_risk=immediate_risk,
                cse_risk=referral.is_cse_or_exploitation,
                recorded_by=actor,
            )
        _recorded(
            actor,
            case,
            AuditAction.UPDATE,
            referral,
            "decide a referral",
            detail={"decision": decision, "manager": bool(manager_reason), "cse": referral.is_cse_or_exploitation},
        )
    return referral


def _ensure_assessment(case: Case, referral: Referral, *, actor: User) -> Assessment:
    """WT-S47: the enquiry runs through the child and family assessment, which counts from the referral."""
    current = case.assessments.exclude(status=AssessmentStatus.AUTHORISED).first()
    if current is not None:
        return current
    assessment = Assessment.objects.create(
        case=case, referral=referral, lead_practitioner=case.lead_practitioner, recorded_by=actor
    )
    _audit(actor, AuditAction.CREATE, assessment, "start an assessment", {"case": case.pk})
    return assessment


def _latest_referral(case: Case) -> Referral:
    referral = case.referrals.order_by("-received_at", "-pk").first()
    if referral is None:
        raise ValidationError({"case": "This case has no referral to count from"})
    return referral


# --- Allocation ------------------------------------------------------------------------------------------------


def _allocate(case: Case, practitioner: User, *, actor: User) -> None:
    case.lead_practitioner = practitioner
    if practitioner.team_id and case.team_id != practitioner.team_id:
        case.team_id = practitioner.team_id
    case.save(update_fields=["lead_practitioner", "team"])
    Allocation.objects.get_or_create(person=case.child, user=practitioner)
    case.assessments.exclude(status=AssessmentStatus.AUTHORISED).update(lead_practitioner=practitioner)
    _audit(actor, AuditAction.UPDATE, case, "allocate a lead practitioner", {"lead": practitioner.username})


def allocate(*, actor: User, case: Case, practitioner: User | None) -> Case:
    """WT-LEAD-PRACT: a manager allocates the lead practitioner; in a s47 enquiry or under a plan they must be a
    registered social worker."""
    require(actor, Action.UPDATE, case, purpose="allocate a lead practitioner")
    errors: Errors = {}
    _open(errors, case)
    if not _is_manager(actor, case):
        errors["practitioner"] = "Only a team manager allocates the lead practitioner"
    elif practitioner is None:
        errors["practitioner"] = "Choose the lead practitioner"
    elif practitioner.agency_id != case.agency_id or not practitioner.is_active:
        errors["practitioner"] = "Choose an active practitioner from the case's own agency"
    elif case.stage in (Stage.S47, Stage.CONFERENCE, Stage.CP_PLAN):
        problem = _registered(
            practitioner, on=timezone.localdate(), what="leads a s47 enquiry or child protection plan"
        )
        if problem:
            errors["practitioner"] = problem
    refuse_if_any(errors)
    assert practitioner is not None  # noqa: S101 - checked above
    with transaction.atomic():
        _allocate(case, practitioner, actor=actor)
        case.enquiries.filter(outcome="").update(lead_practitioner=practitioner)
        case.plans.filter(ended_on__isnull=True).update(lead_practitioner=practitioner)
        _touch(case)
    return case


# --- Strategy discussions and s47 enquiries ----------------------------------------------------------------------


def strategy_request(
    *,
    actor: User,
    case: Case,
    concerns_identified_at: dt.datetime | None,
    reason: str,
    immediate_risk: bool = False,
    cse_risk: bool = False,
) -> StrategyDiscussion:
    """Child-protection concerns identified on an open case: a strategy discussion is due (LOCAL-STRAT-3)."""
    require(actor, Action.UPDATE, case, purpose="request a strategy discussion")
    errors: Errors = {}
    _open(errors, case)
    _when(errors, "concerns_identified_at", concerns_identified_at, "the date and time the concerns were identified")
    reason = _text(errors, "reason", reason, "the concerns that need a strategy discussion")
    if case.is_open and not workflow.allowed(case.stage, Stage.STRATEGY):
        errors["case"] = f"A case at '{Stage(case.stage).label}' cannot move to a strategy discussion now"
    refuse_if_any(errors)
    assert concerns_identified_at is not None  # noqa: S101 - checked above
    with transaction.atomic():
        move(case, Stage.STRATEGY, actor=actor, reason=reason)
        discussion = StrategyDiscussion.objects.create(
            case=case,
            referral=case.referrals.order_by("-received_at").first(),
            concerns_identified_at=concerns_identified_at,
            immediate_risk=immediate_risk,
            cse_risk=cse_risk or case.cse_concern,
            recorded_by=actor,
        )
        _recorded(
            actor, case, AuditAction.CREATE, discussion, "request a strategy discussion", detail={"case": case.pk}
        )
    return discussion


@dataclass(frozen=True)
class Attendee:
    agency_kind: str
    name: str
    role: str = ""


def _check_attendees(errors: Errors, attendees: Sequence[Attendee]) -> None:
    """Working Together: social care, police and health at least take part in a strategy discussion."""
    if any(a.agency_kind not in AttendeeAgencyKind.values for a in attendees):
        errors["attendees"] = "Choose each attendee's agency from the list"
        return
    present = {a.agency_kind for a in attendees if a.name.strip()}
    missing = [AttendeeAgencyKind(k).label.lower() for k in REQUIRED_STRATEGY_AGENCIES if k not in present]
    if missing:
        errors["attendees"] = "A strategy discussion needs someone from " + ", ".join(missing) + " (Working Together)"


def strategy_record(
    *,
    actor: User,
    discussion: StrategyDiscussion,
    held_at: dt.datetime | None,
    attendees: Sequence[Attendee],
    outcome: str,
    outcome_reasons: str,
    cse_risk: bool | None = None,
    manager_reason: str = "",
    lead_practitioner: User | None = None,
) -> StrategyDiscussion:
    """The discussion held: who took part, and whether a s47 enquiry starts. A s47 starts the ICPC clock
    (WT-ICPC-15) from this discussion; "no s47" for a child at risk of CSE needs a manager's reason."""
    case = discussion.case
    require(actor, Action.UPDATE, case, purpose="record a strategy discussion")
    errors: Errors = {}
    _open(errors, case)
    if discussion.held_at is not None:
        errors["held_at"] = "This strategy discussion has already been recorded"
    _when(
        errors,
        "held_at",
        held_at,
        "the date and time of the discussion",
        after=discussion.concerns_identified_at,
        after_label="the concerns were identified",
    )
    _check_attendees(errors, attendees)
    if outcome not in StrategyOutcome.values:
        errors["outcome"] = "Choose the outcome: section 47 enquiry or no section 47 enquiry"
    reasons = _text(errors, "outcome_reasons", outcome_reasons, "the reasons for the outcome")
    at_risk = discussion.cse_risk or case.cse_concern if cse_risk is None else cse_risk
    manager_reason = manager_reason.strip()
    if outcome == StrategyOutcome.NO_S47 and at_risk:
        _manager_sign_off(
            errors, actor, case, manager_reason, field="outcome",
            refusal="This child is at risk of CSE: only a team manager may record no section 47 enquiry, with a "
            "reason",
            what="no s47 enquiry for a child at risk of CSE",
        )  # fmt: skip
    lead = lead_practitioner or case.lead_practitioner
    if outcome == StrategyOutcome.S47:
        problem = _registered(lead, on=timezone.localdate(), what="leads a s47 enquiry")
        if problem:
            errors["lead_practitioner"] = problem
    refuse_if_any(errors)
    assert held_at is not None  # noqa: S101 - checked above
    with transaction.atomic():
        discussion.held_at, discussion.chair = held_at, actor
        discussion.outcome, discussion.outcome_reasons, discussion.cse_risk = outcome, reasons, at_risk
        if manager_reason:
            discussion.manager_by, discussion.manager_reason, discussion.manager_at = (
                actor,
                manager_reason,
                timezone.now(),
            )
        discussion.save()
        StrategyAttendee.objects.bulk_create(
            StrategyAttendee(discussion=discussion, agency_kind=a.agency_kind, name=a.name.strip(), role=a.role.strip())
            for a in attendees
            if a.name.strip()
        )
        if at_risk and not case.cse_concern:
            case.cse_concern = True
            case.save(update_fields=["cse_concern"])
        if outcome == StrategyOutcome.S47:
            assert lead is not None  # noqa: S101 - checked above
            if case.lead_practitioner_id != lead.pk:
                _allocate(case, lead, actor=actor)
            move(case, Stage.S47, actor=actor, reason=reasons)
            enquiry = Section47Enquiry.objects.create(
                case=case, strategy=discussion, started_at=held_at, lead_practitioner=lead, recorded_by=actor
            )
            _audit(actor, AuditAction.CREATE, enquiry, "start a s47 enquiry", {"case": case.pk})
        else:
            move(case, Stage.ASSESSMENT, actor=actor, reason=reasons)
        _ensure_assessment(case, discussion.referral or _latest_referral(case), actor=actor)
        _recorded(
            actor, case, AuditAction.UPDATE, discussion, "record a strategy discussion", detail={"outcome": outcome}
        )
    return discussion


def s47_complete(
    *, actor: User, enquiry: Section47Enquiry, outcome: str, reasons: str, outcome_at: dt.datetime | None = None
) -> Section47Enquiry:
    """The enquiry's outcome (LOCAL-S47-15), recorded by a registered social worker."""
    case = enquiry.case
    require(actor, Action.UPDATE, case, purpose="record a s47 outcome")
    outcome_at = outcome_at or timezone.now()
    errors: Errors = {}
    _open(errors, case)
    if enquiry.outcome:
        errors["outcome"] = "This enquiry's outcome has already been recorded"
    elif case.stage != Stage.S47:
        errors["outcome"] = f"A case at '{Stage(case.stage).label}' has no s47 enquiry under way"
    if outcome not in S47Outcome.values:
        errors["outcome"] = "Choose the outcome of the enquiry"
    problem = _registered(actor, on=timezone.localdate(), what="records the outcome of a s47 enquiry")
    if problem:
        errors["outcome"] = problem
    reasons = _text(errors, "reasons", reasons, "the reasons for the outcome")
    _when(
        errors,
        "outcome_at",
        outcome_at,
        "the date and time of the outcome",
        after=enquiry.started_at,
        after_label="the strategy discussion that started the enquiry",
    )
    refuse_if_any(errors)
    with transaction.atomic():
        enquiry.outcome, enquiry.outcome_reasons, enquiry.outcome_at, enquiry.outcome_by = (
            outcome,
            reasons,
            outcome_at,
            actor,
        )
        enquiry.save(update_fields=["outcome", "outcome_reasons", "outcome_at", "outcome_by"])
        move(case, Stage.CONFERENCE if outcome == S47Outcome.ICPC else Stage.ASSESSMENT, actor=actor, reason=reasons)
        _recorded(actor, case, AuditAction.UPDATE, enquiry, "record a s47 outcome", detail={"outcome": outcome})
    return enquiry


# --- Assessments -----------------------------------------------------------------------------------------------


def assessment_contribute(*, actor: User, assessment: Assessment, text: str) -> Contribution:
    """Anyone working on the case, qualified or not, adds to the assessment."""
    require(actor, Action.UPDATE, assessment.case, purpose="contribute to an assessment")
    errors: Errors = {}
    _open(errors, assessment.case)
    if assessment.status != AssessmentStatus.IN_PROGRESS:
        errors["text"] = "This assessment has been completed: add new information as a contact or case note"
    text = _text(errors, "text", text, "your contribution")
    refuse_if_any(errors)
    with transaction.atomic():
        contribution = Contribution.objects.create(assessment=assessment, text=text, recorded_by=actor)
        _recorded(
            actor,
            assessment.case,
            AuditAction.CREATE,
            contribution,
            "contribute to an assessment",
            detail={"case": assessment.case_id},
        )
    return contribution


def assessment_due(assessment: Assessment) -> dt.date:
    """WT-ASSESS-45: 45 working days from the point of referral."""
    deadline = due("WT-ASSESS-45", assessment.referral.received_at)
    return deadline.due_at().date()


def assessment_complete(
    *,
    actor: User,
    assessment: Assessment,
    summary: str,
    child_views: str,
    overdue_reason: str = "",
    completed_at: dt.datetime | None = None,
) -> Assessment:
    """Completed only by a registered social worker (never by unqualified staff); one completed after its
    WT-ASSESS-45 due date says why."""
    case = assessment.case
    require(actor, Action.UPDATE, case, purpose="complete an assessment")
    today = timezone.localdate()
    completed_at = completed_at or timezone.now()
    errors: Errors = {}
    _when(errors, "completed_at", completed_at, "the date the assessment was completed",
          after=assessment.referral.received_at, after_label="the referral was received")  # fmt: skip
    _open(errors, case)
    if assessment.status != AssessmentStatus.IN_PROGRESS:
        errors["summary"] = "This assessment has already been completed"
    problem = _registered(actor, on=today, what="completes an assessment")
    if problem:
        errors["summary"] = f"{problem}. Unqualified staff may contribute to an assessment but not complete it"
    summary = _text(errors, "summary", summary, "the assessment's analysis and conclusion")
    child_views = _text(errors, "child_views", child_views, "the child's views, in their own words")
    overdue_reason = overdue_reason.strip()
    if timezone.localtime(completed_at).date() > assessment_due(assessment) and not overdue_reason:
        errors["overdue_reason"] = (
            f"This assessment is past its 45-working-day timescale ({assessment_due(assessment):%-d %B %Y}, "
            "rule WT-ASSESS-45): enter the reason it is late"
        )
    refuse_if_any(errors)
    with transaction.atomic():
        assessment.summary, assessment.child_views, assessment.overdue_reason = summary, child_views, overdue_reason
        assessment.status, assessment.completed_at, assessment.completed_by = (
            AssessmentStatus.COMPLETED,
            completed_at,
            actor,
        )
        assessment.save()
        _recorded(
            actor, case, AuditAction.UPDATE, assessment, "complete an assessment", detail={"late": bool(overdue_reason)}
        )
    return assessment


def assessment_authorise(*, actor: User, assessment: Assessment) -> Assessment:
    """Authorised only by a registered social worker other than the one who completed it, whose Social Work
    England number is recorded with the authorisation."""
    case = assessment.case
    require(actor, Action.UPDATE, case, purpose="authorise an assessment")
    errors: Errors = {}
    _open(errors, case)
    if assessment.status != AssessmentStatus.COMPLETED:
        errors["assessment"] = "Only a completed assessment can be authorised"
    elif assessment.completed_by_id == actor.pk:
        errors["assessment"] = (
            "Another registered social worker or your manager must authorise an assessment you completed"
        )
    problem = _registered(actor, on=timezone.localdate(), what="authorises an assessment")
    if problem:
        errors["assessment"] = problem
    refuse_if_any(errors)
    with transaction.atomic():
        assessment.status, assessment.authorised_at, assessment.authorised_by = (
            AssessmentStatus.AUTHORISED,
            timezone.now(),
            actor,
        )
        assessment.authoriser_registration = actor.swe_registration
        assessment.save(update_fields=["status", "authorised_at", "authorised_by", "authoriser_registration"])
        _recorded(actor, case, AuditAction.UPDATE, assessment, "authorise an assessment")
    return assessment


# --- Conferences, plans and core groups ------------------------------------------------------------------------


def _participation(errors: Errors, participation: str, note: str, views: str) -> tuple[str, str]:
    """The young person's part: attended, views given another way (say how), or not (say why)."""
    note, views = note.strip(), views.strip()
    if participation not in Participation.values:
        errors["participation"] = "Say whether the young person attended, gave their views another way, or did not"
    elif participation == Participation.VIEWS_ANOTHER_WAY and not note:
        errors["participation_note"] = "Say how the young person gave their views (advocate, letter, app, worker)"
    elif participation == Participation.DID_NOT and not note:
        errors["participation_note"] = "Say why the young person did not take part"
    if participation in (Participation.ATTENDED, Participation.VIEWS_ANOTHER_WAY) and not views:
        errors["child_views"] = "Enter the young person's views, in their own words"
    return note, views


def _conference_follows(
    errors: Errors, case: Case, *, kind: str, decision: str, held_on: dt.date | None
) -> tuple[Section47Enquiry | None, ProtectionPlan | None]:
    """What the conference follows (the enquiry, or the plan it reviews), checked to be in order."""
    enquiry = plan = None
    floor: Any = None
    floor_label = ""
    if kind == ConferenceKind.INITIAL:
        enquiry = case.enquiries.filter(outcome=S47Outcome.ICPC).order_by("-started_at").first()
        if case.stage != Stage.CONFERENCE or enquiry is None:
            errors["kind"] = "An initial conference follows a s47 enquiry whose outcome is a conference"
        else:
            floor, floor_label = enquiry.started_at, "the strategy discussion that started the enquiry"
        if decision not in (ConferenceDecision.PLAN, ConferenceDecision.NO_PLAN):
            errors["decision"] = "Choose the decision: a child protection plan, or no plan"
    elif kind == ConferenceKind.REVIEW:
        plan = case.plans.filter(ended_on__isnull=True).first()
        if case.stage != Stage.CP_PLAN or plan is None:
            errors["kind"] = "A review conference reviews a child protection plan in force"
        else:
            last = plan.reviews.filter(kind=ConferenceKind.REVIEW).order_by("-held_on").first()
            floor, floor_label = (
                (last.held_on, "the previous review") if last else (plan.started_on, "the plan started")
            )
        if decision not in (ConferenceDecision.PLAN, ConferenceDecision.END_PLAN):
            errors["decision"] = "Choose the decision: continue the plan, or end it"
    else:
        errors["kind"] = "Choose initial or review conference"
    _when(errors, "held_on", held_on, "the date of the conference", after=floor, after_label=floor_label)
    return enquiry, plan


def conference_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    held_on: dt.date | None,
    chair: str,
    decision: str,
    reasons: str,
    participation: str,
    participation_note: str = "",
    child_views: str = "",
    plan_category: str = "",
    visit_interval_working_days: int | None = None,
    seen_alone_exception: str = "",
) -> Conference:
    """An initial conference after a s47 enquiry (WT-ICPC-15), or a review of the plan (WT-RCPC-3M/6M)."""
    require(actor, Action.UPDATE, case, purpose="record a child protection conference")
    errors: Errors = {}
    _open(errors, case)
    chair = _text(errors, "chair", chair, "the name of the independent chair")
    reasons = _text(errors, "reasons", reasons, "the reasons for the decision")
    note, views = _participation(errors, participation, participation_note, child_views)
    enquiry, plan = _conference_follows(errors, case, kind=kind, decision=decision, held_on=held_on)
    new_plan = kind == ConferenceKind.INITIAL and decision == ConferenceDecision.PLAN
    if new_plan:
        if plan_category not in PlanCategory.values:
            errors["plan_category"] = "Choose the plan's category of abuse"
        problem = _registered(case.lead_practitioner, on=timezone.localdate(), what="leads a child protection plan")
        if problem:
            errors["lead_practitioner"] = problem + ". Ask the team manager to allocate one"
        if visit_interval_working_days is not None and not 1 <= visit_interval_working_days <= 20:
            errors["visit_interval_working_days"] = "Visits must be planned every 1 to 20 working days"
    refuse_if_any(errors)
    assert held_on is not None  # noqa: S101 - checked above
    with transaction.atomic():
        if new_plan:
            plan = ProtectionPlan.objects.create(
                case=case,
                started_on=held_on,
                category=plan_category,
                lead_practitioner=case.lead_practitioner,
                visit_interval_working_days=visit_interval_working_days or settings.LANTERN_CP_VISIT_WORKING_DAYS,
                seen_alone_exception=seen_alone_exception.strip(),
                recorded_by=actor,
            )
            _audit(actor, AuditAction.CREATE, plan, "start a child protection plan", {"case": case.pk})
        conference = Conference.objects.create(
            case=case,
            kind=kind,
            enquiry=enquiry,
            plan=plan,
            held_on=held_on,
            chair=chair,
            decision=decision,
            decision_reasons=reasons,
            participation=participation,
            participation_note=note,
            child_views=views,
            recorded_by=actor,
        )
        if kind == ConferenceKind.INITIAL:
            move(case, Stage.CP_PLAN if new_plan else Stage.ASSESSMENT, actor=actor, reason=reasons)
        elif decision == ConferenceDecision.END_PLAN:
            assert plan is not None  # noqa: S101 - checked above
            plan.ended_on = held_on
            plan.save(update_fields=["ended_on"])
            move(case, Stage.ASSESSMENT, actor=actor, reason=f"Plan ended: {reasons}")
        _recorded(
            actor,
            case,
            AuditAction.CREATE,
            conference,
            "record a conference",
            detail={"kind": kind, "decision": decision},
        )
    return conference


def core_group_record(
    *,
    actor: User,
    plan: ProtectionPlan,
    held_on: dt.date | None,
    attendees: str,
    participation: str,
    participation_note: str = "",
    child_views: str = "",
    notes: str = "",
) -> CoreGroupMeeting:
    case = plan.case
    require(actor, Action.UPDATE, case, purpose="record a core group meeting")
    errors: Errors = {}
    _open(errors, case)
    if plan.ended_on is not None:
        errors["plan"] = "This plan has ended"
    _when(errors, "held_on", held_on, "the date of the meeting", after=plan.started_on, after_label="the plan started")
    attendees = _text(errors, "attendees", attendees, "who attended, with their agencies")
    note, views = _participation(errors, participation, participation_note, child_views)
    notes = _text(errors, "notes", notes, "notes", required=False)
    refuse_if_any(errors)
    assert held_on is not None  # noqa: S101 - checked above
    with transaction.atomic():
        meeting = CoreGroupMeeting.objects.create(
            plan=plan,
            held_on=held_on,
            attendees=attendees,
            participation=participation,
            participation_note=note,
            child_views=views,
            notes=notes,
            recorded_by=actor,
        )
        _recorded(actor, case, AuditAction.CREATE, meeting, "record a core group meeting", detail={"case": case.pk})
    return meeting


# --- Visits and missing episodes -------------------------------------------------------------------------------


def visit_record(
    *,
    actor: User,
    case: Case,
    visited_at: dt.datetime | None,
    child_seen: bool,
    seen_alone: bool,
    child_words: str = "",
    not_seen_reason: str = "",
    notes: str = "",
) -> Visit:
    """A statutory visit: was the child seen, seen alone, and what did they say in their own words."""
    require(actor, Action.UPDATE, case, purpose="record a visit")
    errors: Errors = {}
    _open(errors, case)
    _when(
        errors,
        "visited_at",
        visited_at,
        "the date and time of the visit",
        after=case.opened_at,
        after_label="the case opened",
    )
    if seen_alone and not child_seen:
        errors["seen_alone"] = "A child seen alone was seen: tick 'child seen' too"
    words = _text(errors, "child_words", child_words, "what the child said, in their own words", required=child_seen)
    reason = _text(errors, "not_seen_reason", not_seen_reason, "why the child was not seen", required=not child_seen)
    notes = _text(errors, "notes", notes, "notes", required=False)
    refuse_if_any(errors)
    assert visited_at is not None  # noqa: S101 - checked above
    with transaction.atomic():
        visit = Visit.objects.create(
            case=case,
            visited_at=visited_at,
            visited_by=actor,
            child_seen=child_seen,
            seen_alone=seen_alone,
            child_words=words,
            not_seen_reason=reason,
            notes=notes,
            recorded_by=actor,
        )
        _recorded(
            actor, case, AuditAction.CREATE, visit, "record a visit", detail={"case": case.pk, "seen": child_seen}
        )
    return visit


def missing_record(
    *,
    actor: User,
    case: Case,
    missing_from: dt.datetime | None,
    returned_at: dt.datetime | None = None,
    circumstances: str = "",
) -> MissingEpisode:
    require(actor, Action.UPDATE, case, purpose="record a missing episode")
    errors: Errors = {}
    _open(errors, case)
    _when(errors, "missing_from", missing_from, "the date and time the child went missing")
    if returned_at is not None:
        _when(
            errors,
            "returned_at",
            returned_at,
            "the date and time the child returned",
            after=missing_from,
            after_label="they went missing",
        )
    circumstances = _text(errors, "circumstances", circumstances, "the circumstances", required=False)
    refuse_if_any(errors)
    assert missing_from is not None  # noqa: S101 - checked above
    with transaction.atomic():
        episode = MissingEpisode.objects.create(
            case=case,
            missing_from=missing_from,
            returned_at=returned_at,
            circumstances=circumstances,
            recorded_by=actor,
        )
        _recorded(actor, case, AuditAction.CREATE, episode, "record a missing episode", detail={"case": case.pk})
        missing_recorded.send(sender=MissingEpisode, episode=episode)
    return episode


def missing_returned(*, actor: User, episode: MissingEpisode, returned_at: dt.datetime | None) -> MissingEpisode:
    """The child is back: the return home interview is due within 72 clock hours (MISS-RHI-72H)."""
    require(actor, Action.UPDATE, episode.case, purpose="record a return from missing")
    errors: Errors = {}
    if episode.returned_at is not None:
        errors["returned_at"] = "This episode's return has already been recorded"
    _when(
        errors,
        "returned_at",
        returned_at,
        "the date and time the child returned",
        after=episode.missing_from,
        after_label="they went missing",
    )
    refuse_if_any(errors)
    with transaction.atomic():
        episode.returned_at = returned_at
        episode.save(update_fields=["returned_at"])
        _recorded(actor, episode.case, AuditAction.UPDATE, episode, "record a return from missing")
    return episode


def rhi_record(
    *,
    actor: User,
    episode: MissingEpisode,
    held_at: dt.datetime | None,
    by: str,
    summary: str = "",
    child_words: str = "",
    declined_reason: str = "",
) -> MissingEpisode:
    """The independent return interview, held or declined (with the child's reasons)."""
    require(actor, Action.UPDATE, episode.case, purpose="record a return home interview")
    errors: Errors = {}
    if episode.returned_at is None:
        errors["held_at"] = "Record when the child returned before the return interview"
    elif episode.rhi_held_at is not None or episode.rhi_declined_reason:
        errors["held_at"] = "This episode's return interview has already been recorded"
    else:
        _when(
            errors,
            "held_at",
            held_at,
            "the date and time of the interview",
            after=episode.returned_at,
            after_label="the child returned",
        )
    by = _text(errors, "by", by, "who held or offered the interview")
    declined = declined_reason.strip()
    summary = _text(errors, "summary", summary, "what was learned", required=not declined)
    words = child_words.strip()
    refuse_if_any(errors)
    with transaction.atomic():
        episode.rhi_held_at, episode.rhi_by, episode.rhi_summary = held_at, by, summary
        episode.child_words, episode.rhi_declined_reason = words, declined
        episode.save(update_fields=["rhi_held_at", "rhi_by", "rhi_summary", "child_words", "rhi_declined_reason"])
        _recorded(
            actor,
            episode.case,
            AuditAction.UPDATE,
            episode,
            "record a return home interview",
            detail={"declined": bool(declined)},
        )
    return episode


# --- Reassurances and oversight --------------------------------------------------------------------------------


def reassurance_record(
    *, actor: User, case: Case, given_by: str, given_on: dt.date | None, promise: str, is_safety_agreement: bool = False
) -> Reassurance:
    """LANTERN-REASSURE: a promise recorded while an earlier one for the child is recorded as broken is flagged
    to the team manager the same day, with the history."""
    require(actor, Action.UPDATE, case, purpose="record a family reassurance")
    errors: Errors = {}
    _open(errors, case)
    given_by = _text(errors, "given_by", given_by, "who gave the reassurance")
    promise = _text(errors, "promise", promise, "what was promised")
    _when(errors, "given_on", given_on, "the date it was given")
    refuse_if_any(errors)
    assert given_on is not None  # noqa: S101 - checked above
    broken = Reassurance.objects.filter(case__child=case.child, status=ReassuranceStatus.BROKEN).count()
    with transaction.atomic():
        reassurance = Reassurance.objects.create(
            case=case,
            given_by=given_by,
            given_on=given_on,
            promise=promise,
            is_safety_agreement=is_safety_agreement,
            flagged=broken > 0,
            recorded_by=actor,
        )
        _recorded(
            actor,
            case,
            AuditAction.CREATE,
            reassurance,
            "record a family reassurance",
            detail={"earlier_broken": broken},
        )
        if broken:
            notify(
                managers_of(case),
                case=case,
                rule="LANTERN-REASSURE",
                item_key=f"reassurance:{reassurance.pk}",
                message=f"A new family reassurance on case {case.pk} follows {broken} that broke: "
                "review the history and decide whether to accept it.",
            )
    return reassurance


def reassurance_outcome(
    *, actor: User, reassurance: Reassurance, status: str, outcome_on: dt.date | None, note: str
) -> Reassurance:
    require(actor, Action.UPDATE, reassurance.case, purpose="record whether a reassurance held")
    errors: Errors = {}
    if reassurance.status != ReassuranceStatus.OPEN:
        errors["status"] = "Whether this reassurance held has already been recorded"
    if status not in (ReassuranceStatus.HELD, ReassuranceStatus.BROKEN):
        errors["status"] = "Choose whether the reassurance held or broke"
    _when(errors, "outcome_on", outcome_on, "the date", after=reassurance.given_on, after_label="it was given")
    note = _text(errors, "note", note, "what happened")
    refuse_if_any(errors)
    with transaction.atomic():
        reassurance.status, reassurance.outcome_on, reassurance.outcome_note = status, outcome_on, note
        reassurance.save(update_fields=["status", "outcome_on", "outcome_note"])
        _recorded(
            actor,
            reassurance.case,
            AuditAction.UPDATE,
            reassurance,
            "record whether a reassurance held",
            detail={"status": status},
        )
    return reassurance


def reassurance_acknowledge(*, actor: User, reassurance: Reassurance, note: str) -> Reassurance:
    """The manager's answer to a flagged reassurance: what they decided, having seen the history."""
    require(actor, Action.UPDATE, reassurance.case, purpose="review a flagged reassurance")
    errors: Errors = {}
    if not _is_manager(actor, reassurance.case):
        errors["note"] = "Only a team manager reviews a flagged reassurance"
    elif not reassurance.flagged or reassurance.acknowledged_at is not None:
        errors["note"] = "This reassurance is not waiting for a manager's review"
    note = _text(errors, "note", note, "your decision, having seen the history")
    refuse_if_any(errors)
    with transaction.atomic():
        reassurance.acknowledged_by, reassurance.acknowledged_at, reassurance.manager_note = (
            actor,
            timezone.now(),
            note,
        )
        reassurance.save(update_fields=["acknowledged_by", "acknowledged_at", "manager_note"])
        _audit(actor, AuditAction.UPDATE, reassurance, "review a flagged reassurance")
    return reassurance


def oversight_record(*, actor: User, case: Case, note: str) -> OversightEntry:
    """LOCAL-OVERSIGHT-20: a manager's recorded oversight — the challenge the reviews found missing."""
    require(actor, Action.UPDATE, case, purpose="record management oversight")
    errors: Errors = {}
    _open(errors, case)
    if not _is_manager(actor, case):
        errors["note"] = "Only a team manager records management oversight"
    note = _text(errors, "note", note, "what you checked and what you directed")
    refuse_if_any(errors)
    with transaction.atomic():
        entry = OversightEntry.objects.create(case=case, note=note, recorded_by=actor)
        _recorded(actor, case, AuditAction.CREATE, entry, "record management oversight", detail={"case": case.pk})
    return entry


def case_close(*, actor: User, case: Case, reason: str) -> Case:
    """A team manager closes a case from early help, an assessment, or an ended plan, with a reason."""
    require(actor, Action.UPDATE, case, purpose="close a case")
    errors: Errors = {}
    _open(errors, case)
    if not _is_manager(actor, case):
        errors["reason"] = "Only a team manager closes a case"
    reason = _text(errors, "reason", reason, "the reason for closing the case")
    if case.stage == Stage.REFERRAL:
        errors["reason"] = "Record the decision on the referral: no further action closes the case, with reasons"
    elif case.is_open and not workflow.allowed(case.stage, Stage.CLOSED):
        errors["reason"] = f"A case at '{Stage(case.stage).label}' cannot be closed until that step is complete"
    if case.plans.filter(ended_on__isnull=True).exists():
        errors["reason"] = "End the child protection plan at a review conference before closing the case"
    elif case.assessments.exclude(status=AssessmentStatus.AUTHORISED).exists():
        errors["reason"] = "Complete and authorise the assessment before closing the case"
    refuse_if_any(errors)
    with transaction.atomic():
        move(case, Stage.CLOSED, actor=actor, reason=reason)
    return case


# --- A manager's sign-off of no further action -----------------------------------------------------------------


def referral_nfa_review(*, actor: User, referral: Referral, agree: bool | None, reason: str) -> Referral | None:
    """A team manager's review of a social worker's decision of no further action, which closed the case with no
    manager involved (the reviews found referrals closed with no one checking). Agreeing signs the decision off
    with the manager's reason. Disagreeing keeps the manager's reason on the decision and records the same concerns,
    from the same source, as a new referral received now, so the decision is made again within WT-REF-DECIDE-1 on
    a new case; the social worker who decided is told. Returns that new referral (None on agreeing)."""
    case = referral.case
    require(actor, Action.UPDATE, case, purpose="sign off no further action")
    errors: Errors = {}
    decider = referral.decided_by
    if not _is_manager(actor, case):
        errors["agree"] = "Only a team manager in the case's agency signs off a decision of no further action"
    elif referral.decision != ReferralDecision.NFA:
        errors["agree"] = "Only a decision of no further action is signed off"
    elif referral.manager_decision_at is not None:
        errors["agree"] = "A team manager has already made or signed off this decision"
    elif decider is not None and decider.role == Role.TEAM_MANAGER:
        errors["agree"] = "A team manager made this decision: it needs no sign-off"
    elif agree is None:
        errors["agree"] = "Choose whether you agree with no further action"
    reason = _text(errors, "reason", reason, "your reason, as team manager")
    refuse_if_any(errors)
    now = timezone.now()
    with transaction.atomic():
        referral.manager_decision_by, referral.manager_reason, referral.manager_decision_at = actor, reason, now
        referral.save(update_fields=["manager_decision_by", "manager_reason", "manager_decision_at"])
        _audit(actor, AuditAction.UPDATE, referral, "sign off no further action", {"agree": agree, "case": case.pk})
        if agree:
            return None
        again = referral_record(
            actor=actor, child=case.child, received_at=now, source_kind=referral.source_kind,
            source_agency=referral.source_agency, source_person=referral.source_person, concerns=referral.concerns,
            cse_indicators=referral.cse_indicators, names_exploiting_adults=referral.names_exploiting_adults,
        )  # fmt: skip
        if decider is not None:
            # The message names cases, not the child, and leaves the reason in Lantern: it is emailed too.
            message = (
                f"{actor.get_full_name() or actor.username} did not agree with no further action on case {case.pk}: "
                f"the referral is recorded again on case {again.case_id} for a new decision. Their reason is on case "
                f"{case.pk}."
            )
            notify([decider], case=again.case, rule="WT-REF-DECIDE-1", item_key=f"nfa-review:{referral.pk}",
                   message=message)  # fmt: skip
    return again
