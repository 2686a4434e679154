"""Reads about cases, always through `access`: one case with its story, what is due and overdue, for whom.

Every open piece of statutory work carries its due date and the rulebook id that sets it, so a page, the
API and the escalation job all say the same thing about what is late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from lantern.access.policy import (
    AccessDenied,
    Action,
    Category,
    Decision,
    refuse_missing,
    require,
    require_row,
    scope,
)
from lantern.access.roles import Role
from lantern.accounts.models import User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.calendar.deadlines import due
from lantern.calendar.workdays import add_working_days, end_of_day, is_working_day
from lantern.cases.enums import AssessmentStatus, ConferenceKind, S47Outcome, Stage
from lantern.cases.models import (
    Assessment,
    Case,
    Conference,
    CoreGroupMeeting,
    MissingEpisode,
    Notification,
    OversightEntry,
    ProtectionPlan,
    Reassurance,
    Referral,
    Section47Enquiry,
    StrategyDiscussion,
    Visit,
)
from lantern.cases.workflow import STATUTORY_STAGES

LONDON = timezone.get_default_timezone()
DUE_SOON_WORKING_DAYS = 3


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("child", "agency", "team", "team__manager", "lead_practitioner")


def case_get(*, actor: User, case_id: object, purpose: str = "view a case") -> Case:
    case = require_row(actor, Action.VIEW, _cases(), case_id, purpose=purpose)
    audit_record(actor=actor, action=AuditAction.VIEW, target=case, purpose=purpose, outcome=Outcome.SUCCESS)
    return case


def case_for_change(*, actor: User, case_id: object, purpose: str) -> Case:
    return require_row(actor, Action.UPDATE, _cases(), case_id, purpose=purpose)


def step_for_change(*, actor: User, model: type[Model], step_id: object, purpose: str) -> Any:
    """A step of a case (a referral, a discussion, a plan...) a write is about; access is decided on its case."""
    try:
        row = model._default_manager.select_related(*_case_path(model)).filter(pk=int(str(step_id))).first()
    except ValueError:
        row = None
    if row is None:
        refuse_missing(actor, Action.UPDATE, model.AUDIT_TYPE, step_id, purpose=purpose)  # type: ignore[attr-defined]
    require(actor, Action.UPDATE, case_of(row), purpose=purpose)
    return row


def _case_path(model: type[Model]) -> tuple[str, ...]:
    return ("plan__case",) if not hasattr(model, "case_id") else ("case",)


def case_of(step: Any) -> Case:
    case: Case = step.case if hasattr(step, "case_id") else step.plan.case
    return case


# --- Deadlines -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueItem:
    """One piece of open statutory work: what, by when, under which rule, and whose it is."""

    case: Case
    key: str  # stable, for escalations sent once: "referral:12"
    label: str
    rule: str
    due_at: dt.datetime
    basis: str

    @property
    def due_on(self) -> dt.date:
        return timezone.localtime(self.due_at, LONDON).date()

    def days_left(self, today: dt.date | None = None) -> int:
        """Working days from today to the due day: 0 when due today, negative when overdue."""
        today = today or timezone.localdate()
        step = 1 if self.due_on >= today else -1
        count, day = 0, today
        while day != self.due_on:
            day += dt.timedelta(days=step)
            if is_working_day(day) or day == self.due_on:
                count += step
        return count

    def overdue(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) > self.due_at

    def due_soon(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        soon = end_of_day(add_working_days(timezone.localtime(now, LONDON).date(), DUE_SOON_WORKING_DAYS))
        return not self.overdue(now) and self.due_at <= soon

    def status(self, now: dt.datetime | None = None) -> str:
        if self.overdue(now):
            return "overdue"
        return "due soon" if self.due_soon(now) else "on time"


def _item(case: Case, key: str, label: str, rule: str, start: dt.date | dt.datetime) -> DueItem:
    deadline = due(rule, start)
    return DueItem(case=case, key=key, label=label, rule=rule, due_at=deadline.due_at(), basis=deadline.basis.value)


# Every item below reads the case's rows through `_rows`, so the cases `with_deadline_rows` returns answer from a
# dozen queries however many there are. Those rows are plain records of just the columns the deadlines read:
# model instances, built by Django's prefetch machinery, cost a team's open cases at ten times the demo's size
# several times what the queries did.
_DEADLINE_COLUMNS: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "referrals": (Referral, ("decision", "received_at")),
    "strategy_discussions": (StrategyDiscussion, ("held_at", "concerns_identified_at", "immediate_risk")),
    "enquiries": (Section47Enquiry, ("outcome", "started_at")),
    "conferences": (Conference, ("kind", "enquiry_id", "plan_id", "held_on")),
    "assessments": (Assessment, ("status", "referral__received_at")),
    "plans": (ProtectionPlan, ("ended_on", "started_on", "visit_interval_working_days", "seen_alone_exception")),
    "visits": (Visit, ("visited_at", "child_seen", "seen_alone")),
    "missing_episodes": (MissingEpisode, ("returned_at", "rhi_held_at", "rhi_declined_reason")),
    "reassurances": (Reassurance, ("flagged", "acknowledged_at", "recorded_at")),
    "oversight": (OversightEntry, ("recorded_at",)),
}


def _attr(name: str) -> str:
    return f"deadline_{name}"


def _records(model: type[Model], owner: str, columns: tuple[str, ...], ids: list[int]) -> dict[int, list[Any]]:
    """The rows of `model` whose `owner` is in `ids`, as records of `columns`, by owner, in the model's order."""
    found: dict[int, list[Any]] = {}
    for row in model._default_manager.filter(**{f"{owner}__in": ids}).values("id", owner, *columns):
        fields = {column: row[column] for column in columns if "__" not in column}
        if "referral__received_at" in row:  # an assessment counts from its referral
            fields["referral"] = SimpleNamespace(received_at=row["referral__received_at"])
        found.setdefault(row[owner], []).append(SimpleNamespace(pk=row["id"], **fields))
    return found


def with_deadline_rows(cases: QuerySet[Case]) -> list[Case]:
    """The cases, each carrying the rows its deadlines read."""
    found = list(cases)
    ids = [case.pk for case in found]
    rows = {name: _records(model, "case_id", columns, ids) for name, (model, columns) in _DEADLINE_COLUMNS.items()}
    core_groups = _records(
        CoreGroupMeeting, "plan_id", ("held_on",), [p.pk for ps in rows["plans"].values() for p in ps]
    )
    for case in found:
        for name in _DEADLINE_COLUMNS:
            setattr(case, _attr(name), rows[name].get(case.pk, []))
        for plan in getattr(case, _attr("plans")):
            plan.deadline_reviews = [c for c in getattr(case, _attr("conferences")) if c.plan_id == plan.pk]
            plan.deadline_core_groups = core_groups.get(plan.pk, [])
    return found


def _rows(owner: Model, name: str) -> list[Any]:
    """The owner's related rows: as `with_deadline_rows` fetched them, else read now (one case's page)."""
    fetched: list[Any] | None = getattr(owner, _attr(name), None)
    return fetched if fetched is not None else list(getattr(owner, name).all())


def _referral_items(case: Case) -> Iterator[DueItem]:
    for referral in _rows(case, "referrals"):
        if not referral.decision:
            yield _item(case, f"referral:{referral.pk}", "Decide on the referral", "WT-REF-DECIDE-1",
                        referral.received_at)  # fmt: skip
    for discussion in _rows(case, "strategy_discussions"):
        if discussion.held_at is not None:
            continue
        item = _item(case, f"strategy:{discussion.pk}", "Hold the strategy discussion", "LOCAL-STRAT-3",
                     discussion.concerns_identified_at)  # fmt: skip
        if discussion.immediate_risk:
            # The child is at immediate risk: the discussion is due today, whatever the local number.
            today = end_of_day(timezone.localtime(discussion.concerns_identified_at, LONDON).date())
            item = replace(item, label="Hold the strategy discussion today (immediate risk)", due_at=today)
        yield item


def _enquiry_items(case: Case) -> Iterator[DueItem]:
    conferenced = {c.enquiry_id for c in _rows(case, "conferences") if c.kind == ConferenceKind.INITIAL}
    for enquiry in _rows(case, "enquiries"):
        if not enquiry.outcome:
            yield _item(case, f"s47:{enquiry.pk}", "Record the s47 enquiry's outcome", "LOCAL-S47-15",
                        enquiry.started_at)  # fmt: skip
        # WT-ICPC-15 runs from the strategy discussion that started the enquiry, while a conference may follow.
        may_follow = not enquiry.outcome or enquiry.outcome == S47Outcome.ICPC
        if enquiry.pk not in conferenced and may_follow and case.stage in (Stage.S47, Stage.CONFERENCE):
            yield _item(case, f"icpc:{enquiry.pk}", "Hold the initial child protection conference", "WT-ICPC-15",
                        enquiry.started_at)  # fmt: skip
    for assessment in _rows(case, "assessments"):
        if assessment.status == AssessmentStatus.AUTHORISED:
            continue
        completed = assessment.status == AssessmentStatus.COMPLETED
        label = "Authorise the assessment" if completed else "Complete the child and family assessment"
        yield _item(case, f"assessment:{assessment.pk}", label, "WT-ASSESS-45", assessment.referral.received_at)


def _child_items(case: Case) -> Iterator[DueItem]:
    for plan in _rows(case, "plans"):
        if plan.ended_on is None:
            yield from _plan_items(case, plan)
    for episode in _rows(case, "missing_episodes"):
        if episode.returned_at is not None and episode.rhi_held_at is None and not episode.rhi_declined_reason:
            yield _item(case, f"rhi:{episode.pk}", "Hold the return home interview", "MISS-RHI-72H",
                        episode.returned_at)  # fmt: skip
    for reassurance in _rows(case, "reassurances"):
        if reassurance.flagged and reassurance.acknowledged_at is None:
            yield _item(case, f"reassurance:{reassurance.pk}",
                        "Review a family reassurance given after earlier ones broke", "LANTERN-REASSURE",
                        timezone.localtime(reassurance.recorded_at, LONDON).date())  # fmt: skip


def _management_items(case: Case) -> Iterator[DueItem]:
    if case.stage in STATUTORY_STAGES or case.cse_concern:
        last = max(_rows(case, "oversight"), key=lambda o: o.recorded_at, default=None)
        yield _item(case, f"oversight:{case.pk}:{last.pk if last else 0}", "Record management oversight",
                    "LOCAL-OVERSIGHT-20", last.recorded_at if last else case.opened_at)  # fmt: skip
    yield _item(case, f"drift:{case.pk}:{case.last_activity_at:%Y%m%d}", "No recorded activity (drift)",
                "LOCAL-DRIFT-10", case.last_activity_at)  # fmt: skip


def deadlines_for(case: Case) -> list[DueItem]:
    """Every open piece of statutory work on a case, soonest first."""
    if not case.is_open:
        return []
    sources = (_referral_items, _enquiry_items, _child_items, _management_items)
    return sorted((item for source in sources for item in source(case)), key=lambda i: i.due_at)


def _plan_items(case: Case, plan: ProtectionPlan) -> Iterator[DueItem]:
    reviews = sorted((c for c in _rows(plan, "reviews") if c.kind == ConferenceKind.REVIEW), key=lambda c: c.held_on)
    if reviews:
        yield _item(case, f"rcpc:{plan.pk}:{len(reviews)}", "Hold the next review conference", "WT-RCPC-6M",
                    reviews[-1].held_on)  # fmt: skip
    else:
        yield _item(case, f"rcpc:{plan.pk}:0", "Hold the first review conference", "WT-RCPC-3M", plan.started_on)
    last_core = max(_rows(plan, "core_groups"), key=lambda m: m.held_on, default=None)
    if last_core is None:
        yield _item(case, f"core:{plan.pk}:0", "Hold the first core group meeting", "WT-CORE-10", plan.started_on)
    else:
        yield _item(case, f"core:{plan.pk}:{last_core.pk}", "Hold the next core group meeting", "LOCAL-CORE-4W",
                    last_core.held_on)  # fmt: skip
    seen = sorted(
        (
            v
            for v in _rows(case, "visits")
            if v.child_seen and timezone.localtime(v.visited_at, LONDON).date() >= plan.started_on
        ),
        key=lambda v: v.visited_at,
        reverse=True,
    )[:2]
    start = timezone.localtime(seen[0].visited_at, LONDON).date() if seen else plan.started_on
    # The plan sets its own visit frequency (WT-CP-VISITS); LOCAL-CPVISIT-10 is the borough's default.
    due_at = end_of_day(add_working_days(start, plan.visit_interval_working_days))
    yield DueItem(case=case, key=f"visit:{plan.pk}:{seen[0].pk if seen else 0}", label="Visit and see the child",
                  rule="LOCAL-CPVISIT-10", due_at=due_at, basis="working_days")  # fmt: skip
    if len(seen) == 2 and not any(v.seen_alone for v in seen) and not plan.seen_alone_exception:
        # Seen alone at least every other visit unless the plan says why not: the next visit must be alone.
        yield DueItem(case=case, key=f"alone:{plan.pk}:{seen[0].pk}", label="See the child alone",
                      rule="LOCAL-CPVISIT-10", due_at=due_at, basis="working_days")  # fmt: skip


# --- Work lists ------------------------------------------------------------------------------------------------


def open_cases(actor: User) -> QuerySet[Case]:
    return scope(actor, _cases().filter(closed_at__isnull=True), Action.VIEW)


def case_list(
    *, actor: User, mine: bool = False, stage: str = "", limit: int, offset: int = 0
) -> tuple[int, list[Case]]:
    """A page of the open cases the actor may see, newest first, and how many there are; the read is audited."""
    found = open_cases(actor)
    if mine:
        found = found.filter(lead_practitioner=actor)
    if stage:
        found = found.filter(stage=stage)
    total = found.count()
    audit_record(
        actor=actor, action=AuditAction.SEARCH, object_type="case", purpose="list open cases",
        outcome=Outcome.SUCCESS, detail={"mine": mine, "stage": stage, "count": total},
    )  # fmt: skip
    return total, with_deadline_rows(found[offset : offset + limit])


@dataclass(frozen=True)
class WorkList:
    overdue: list[DueItem]
    due_soon: list[DueItem]
    on_time: list[DueItem]

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.on_time)


def _work_list(items: Iterable[DueItem]) -> WorkList:
    now = timezone.now()
    everything = sorted(items, key=lambda i: i.due_at)
    return WorkList(
        overdue=[i for i in everything if i.overdue(now)],
        due_soon=[i for i in everything if i.due_soon(now)],
        on_time=[i for i in everything if i.status(now) == "on time"],
    )


def my_work(*, actor: User) -> WorkList:
    """The practitioner's own list: work on the cases they lead."""
    cases = with_deadline_rows(open_cases(actor).filter(lead_practitioner=actor))
    work = _work_list(item for case in cases for item in deadlines_for(case))
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH,
        object_type="case",
        purpose="my work",
        outcome=Outcome.SUCCESS,
        detail={"items": work.count},
    )
    return work


def team_work(*, actor: User) -> tuple[WorkList, dict[str, WorkList]]:
    """A manager's list: every open case of the teams they manage (or their agency, if they manage none), and
    the same split per worker."""
    if actor.role != Role.TEAM_MANAGER:
        audit_record(actor=actor, action=AuditAction.DENIED, object_type=Category.CASE.value, purpose="team work",
                     outcome=Outcome.DENIED, detail={"attempted": "view", "reason": "not a team manager"})  # fmt: skip
        refusal = Decision(allowed=False, reason="Only team managers see their team's work.")
        raise AccessDenied(refusal, Category.CASE, Action.VIEW)
    cases = open_cases(actor)
    managed = list(actor.managed_teams.values_list("pk", flat=True))
    if managed:
        cases = cases.filter(team_id__in=managed)
    elif actor.agency_id is not None:
        cases = cases.filter(agency_id=actor.agency_id)
    items = [item for case in with_deadline_rows(cases) for item in deadlines_for(case)]
    per_worker: dict[str, list[DueItem]] = {}
    for item in items:
        lead = item.case.lead_practitioner
        name = (lead.get_full_name() or lead.username) if lead else "Not allocated"
        per_worker.setdefault(name, []).append(item)
    work = _work_list(items)
    audit_record(
        actor=actor,
        action=AuditAction.SEARCH,
        object_type="case",
        purpose="team work",
        outcome=Outcome.SUCCESS,
        detail={"items": work.count},
    )
    return work, {name: _work_list(listed) for name, listed in sorted(per_worker.items())}


def overdue_everywhere(now: dt.datetime | None = None) -> list[DueItem]:
    """Every overdue item on every open case, for the escalation job (which runs as no user)."""
    now = now or timezone.now()
    cases = with_deadline_rows(_cases().filter(closed_at__isnull=True))
    return [item for case in cases for item in deadlines_for(case) if item.overdue(now)]


NOTIFICATIONS_SHOWN = 20


def unread_notifications(user: User) -> list[Notification]:
    """The user's own unread messages, newest first (their own inbox: no other access decision)."""
    return list(
        Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created_at")[:NOTIFICATIONS_SHOWN]
    )


# --- The child's story ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    kind: str
    title: str
    detail: str = ""
    by: str = ""
    child_words: str = ""


def _at(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(12), tzinfo=LONDON)


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _referral_events(case: Case) -> Iterator[Event]:
    for r in case.referrals.select_related("recorded_by", "decided_by"):
        kind = r.get_source_kind_display()
        yield Event(r.received_at, "referral", f"Referral from {r.source_person} ({kind})", r.concerns,
                    _name(r.recorded_by))  # fmt: skip
        if r.decision and r.decided_at:
            detail = r.decision_reasons + (f" Manager's reason: {r.manager_reason}" if r.manager_reason else "")
            yield Event(r.decided_at, "decision", f"Decision: {r.get_decision_display()}", detail.strip(),
                        _name(r.decided_by))  # fmt: skip
    for c in case.contacts.select_related("recorded_by"):
        yield Event(c.received_at, "contact", f"Contact from {c.source_person}", c.summary, _name(c.recorded_by))


def _statutory_events(case: Case) -> Iterator[Event]:
    for s in case.strategy_discussions.prefetch_related("attendees").select_related("chair"):
        if s.held_at is None:
            yield Event(s.concerns_identified_at, "strategy", "Concerns identified: strategy discussion needed")
            continue
        who = ", ".join(f"{a.name} ({a.get_agency_kind_display()})" for a in s.attendees.all())
        yield Event(s.held_at, "strategy", f"Strategy discussion: {s.get_outcome_display()}",
                    f"{s.outcome_reasons} Attended: {who}.", _name(s.chair))  # fmt: skip
    for e in case.enquiries.select_related("lead_practitioner", "outcome_by"):
        yield Event(e.started_at, "s47", "Section 47 enquiry started", "", _name(e.lead_practitioner))
        if e.outcome and e.outcome_at:
            yield Event(e.outcome_at, "s47", f"Section 47 outcome: {e.get_outcome_display()}", e.outcome_reasons,
                        _name(e.outcome_by))  # fmt: skip
    for conf in case.conferences.all():
        note = f" ({conf.participation_note})" if conf.participation_note else ""
        yield Event(_at(conf.held_on), "conference", f"{conf.get_kind_display()}: {conf.get_decision_display()}",
                    f"{conf.decision_reasons} Young person: {conf.get_participation_display()}{note}", conf.chair,
                    conf.child_views)  # fmt: skip
    for meeting in CoreGroupMeeting.objects.filter(plan__case=case):
        yield Event(_at(meeting.held_on), "core_group", "Core group meeting", meeting.notes, "", meeting.child_views)


def _assessment_events(case: Case) -> Iterator[Event]:
    for a in case.assessments.select_related("completed_by", "authorised_by"):
        yield Event(a.recorded_at, "assessment", "Child and family assessment started")
        for part in a.contributions.select_related("recorded_by"):
            yield Event(part.recorded_at, "assessment", "Contribution to the assessment", part.text,
                        _name(part.recorded_by))  # fmt: skip
        if a.completed_at:
            yield Event(a.completed_at, "assessment", "Assessment completed", a.summary, _name(a.completed_by),
                        a.child_views)  # fmt: skip
        if a.authorised_at:
            registration = f"Social Work England registration {a.authoriser_registration}"
            yield Event(a.authorised_at, "assessment", "Assessment authorised", registration, _name(a.authorised_by))


def _child_events(case: Case) -> Iterator[Event]:
    for v in case.visits.select_related("visited_by"):
        seen = "seen alone" if v.seen_alone else ("seen" if v.child_seen else "not seen")
        yield Event(v.visited_at, "visit", f"Visit: child {seen}", v.not_seen_reason or v.notes, _name(v.visited_by),
                    v.child_words)  # fmt: skip
    for m in case.missing_episodes.all():
        yield Event(m.missing_from, "missing", "Went missing", m.circumstances)
        if m.returned_at:
            yield Event(m.returned_at, "missing", "Returned from missing")
        if m.rhi_held_at:
            title = "Return interview offered and declined" if m.rhi_declined_reason else "Return home interview"
            yield Event(m.rhi_held_at, "missing", title, m.rhi_declined_reason or m.rhi_summary, m.rhi_by,
                        m.child_words)  # fmt: skip
    for r in case.reassurances.all():
        what = "Safety agreement" if r.is_safety_agreement else "Family reassurance"
        yield Event(_at(r.given_on), "reassurance", f"{what} from {r.given_by}: {r.get_status_display().lower()}",
                    r.promise)  # fmt: skip


def _management_events(case: Case) -> Iterator[Event]:
    for o in case.oversight.select_related("recorded_by"):
        yield Event(o.recorded_at, "oversight", "Management oversight", o.note, _name(o.recorded_by))
    for change in case.stage_changes.select_related("recorded_by"):
        yield Event(change.recorded_at, "stage", f"Stage: {Stage(change.to_stage).label}", change.reason,
                    _name(change.recorded_by))  # fmt: skip


def timeline(case: Case) -> list[Event]:
    """Everything recorded on the case, newest first (call after `case_get`, which checked and audited)."""
    sources = (_referral_events, _statutory_events, _assessment_events, _child_events, _management_events)
    events = [event for source in sources for event in source(case)]
    events.sort(key=lambda e: e.at, reverse=True)
    return events


def missing_in(case: Case, *, days: int = 90, today: dt.date | None = None) -> int:
    """Missing episodes in the last `days` days across the child's cases (3+ in 90 days is significant)."""
    since = (today or timezone.localdate()) - dt.timedelta(days=days)
    return MissingEpisode.objects.filter(case__child_id=case.child_id, missing_from__date__gte=since).count()


def reassurance_history(case: Case) -> list[Reassurance]:
    """Every reassurance the child's family has given, across cases, oldest first: what a manager reviews."""
    return list(Reassurance.objects.filter(case__child_id=case.child_id).order_by("given_on", "pk"))


def cse_nfa_decisions(*, since: dt.date | None = None) -> dict[str, int]:
    """Aggregates for the partnership: referrals with CSE indicators or exploitation closed with no further
    action, all by team managers, and strategy discussions that decided no s47 for a child at risk of CSE.
    No person in it (callers check the aggregate category)."""
    since = since or timezone.localdate() - dt.timedelta(days=365)
    # A manager's sign-off of a social worker's NFA carries a reason too: only CSE or exploitation referrals count.
    cse = ~Q(cse_indicators=[]) | Q(names_exploiting_adults=True, source_kind__in=("health", "police"))
    nfa = Referral.objects.filter(cse, decision="nfa", decided_at__date__gte=since).exclude(manager_reason="")
    no_s47 = StrategyDiscussion.objects.filter(outcome="no_s47", cse_risk=True, held_at__date__gte=since)
    return {"cse_referrals_closed_nfa": nfa.count(), "cse_strategy_no_s47": no_s47.count()}


def stage_counts() -> dict[str, int]:
    """Open cases per stage (aggregate; callers check the aggregate category)."""
    counts = dict.fromkeys(Stage.values, 0)
    for stage in Case.objects.filter(closed_at__isnull=True).values_list("stage", flat=True):
        counts[stage] += 1
    counts.pop(Stage.CLOSED, None)
    return counts


def overdue_by_rule(now: dt.datetime | None = None) -> dict[str, int]:
    """Overdue items on open cases, counted per rule id (aggregate; callers check the aggregate category)."""
    counts: dict[str, int] = {}
    for item in overdue_everywhere(now):
        counts[item.rule] = counts.get(item.rule, 0) + 1
    return dict(sorted(counts.items()))


def missing_episodes_by_child_month(*, since: dt.date) -> list[tuple[Any, dt.date, int]]:
    """(child Person id, first day of the month, episodes) for episodes that began on or after ``since``, counted
    by the database. Aggregate input for locality profiles: no access check, so callers publish only counts."""
    from django.db.models import Count  # noqa: PLC0415 - kept beside the one read that needs it
    from django.db.models.functions import TruncMonth  # noqa: PLC0415

    rows = (
        MissingEpisode.objects.filter(missing_from__gte=dt.datetime.combine(since, dt.time.min, tzinfo=LONDON))
        .annotate(month=TruncMonth("missing_from"))
        .values_list("case__child_id", "month")
        .annotate(episodes=Count("id"))
        .order_by()
    )
    return [(child, month.date() if isinstance(month, dt.datetime) else month, n) for child, month, n in rows]
