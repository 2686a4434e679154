"""Alerts: each agency's escalation chain, kept by its system administrator, and everyone's daily digest of what is
due and overdue on their work (a manager's also their team's), with the escalations raised to them.

A chain is its levels in increasing order of working days overdue: level 1 hears first. Lantern numbers the levels
from their working days, so an administrator adds, changes and removes a level by saying who hears and when, and the
order cannot go wrong. Until an agency sets a chain it has the default one (`chains.chain`): the case's team manager,
from the first day overdue; the first change keeps that level and adds to it.

The digest is made once a day per member of staff who has anything due soon, overdue or escalated to them
(`digests_send`, run by `lantern digest` and each morning under `lantern serve`): kept in Lantern and emailed once,
with case numbers, rule ids, what is due and when, never a child's name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from lantern.access.policy import (
    Action,
    Category,
    Draft,
    can,
    grants_for,
    refuse_missing,
    require,
    require_row,
    role_of,
)
from lantern.access.roles import Role
from lantern.accounts.models import User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.cases.models import Notification
from lantern.cases.selectors import DueItem, deadlines_for, open_cases, with_deadline_rows
from lantern.oversight.chains import chain
from lantern.oversight.models import Digest, Escalation, EscalationLevel
from lantern.validation import Errors, checked_text, refuse_if_any

LONDON = timezone.get_default_timezone()
LEVELS_LIMIT = 10
DAYS_LIMIT = 250  # about a working year: later than that, escalating has stopped meaning anything
TITLE_LIMIT = 100
EMAIL_LINES = 50  # per section of a digest email; the rest are in Lantern
_RENUMBER_OFFSET = 1000  # above any level in use, so renumbering never meets the (agency, level) constraint


# --- Escalation chains -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelFields:
    """A level as an administrator describes it: the post, who holds it (None: the case's team manager), and how
    many working days overdue work must be before it hears."""

    title: str
    recipient_id: int | None
    after_working_days: int | None


@dataclass(frozen=True)
class ChainView:
    levels: list[EscalationLevel]
    configured: bool  # False: the agency has set nothing, and these are the default levels


def _chain_draft(actor: User) -> Draft:
    return Draft(Category.ESCALATION_CHAIN, actor.agency_id)


def chain_view(*, actor: User) -> ChainView:
    """The actor's agency's chain as it stands. It names posts and staff, never a child: a read is not audited."""
    require(actor, Action.VIEW, _chain_draft(actor), purpose="view the escalation chain")
    assert actor.agency_id is not None  # noqa: S101 - the grant needs the actor's own agency
    levels = chain(actor.agency_id)
    return ChainView(levels=levels, configured=any(level.pk for level in levels))


def recipient_choices(agency_id: int) -> list[User]:
    """Who a level may name: active staff of the agency who may see its cases (an escalation sends them to one)."""
    staff = User.objects.filter(agency_id=agency_id, is_active=True).order_by("last_name", "first_name", "username")
    case = Draft(Category.CASE, agency_id)
    return [person for person in staff if can(person, Action.VIEW, case)]


def level_for_change(*, actor: User, level_id: object, action: Action, purpose: str) -> EscalationLevel:
    return require_row(actor, action, EscalationLevel.objects.select_related("recipient"), level_id, purpose=purpose)


def chain_level_add(*, actor: User, fields: LevelFields) -> EscalationLevel:
    """Add a level to the actor's agency's chain, in its place by working days."""
    purpose = "add a level to the escalation chain"
    require(actor, Action.CREATE, _chain_draft(actor), purpose=purpose)
    assert actor.agency_id is not None  # noqa: S101 - the grant needs the actor's own agency
    with transaction.atomic():
        levels = _locked_chain(actor.agency_id)
        errors: Errors = {}
        if len(levels) >= LEVELS_LIMIT:
            errors["level"] = f"A chain has at most {LEVELS_LIMIT} levels: change or remove one instead"
        level = EscalationLevel(agency_id=actor.agency_id)
        _apply(errors, level, fields, others=levels)
        refuse_if_any(errors)
        kept_default = not any(existing.pk for existing in levels)
        _save_in_order([*levels, level])
        audit_record(
            actor=actor, action=AuditAction.CREATE, target=level, purpose=purpose, outcome=Outcome.SUCCESS,
            detail={**_described(level), "kept_default_level": kept_default},
        )  # fmt: skip
    return level


def chain_level_change(*, actor: User, level: EscalationLevel, fields: LevelFields) -> EscalationLevel:
    """Change a level's post, person or working days; the levels are renumbered if its place in the order moves."""
    purpose = "change a level of the escalation chain"
    require(actor, Action.UPDATE, level, purpose=purpose)
    with transaction.atomic():
        levels = _locked_chain(level.agency_id)
        before = _described(level)
        errors: Errors = {}
        _apply(errors, level, fields, others=[other for other in levels if other.pk != level.pk])
        refuse_if_any(errors)
        _save_in_order([level if other.pk == level.pk else other for other in levels])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, target=level, purpose=purpose, outcome=Outcome.SUCCESS,
            detail={"before": before, "after": _described(level)},
        )  # fmt: skip
    return level


def chain_level_remove(*, actor: User, level: EscalationLevel) -> None:
    """Remove a level; those above it move down one. With none left the agency has the default chain again."""
    purpose = "remove a level from the escalation chain"
    require(actor, Action.DELETE, level, purpose=purpose)
    with transaction.atomic():
        levels = _locked_chain(level.agency_id)
        removed_id, described = level.pk, _described(level)
        level.delete()
        _save_in_order([other for other in levels if other.pk != removed_id])
        audit_record(
            actor=actor, action=AuditAction.DELETE, object_type=EscalationLevel.AUDIT_TYPE,
            object_id=str(removed_id), purpose=purpose, outcome=Outcome.SUCCESS, detail=described,
        )  # fmt: skip


def _locked_chain(agency_id: int) -> list[EscalationLevel]:
    """The agency's levels, locked against a second administrator's change, or the default level if none."""
    rows = list(EscalationLevel.objects.select_for_update().filter(agency_id=agency_id).order_by("level"))
    return rows or chain(agency_id)


def _apply(errors: Errors, level: EscalationLevel, fields: LevelFields, *, others: list[EscalationLevel]) -> None:
    level.title = checked_text(errors, "title", fields.title, "the post, such as Service manager", limit=TITLE_LIMIT)
    level.recipient = None
    if fields.recipient_id is not None:
        chosen = next((u for u in recipient_choices(level.agency_id) if u.pk == fields.recipient_id), None)
        if chosen is None:
            errors["recipient"] = "Choose someone in your agency who works its cases, or the case's team manager"
        level.recipient = chosen
    days = fields.after_working_days
    if days is None:
        errors["after_working_days"] = "Enter how many working days overdue work must be before this level hears"
    elif days < 0:
        errors["after_working_days"] = "Working days overdue must be 0 or more"
    elif days > DAYS_LIMIT:
        errors["after_working_days"] = f"Working days overdue must be {DAYS_LIMIT} or fewer"
    else:
        level.after_working_days = days
        same = next((other for other in others if other.after_working_days == days), None)
        if same is not None:
            errors["after_working_days"] = (
                f"Level {same.level} ({same.title}) already hears at {days} working days overdue: each level "
                "hears later than the one before it, so choose a different number"
            )


def _save_in_order(levels: list[EscalationLevel]) -> None:
    """Number the levels 1, 2, 3... in increasing order of working days and save them (the default level, never
    saved before, too)."""
    ordered = sorted(levels, key=lambda level: level.after_working_days)
    for offset, level in enumerate(ordered, start=_RENUMBER_OFFSET + 1):
        if level.pk:
            EscalationLevel.objects.filter(pk=level.pk).update(level=offset)
    for number, level in enumerate(ordered, start=1):
        level.level = number
        level.full_clean(validate_unique=False, validate_constraints=False)
        level.save()


def _described(level: EscalationLevel) -> dict[str, object]:
    who = level.recipient.username if level.recipient else "the case's team manager"
    return {
        "level": level.level,
        "title": level.title,
        "recipient": who,
        "after_working_days": level.after_working_days,
    }


# --- Daily digests ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkEntry:
    """A piece of work in a digest: on a case the reader leads ("yours"), or their team's ("team"), or, for a
    manager of no team, their agency's ("agency")."""

    key: str
    case: int
    rule: str
    label: str
    due_on: dt.date
    status: str
    working_days: int  # to the due day: negative when overdue
    whose: str

    @property
    def days_late(self) -> int:
        return -self.working_days


@dataclass(frozen=True)
class EscalationEntry:
    escalation: int
    case: int | None
    rule: str
    key: str
    level: int
    title: str
    raised_on: dt.date
    label: str


@dataclass(frozen=True)
class DigestView:
    digest: Digest
    overdue: list[WorkEntry]
    due_soon: list[WorkEntry]
    escalations: list[EscalationEntry]


@dataclass(frozen=True)
class SendResult:
    made: int
    emailed: int


def _moment(day: dt.date, now: dt.datetime | None) -> dt.datetime:
    """Today's digest counts the work as it stands now; another day's, as that day began."""
    now = now or timezone.now()
    if day == timezone.localtime(now, LONDON).date():
        return now
    return dt.datetime.combine(day, dt.time(0), tzinfo=LONDON)


def _work_items(user: User, at: dt.datetime) -> tuple[list[DueItem], str]:
    """What is overdue or due soon on the cases the user leads and, for a manager, their team's (their agency's if
    they manage no team), as far as access lets them see those cases; and whose the cases they do not lead are."""
    whose, others = Q(lead_practitioner=user), "team"
    if role_of(user) is Role.TEAM_MANAGER:
        managed = list(user.managed_teams.values_list("pk", flat=True))
        whose |= Q(team_id__in=managed) if managed else Q(agency_id=user.agency_id)
        others = "team" if managed else "agency"
    cases = with_deadline_rows(open_cases(user).filter(whose))
    items = [item for case in cases for item in deadlines_for(case) if item.overdue(at) or item.due_soon(at)]
    return items, others


def _level_titles(agency_ids: Iterable[int]) -> dict[tuple[int, int], str]:
    return {(agency_id, level.level): level.title for agency_id in set(agency_ids) for level in chain(agency_id)}


def digest_build(user: User, day: dt.date | None = None, *, now: dt.datetime | None = None) -> Digest:
    """The user's digest for the day, not yet saved: overdue work first (the longest overdue first), then work due
    soon, then what has been escalated to them and not yet acknowledged."""
    day = day or timezone.localdate()
    at = _moment(day, now)
    found, others = _work_items(user, at)
    items = sorted(found, key=lambda item: (not item.overdue(at), item.due_at, item.key))
    work = [
        {"kind": "work", "key": item.key, "case": item.case.pk, "rule": item.rule, "label": item.label,
         "due_on": item.due_on.isoformat(), "status": "overdue" if item.overdue(at) else "due soon",
         "working_days": item.days_left(day), "whose": "yours" if item.case.lead_practitioner_id == user.pk else others}
        for item in items
    ]  # fmt: skip
    labels = {entry["key"]: entry["label"] for entry in work}
    raised = list(
        Escalation.objects.filter(recipient=user, acknowledged_at__isnull=True, raised_at__lte=at).order_by("raised_at")
    )
    titles = _level_titles(e.agency_id for e in raised)
    escalations = [
        {"kind": "escalation", "escalation": e.pk, "case": e.case_id, "rule": e.rule, "key": e.item_key,
         "level": e.level, "title": titles.get((e.agency_id, e.level), f"Level {e.level}"),
         "raised_on": timezone.localtime(e.raised_at, LONDON).date().isoformat(), "label": labels.get(e.item_key, "")}
        for e in raised
    ]  # fmt: skip
    overdue = sum(1 for entry in work if entry["status"] == "overdue")
    return Digest(user=user, day=day, overdue=overdue, due_soon=len(work) - overdue, items=work + escalations)


def digests_send(
    day: dt.date | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    now: dt.datetime | None = None,
) -> SendResult:
    """Make the day's digest for every active member of staff who has work due soon, overdue or escalated to them
    and has none yet today, then email every digest of the day not yet emailed. Re-running makes and sends nothing
    new; a digest whose email failed is sent on the next run."""
    day = day or timezone.localdate()
    done = set(Digest.objects.filter(day=day).values_list("user_id", flat=True))
    staff = [
        user for user in User.objects.filter(is_active=True).select_related("agency").order_by("pk")
        if _may_have_work(user) and user.pk not in done
    ]  # fmt: skip
    made = 0
    for count, user in enumerate(staff, start=1):
        digest = digest_build(user, day, now=now)
        if digest.items and _save(digest):
            made += 1
        if progress:
            progress(count, len(staff))
    emailed = sum(
        _email(digest)
        for digest in Digest.objects.filter(day=day, emailed_at__isnull=True).select_related("user").order_by("pk")
        if digest.user.is_active and digest.user.email
    )
    return SendResult(made=made, emailed=emailed)


def _may_have_work(user: User) -> bool:
    """Only staff whose role may see cases lead them, manage them, or are named in a chain."""
    return bool(grants_for(role_of(user), Category.CASE, Action.VIEW))


def _save(digest: Digest) -> bool:
    """Save the digest with its audit row; False if another run made the user's digest for the day first."""
    try:
        with transaction.atomic():
            digest.save(force_insert=True)
            audit_record(
                actor=None, username="lantern", action=AuditAction.CREATE, target=digest, purpose="daily digest",
                outcome=Outcome.SUCCESS,
                detail={"to": digest.user.username, "day": digest.day.isoformat(), "overdue": digest.overdue,
                        "due_soon": digest.due_soon,
                        "escalations": len(digest.items) - digest.overdue - digest.due_soon},
            )  # fmt: skip
    except IntegrityError:
        return False
    return True


def _email(digest: Digest) -> int:
    """Send the digest's email once: claim it first, so two runs at once cannot both send it."""
    claimed = Digest.objects.filter(pk=digest.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return 0
    view = _view_of(digest)
    try:
        send_mail(
            subject=f"Lantern: your digest for {digest.day:%-d %B %Y} ({digest.overdue} overdue, {digest.due_soon} "
            "due soon)",
            message=digest_text(view),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[digest.user.email],
        )
    except Exception:
        Digest.objects.filter(pk=digest.pk).update(emailed_at=None)  # the next run tries again
        raise
    return 1


def digest_text(view: DigestView) -> str:
    """The digest as plain text for email. No child's name leaves Lantern by email: case numbers, rule ids, what
    is due and when, and where to look."""
    lines = [f"Your Lantern digest for {view.digest.day:%A %-d %B %Y}.", ""]
    for heading, entries in (("Overdue", view.overdue), ("Due soon", view.due_soon)):
        if entries:
            lines.append(f"{heading} ({len(entries)}):")
            lines += [f"- {_work_line(entry)}" for entry in entries[:EMAIL_LINES]]
            lines += _more(len(entries))
            lines.append("")
    if view.escalations:
        lines.append(f"Escalated to you ({len(view.escalations)}):")
        lines += [f"- {_escalation_line(entry)}" for entry in view.escalations[:EMAIL_LINES]]
        lines += _more(len(view.escalations))
        lines.append("")
    lines.append("Sign in to Lantern to see the cases and act on them: your alerts page lists them all.")
    return "\n".join(lines)


def _more(count: int) -> list[str]:
    return [f"- and {count - EMAIL_LINES} more in Lantern"] if count > EMAIL_LINES else []


def _work_line(entry: WorkEntry) -> str:
    if entry.status == "overdue":
        days = entry.days_late
        when = f"{days} working day{'' if days == 1 else 's'} late" if days else "due earlier today"
    else:
        days = entry.working_days
        when = "due today" if days == 0 else f"in {days} working day{'' if days == 1 else 's'}"
    whose = {"yours": "", "team": ", your team's", "agency": ", your agency's"}[entry.whose]
    return f"Case {entry.case}{whose}: {entry.label}, due {entry.due_on:%-d %B %Y} ({when}), rule {entry.rule}"


def _escalation_line(entry: EscalationEntry) -> str:
    what = f"{entry.label} " if entry.label else ""
    case = f"Case {entry.case}" if entry.case else "Work"
    return (
        f"{case}: {what}(rule {entry.rule}) raised to you at level {entry.level} ({entry.title}) on "
        f"{entry.raised_on:%-d %B %Y}"
    )


def _view_of(digest: Digest) -> DigestView:
    work = [
        WorkEntry(key=i["key"], case=i["case"], rule=i["rule"], label=i["label"],
                  due_on=dt.date.fromisoformat(i["due_on"]), status=i["status"], working_days=i["working_days"],
                  whose=i["whose"])
        for i in digest.items if i["kind"] == "work"
    ]  # fmt: skip
    escalations = [
        EscalationEntry(escalation=i["escalation"], case=i["case"], rule=i["rule"], key=i["key"], level=i["level"],
                        title=i["title"], raised_on=dt.date.fromisoformat(i["raised_on"]), label=i["label"])
        for i in digest.items if i["kind"] == "escalation"
    ]  # fmt: skip
    return DigestView(
        digest=digest,
        overdue=[entry for entry in work if entry.status == "overdue"],
        due_soon=[entry for entry in work if entry.status == "due soon"],
        escalations=escalations,
    )


def digest_for(*, actor: User, day: dt.date | None = None) -> DigestView | None:
    """The actor's own digest for the day (today by default), or None if none was made; reading it is audited."""
    digest = Digest.objects.filter(user=actor, day=day or timezone.localdate()).first()
    if digest is None:
        return None
    audit_record(actor=actor, action=AuditAction.VIEW, target=digest, purpose="read my daily digest",
                 outcome=Outcome.SUCCESS)  # fmt: skip
    return _view_of(digest)


# --- Escalations raised to you ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RaisedView:
    escalation: Escalation
    title: str
    message: str  # the notification it sent: what was overdue, and when it was due


def escalations_for(actor: User) -> list[RaisedView]:
    """Escalations raised to the actor and not yet acknowledged, newest first (their own inbox, as notifications
    are: the case behind each is opened through access as ever)."""
    raised = list(Escalation.objects.filter(recipient=actor, acknowledged_at__isnull=True).order_by("-raised_at"))
    titles = _level_titles(e.agency_id for e in raised)
    keys = {(e.rule, f"{e.item_key}:L{e.level}") for e in raised}
    messages = {
        (note.rule, note.item_key): note.message
        for note in Notification.objects.filter(user=actor, item_key__in=[key for _, key in keys])
        if (note.rule, note.item_key) in keys
    }
    return [
        RaisedView(
            escalation=e,
            title=titles.get((e.agency_id, e.level), f"Level {e.level}"),
            message=messages.get((e.rule, f"{e.item_key}:L{e.level}"), ""),
        )
        for e in raised
    ]


def unread_notifications(actor: User, *, besides: list[RaisedView]) -> list[Notification]:
    """The actor's unread notifications but those of the escalations shown beside them."""
    shown = {(view.escalation.rule, f"{view.escalation.item_key}:L{view.escalation.level}") for view in besides}
    unread = Notification.objects.filter(user=actor, read_at__isnull=True).order_by("-created_at")
    return [note for note in unread if (note.rule, note.item_key) not in shown]


def escalation_acknowledge(*, actor: User, escalation_id: object) -> Escalation:
    """The person an escalation was raised to says they have seen it; its notification is read with it."""
    purpose = "acknowledge an escalation"
    try:
        found = Escalation.objects.filter(pk=int(str(escalation_id)), recipient=actor).first()
    except ValueError:
        found = None
    if found is None:
        refuse_missing(actor, Action.UPDATE, Escalation.AUDIT_TYPE, escalation_id, purpose=purpose)
    if found.acknowledged_at is not None:
        return found
    with transaction.atomic():
        found.acknowledged_at = timezone.now()
        found.save(update_fields=["acknowledged_at"])
        Notification.objects.filter(
            user=actor, rule=found.rule, item_key=f"{found.item_key}:L{found.level}", read_at__isnull=True
        ).update(read_at=found.acknowledged_at)
        audit_record(actor=actor, action=AuditAction.UPDATE, target=found, purpose=purpose, outcome=Outcome.SUCCESS,
                     detail={"case": found.case_id, "rule": found.rule, "level": found.level})  # fmt: skip
    return found
