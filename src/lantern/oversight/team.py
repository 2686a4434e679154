"""A team manager's dashboard: the figures the reviews found managers could not see, each with the rows behind it.

The manager's reach is the cases of the teams they manage (their agency's, if they manage none), as in
`cases.selectors.team_work`, and within it only the cases `access.scope` lets them see. Each figure is one function
over a `Team` returning its rows; `dashboard` counts them all at once and `figure_rows` gives one figure's rows to
drill into, each read audited. Only team managers have a dashboard: anyone else is refused, and the refusal audited,
whatever else they may see.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from lantern.access.models import BreakGlass
from lantern.access.policy import (
    AccessDenied,
    Action,
    Category,
    Decision,
    refuse_missing,
    require,
    scope,
)
from lantern.access.roles import Role
from lantern.access.services import break_glass_reviewable
from lantern.accounts.models import User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.calendar.deadlines import RULES
from lantern.cases.enums import AssessmentStatus, ReferralDecision
from lantern.cases.models import Assessment, Case, Contribution, MissingEpisode, Reassurance, Referral
from lantern.cases.selectors import DueItem, case_for_change, deadlines_for, with_deadline_rows
from lantern.oversight.chains import chain, highest_level, recipients
from lantern.oversight.models import EscalationLevel
from lantern.oversight.selectors import Standing, team_training_gaps

DRIFT = "LOCAL-DRIFT-10"
RETURN_INTERVIEW = "MISS-RHI-72H"
LEADS = (Role.SOCIAL_WORKER, Role.SOCIAL_CARE_ASSISTANT, Role.TEAM_MANAGER)
"""Who may be given a case to lead (WT23 lets a non-social worker lead a child in need case; the allocation service
refuses them a s47 enquiry or a plan)."""


@dataclass
class Team:
    """The manager's reach: the cases they oversee (open or closed, as far as they may see them) and the staff
    they may give a case to."""

    actor: User
    name: str
    cases: QuerySet[Case]
    staff: list[User]
    now: dt.datetime = field(default_factory=timezone.now)

    @property
    def open_cases(self) -> QuerySet[Case]:
        return self.cases.filter(closed_at__isnull=True)

    @cached_property
    def items(self) -> list[DueItem]:
        """Every open piece of statutory work on the team's open cases, soonest first."""
        cases = with_deadline_rows(self.open_cases.select_related("child", "lead_practitioner"))
        return sorted((item for case in cases for item in deadlines_for(case)), key=lambda i: i.due_at)


def _refuse(actor: User, purpose: str) -> AccessDenied:
    audit_record(actor=actor, action=AuditAction.DENIED, object_type=Category.CASE.value, purpose=purpose,
                 outcome=Outcome.DENIED, detail={"attempted": "view", "reason": "not a team manager"})  # fmt: skip
    return AccessDenied(Decision(allowed=False, reason="Only team managers have a team dashboard."), Category.CASE,
                        Action.VIEW)  # fmt: skip


def team_for(*, actor: User, purpose: str) -> Team:
    """The manager's team; anyone who is not a team manager is refused (one audited refusal either way)."""
    require(actor, Action.VIEW, Category.CASE, purpose=purpose)
    if actor.role != Role.TEAM_MANAGER:
        raise _refuse(actor, purpose)
    managed = list(actor.managed_teams.order_by("name"))
    cases = scope(actor, Case.objects.select_related("child", "lead_practitioner", "team"), Action.VIEW)
    staff = User.objects.filter(is_active=True, role__in=LEADS)
    if managed:
        cases, staff = cases.filter(team__in=managed), staff.filter(team__in=managed)
        name = ", ".join(team.name for team in managed)
    elif actor.agency is not None:
        cases, staff = cases.filter(agency=actor.agency), staff.filter(agency=actor.agency)
        name = actor.agency.name
    else:  # a manager in no agency and no team oversees nothing
        cases, staff, name = cases.none(), staff.none(), "No team"
    return Team(actor=actor, name=name, cases=cases, staff=list(staff.order_by("first_name", "last_name")))


def display_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else "Not allocated"


# --- The figures: one function each, returning the rows behind it ---------------------------------------------


@dataclass(frozen=True)
class Caseload:
    """One worker's open cases (`worker` None: the cases nobody leads)."""

    worker: User | None
    cases: list[Case]

    @property
    def name(self) -> str:
        return display_name(self.worker)

    @property
    def anchor(self) -> str:
        return f"worker-{self.worker.pk}" if self.worker else "not-allocated"


def caseloads(team: Team) -> list[Caseload]:
    """Open cases per lead practitioner: every member of staff who may lead one (with none, if so), anyone else
    leading a team case, then the cases not allocated."""
    led: dict[int | None, list[Case]] = defaultdict(list)
    workers = {user.pk: user for user in team.staff}
    for case in team.open_cases.order_by("opened_at", "pk"):
        led[case.lead_practitioner_id].append(case)
        if case.lead_practitioner is not None:
            workers.setdefault(case.lead_practitioner.pk, case.lead_practitioner)
    ordered = sorted(workers.values(), key=lambda u: (display_name(u), u.pk))
    return [*(Caseload(user, led.get(user.pk, [])) for user in ordered), Caseload(None, led.get(None, []))]


def deadlines(team: Team) -> list[DueItem]:
    """Overdue and due-soon work on the team's open cases, most overdue first."""
    return [item for item in team.items if item.overdue(team.now) or item.due_soon(team.now)]


@dataclass(frozen=True)
class RuleCount:
    rule: str
    title: str
    overdue: int
    due_soon: int


def by_rule(items: Sequence[DueItem], now: dt.datetime) -> list[RuleCount]:
    """Overdue and due-soon items counted per rulebook id, with the rule's title."""
    overdue = Counter(item.rule for item in items if item.overdue(now))
    soon = Counter(item.rule for item in items if item.due_soon(now))
    return [
        RuleCount(rule, RULES[rule].title if rule in RULES else rule, overdue[rule], soon[rule])
        for rule in sorted(overdue.keys() | soon.keys())
    ]


def drift_alerts(team: Team) -> list[DueItem]:
    """Open cases with no recorded activity for LOCAL-DRIFT-10's working days."""
    return [item for item in team.items if item.rule == DRIFT and item.overdue(team.now)]


def nfa_awaiting_sign_off(team: Team) -> list[Referral]:
    """Referrals a social worker closed with no further action that no team manager has signed off (a manager's
    own decision, such as no further action on a CSE referral, needs none)."""
    return list(
        Referral.objects.filter(case__in=team.cases, decision=ReferralDecision.NFA, manager_decision_at__isnull=True)
        .exclude(decided_by__role=Role.TEAM_MANAGER)
        .select_related("case", "case__child", "decided_by")
        .order_by("decided_at", "pk")
    )


def unqualified_contributions(team: Team) -> list[Assessment]:
    """Assessments on open cases that unqualified staff contributed to, not yet authorised; each carries
    `unqualified`, those contributions."""
    theirs = Contribution.objects.filter(recorded_by__role=Role.SOCIAL_CARE_ASSISTANT).select_related("recorded_by")
    return list(
        Assessment.objects.filter(case__in=team.open_cases, contributions__in=theirs)
        .exclude(status=AssessmentStatus.AUTHORISED)
        .distinct()
        .select_related("case", "case__child", "referral", "lead_practitioner")
        .prefetch_related(Prefetch("contributions", queryset=theirs, to_attr="unqualified"))
        .order_by("recorded_at", "pk")
    )


def repeated_reassurances(team: Team) -> list[Reassurance]:
    """Reassurances given after an earlier one broke (LANTERN-REASSURE) that the manager has not yet reviewed."""
    return list(
        Reassurance.objects.filter(case__in=team.open_cases, flagged=True, acknowledged_at__isnull=True)
        .select_related("case", "case__child", "case__lead_practitioner")
        .order_by("recorded_at", "pk")
    )


def missing_now(team: Team) -> list[MissingEpisode]:
    """Children on the team's open cases who are missing: gone, with no return recorded."""
    return list(
        MissingEpisode.objects.filter(case__in=team.open_cases, returned_at__isnull=True)
        .select_related("case", "case__child", "case__lead_practitioner")
        .order_by("missing_from", "pk")
    )


def return_interviews_overdue(team: Team) -> list[DueItem]:
    """Return home interviews not held or declined within MISS-RHI-72H's 72 hours of the child's return."""
    return [item for item in team.items if item.rule == RETURN_INTERVIEW and item.overdue(team.now)]


def break_glass_to_review(team: Team) -> list[BreakGlass]:
    """Emergency access the manager's team members opened that the manager has not yet reviewed."""
    return list(break_glass_reviewable(actor=team.actor).filter(reviewed_at__isnull=True).order_by("opened_at"))


# --- The dashboard and its drill-downs -----------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A figure on the dashboard: its address, what it counts, and the rows behind it."""

    slug: str
    title: str
    description: str
    rows: Callable[[Team], Sequence[Any]]
    object_type: str  # what its rows are, for the audit log
    count: Callable[[Sequence[Any]], int] = len


def _open_cases(loads: Sequence[Caseload]) -> int:
    return sum(len(load.cases) for load in loads)


FIGURES: dict[str, Figure] = {
    f.slug: f
    for f in (
        Figure("caseloads", "Open cases by lead practitioner",
               "Each worker's open cases, and the cases no one leads. Reallocate a case from here.",
               caseloads, "case", _open_cases),
        Figure("deadlines", "Overdue and due-soon work",
               "Statutory work that is overdue or due within 3 working days, under the rule that sets its timescale.",
               deadlines, "case"),
        Figure("drift", "Drift alerts",
               "Open cases with no recorded activity for 10 working days (rule LOCAL-DRIFT-10).", drift_alerts, "case"),
        Figure("nfa", "No further action awaiting your sign-off",
               "Referrals a social worker closed with no further action. Agree and sign the decision off, or disagree "
               "and the concerns are recorded as a new referral, to be decided again within 1 working day.",
               nfa_awaiting_sign_off, "referral"),
        Figure("unqualified", "Unqualified staff's work awaiting authorisation",
               "Assessments a social care assistant contributed to that are not yet authorised by a registered "
               "social worker.", unqualified_contributions, "assessment"),
        Figure("reassurances", "Repeated family reassurances",
               "Reassurances or safety agreements given after an earlier one broke, waiting for your review "
               "(rule LANTERN-REASSURE).", repeated_reassurances, "reassurance"),
        Figure("missing", "Children missing now",
               "Children on open cases who are missing, with no return recorded.", missing_now, "missing_episode"),
        Figure("interviews", "Return home interviews overdue",
               "Independent return interviews not held or declined within 72 hours of the child's return "
               "(rule MISS-RHI-72H).", return_interviews_overdue, "missing_episode"),
        Figure("break-glass", "Break-glass access to review",
               "Records your team members opened in an emergency, outside their normal access.",
               break_glass_to_review, "break_glass"),
    )
}  # fmt: skip


CHARTED = ("caseloads", "deadlines")
"""The figures the dashboard draws, each with a table by worker or by rule; the rest are single numbers."""


@dataclass(frozen=True)
class Dashboard:
    """Every figure, counted once: what the page and the API show."""

    team: str
    caseloads: list[Caseload]
    deadlines: list[RuleCount]
    counts: dict[str, int]  # figure slug -> number
    training_gaps: list[Standing]

    @property
    def overdue(self) -> int:
        return sum(r.overdue for r in self.deadlines)

    @property
    def due_soon(self) -> int:
        return sum(r.due_soon for r in self.deadlines)


def dashboard(*, actor: User) -> Dashboard:
    """The manager's dashboard: every figure for their team, counted at once (one audited read, and the training
    gaps' own)."""
    purpose = "team dashboard"
    team = team_for(actor=actor, purpose=purpose)
    rows = {slug: figure.rows(team) for slug, figure in FIGURES.items()}
    counts = {slug: FIGURES[slug].count(found) for slug, found in rows.items()}
    result = Dashboard(
        team=team.name,
        caseloads=list(rows["caseloads"]),
        deadlines=by_rule(rows["deadlines"], team.now),
        counts=counts,
        training_gaps=team_training_gaps(actor=actor),
    )
    audit_record(actor=actor, action=AuditAction.SEARCH, object_type="case", purpose=purpose,
                 outcome=Outcome.SUCCESS, detail={"team": team.name, **counts})  # fmt: skip
    return result


CSV_COLUMNS = ("figure", "item", "title", "measure", "count")


def dashboard_csv(board: Dashboard) -> str:
    """The dashboard's numbers, one per row: no child in them, only counts by worker, rule and figure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for load in board.caseloads:
        writer.writerow(["caseloads", load.name, FIGURES["caseloads"].title, "open cases", len(load.cases)])
    for rule in board.deadlines:
        writer.writerow(["deadlines", rule.rule, rule.title, "overdue", rule.overdue])
        writer.writerow(["deadlines", rule.rule, rule.title, "due soon", rule.due_soon])
    for slug, figure in FIGURES.items():
        if slug not in CHARTED:
            writer.writerow([slug, "", figure.title, "count", board.counts[slug]])
    writer.writerow(["training-gaps", "", "CSE training gaps in your team", "count", len(board.training_gaps)])
    return out.getvalue()


def figure_rows(*, actor: User, figure: Figure) -> tuple[Team, list[Any]]:
    """The rows behind one figure, for the manager to act on; the read is audited."""
    purpose = f"team dashboard: {figure.title.lower()}"
    team = team_for(actor=actor, purpose=purpose)
    rows = list(figure.rows(team))
    audit_record(actor=actor, action=AuditAction.SEARCH, object_type=figure.object_type, purpose=purpose,
                 outcome=Outcome.SUCCESS, detail={"figure": figure.slug, "count": figure.count(rows)})  # fmt: skip
    return team, rows


# --- What an action acts on ------------------------------------------------------------------------------------


def case_to_act_on(*, actor: User, case_id: object, purpose: str) -> tuple[Team, Case]:
    """A case the manager is about to change from the dashboard: the manager first, then the case by `access`."""
    team = team_for(actor=actor, purpose=purpose)
    return team, case_for_change(actor=actor, case_id=case_id, purpose=purpose)


def item_to_escalate(*, actor: User, case_id: object, rule: str, item_key: str) -> tuple[Case, DueItem]:
    """A piece of open work on a case, named by its rule and key, that the manager may escalate; work that is not
    open on the case (done since, or never there) is not found."""
    purpose = "escalate work to the next level"
    _team, case = case_to_act_on(actor=actor, case_id=case_id, purpose=purpose)
    found = next((i for i in deadlines_for(case) if i.rule == rule and i.key == item_key), None)
    if found is None:
        refuse_missing(actor, Action.UPDATE, "case_work", f"{rule} {item_key}", purpose=purpose)
    return case, found


def next_level(*, case: Case, item: DueItem) -> tuple[EscalationLevel, list[User]] | None:
    """Where escalating the work would send it now: the level above the highest it has reached (the manager is the
    first), and who that means for this case; None when the agency's chain goes no higher."""
    reached = max(highest_level(rule=item.rule, item_key=item.key), 1)
    above = [level for level in chain(case.agency_id) if level.level > reached]
    return (above[0], recipients(above[0], case)) if above else None


def referral_to_sign_off(*, actor: User, referral_id: int) -> Referral:
    """A referral closed with no further action, for the manager's sign-off; access is decided on its case."""
    purpose = "sign off no further action"
    team_for(actor=actor, purpose=purpose)
    referral = Referral.objects.select_related("case", "case__child", "decided_by", "source_agency").filter(
        pk=referral_id
    ).first()  # fmt: skip
    if referral is None:
        refuse_missing(actor, Action.UPDATE, Referral.AUDIT_TYPE, referral_id, purpose=purpose)
    require(actor, Action.UPDATE, referral.case, purpose=purpose)
    return referral
