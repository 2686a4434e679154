"""Voice and feedback: what frontline practitioners and young people tell the partnership board, the board's
answers, and the counts and themes the board dashboard shows.

Anonymous feedback stores nothing that identifies its author: no user, no agency, no address or device, only the
day. Its audit row names no one either ("anonymous" or "public"), so the log cannot be used to unmask it.

What is published: the theme, the month and the board's answer, never what the author wrote. The words a young
person or practitioner chose can identify them (a school, a place, a worker's name) however carefully they are
read, so the board writes its answer to stand on its own ("You told us… We have…") and only that goes public.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from lantern.access.policy import Action, Category, can, refuse_missing, require
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.locality.suppression import Line
from lantern.oversight.enums import FeedbackChannel, FeedbackTheme
from lantern.oversight.models import Feedback
from lantern.validation import Errors, checked_text, refuse_if_any
from lantern.web.charts import BarChart, bar_chart
from lantern.web.views import shown

if TYPE_CHECKING:
    from lantern.accounts.models import User

MAX_TEXT = 5000
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: copied by hand, or read out
Count_ = int | str  # a count as the viewer may see it: a number, or "c" where it is suppressed


def new_reference() -> str:
    """FB-XXXX-XXXX: 40 random bits, so nobody can guess another person's reference."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"FB-{body[:4]}-{body[4:]}"


def normalise_reference(raw: str) -> str:
    compact = "".join(ch for ch in raw.upper() if ch.isalnum()).removeprefix("FB")
    return f"FB-{compact[:4]}-{compact[4:]}" if len(compact) == 8 else raw.strip().upper()


# --- Writes -------------------------------------------------------------------------------------------------


def _checked(theme: str, text: str) -> str:
    errors: Errors = {}
    if theme not in FeedbackTheme.values:
        errors["theme"] = "Choose what it is about"
    text = checked_text(errors, "text", text, "what you want to tell the board", limit=MAX_TEXT)
    refuse_if_any(errors)
    return text


def _insert(feedback: Feedback) -> None:
    """Save with a fresh reference, trying again in the (40-bit) event that one is taken."""
    for _attempt in range(5):
        feedback.reference = new_reference()
        try:
            with transaction.atomic():
                feedback.save(force_insert=True)
        except IntegrityError:
            if Feedback.objects.filter(reference=feedback.reference).exists():
                continue
            raise
        return
    raise RuntimeError("could not find a free reference")


def feedback_submit_public(*, theme: str, text: str) -> Feedback:
    """A young person's feedback from the public page: always anonymous. Committed before its reference is
    returned, so a reference someone has been shown always names saved feedback."""
    text = _checked(theme, text)
    feedback = Feedback(channel=FeedbackChannel.YOUNG_PERSON, theme=theme, text=text)
    with transaction.atomic():
        _insert(feedback)
        audit_record(actor=None, username="public", action=AuditAction.CREATE, target=feedback,
                     purpose="feedback to the partnership board from a young person", outcome=Outcome.SUCCESS,
                     detail={"reference": feedback.reference, "theme": theme})  # fmt: skip
    return feedback


def feedback_submit(*, actor: User, theme: str, text: str, named: bool) -> Feedback:
    """A practitioner's feedback. Named, it keeps who wrote it; anonymous, neither the row nor its audit row
    holds the user or their agency."""
    purpose = "feedback to the partnership board from a practitioner"
    require(actor, Action.CREATE, Category.FEEDBACK, purpose=purpose)
    text = _checked(theme, text)
    feedback = Feedback(channel=FeedbackChannel.PRACTITIONER, theme=theme, text=text,
                        submitted_by=actor if named else None)  # fmt: skip
    with transaction.atomic():
        _insert(feedback)
        detail = {"reference": feedback.reference, "theme": theme, "named": named}
        if named:
            audit_record(actor=actor, action=AuditAction.CREATE, target=feedback, purpose=purpose,
                         outcome=Outcome.SUCCESS, detail=detail)  # fmt: skip
        else:
            audit_record(actor=None, username="anonymous", action=AuditAction.CREATE, target=feedback,
                         purpose=purpose, outcome=Outcome.SUCCESS, detail=detail)  # fmt: skip
    return feedback


def feedback_respond(*, actor: User, feedback: Feedback, response: str, publish: bool) -> Feedback:
    """The board answers; published, the answer (never what was said) appears on the public answers page."""
    purpose = "answer feedback to the partnership board"
    require(actor, Action.UPDATE, Category.FEEDBACK, purpose=purpose)
    errors: Errors = {}
    response = checked_text(errors, "response", response, "the board's answer", limit=MAX_TEXT)
    refuse_if_any(errors)
    with transaction.atomic():
        feedback.response, feedback.published = response, publish
        feedback.responded_by, feedback.responded_at = actor, timezone.now()
        feedback.save(update_fields=["response", "published", "responded_by", "responded_at"])
        detail = {"reference": feedback.reference, "published": publish}
        audit_record(actor=actor, action=AuditAction.UPDATE, target=feedback, purpose=purpose,
                     outcome=Outcome.SUCCESS, detail=detail)  # fmt: skip
    return feedback


# --- Reads --------------------------------------------------------------------------------------------------


def feedback_list(
    *, actor: User, theme: str = "", channel: str = "", answered: bool | None = None
) -> QuerySet[Feedback]:
    """The board's inbox, newest first; the author only where they put their name to it."""
    purpose = "read feedback to the partnership board"
    require(actor, Action.VIEW, Category.FEEDBACK, purpose=purpose)
    rows = Feedback.objects.select_related("submitted_by__agency")
    if theme:
        rows = rows.filter(theme=theme)
    if channel:
        rows = rows.filter(channel=channel)
    if answered is not None:
        rows = rows.exclude(response="") if answered else rows.filter(response="")
    filters = {"theme": theme, "channel": channel, "answered": answered}
    audit_record(actor=actor, action=AuditAction.VIEW, object_type=Feedback.AUDIT_TYPE, purpose=purpose,
                 outcome=Outcome.SUCCESS, detail={"count": rows.count(), **filters})  # fmt: skip
    return rows


def feedback_get(*, actor: User, reference: str, purpose: str = "read feedback to the partnership board") -> Feedback:
    require(actor, Action.VIEW, Category.FEEDBACK, purpose=purpose)
    feedback = Feedback.objects.select_related("submitted_by__agency").filter(reference=reference).first()
    if feedback is None:
        refuse_missing(actor, Action.VIEW, Feedback.AUDIT_TYPE, reference, purpose=purpose)
    audit_record(actor=actor, action=AuditAction.VIEW, target=feedback, purpose=purpose, outcome=Outcome.SUCCESS)
    return feedback


def published_answers(*, reference: str = "") -> QuerySet[Feedback]:
    """The answers the board has published, newest first, for the public page: no actor, no personal data."""
    rows = Feedback.objects.filter(published=True).exclude(response="").order_by("-responded_at", "-pk")
    return rows.filter(reference=normalise_reference(reference)) if reference else rows


@dataclass(frozen=True)
class FeedbackSummary:
    """Counts of feedback to the board, as the viewer may see them: counts of 1 to 5 (and any that would give one
    away from the total) are "c" unless the viewer holds small numbers."""

    since: dt.date | None
    until: dt.date | None
    received: Count_
    answered: Count_
    published: Count_
    by_channel: list[tuple[str, Count_]]
    by_theme: list[tuple[str, Count_]]
    monthly: list[tuple[dt.date, Count_]]
    suppressed: bool

    @property
    def theme_chart(self) -> BarChart | None:
        return bar_chart([(label, n) for label, n in self.by_theme if isinstance(n, int)])


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def feedback_summary(*, actor: User, since: dt.date | None = None, until: dt.date | None = None) -> FeedbackSummary:
    """How much feedback the board has received (from `since` to `until`, both included, or ever), by channel, theme
    and month, and how much of it the board has answered and published. Counts only: nothing said, nobody named."""
    require(actor, Action.VIEW, Category.AGGREGATE, purpose="see counts of feedback to the board")
    rows = Feedback.objects.order_by()
    if since is not None:
        rows = rows.filter(submitted_on__gte=since)
    if until is not None:
        rows = rows.filter(submitted_on__lte=until)
    totals = rows.aggregate(
        received=Count("pk"), answered=Count("pk", filter=~Q(response="")),
        published=Count("pk", filter=Q(published=True) & ~Q(response="")),
    )  # fmt: skip
    channels = dict(rows.values_list("channel").annotate(n=Count("pk")))
    themes = dict(rows.values_list("theme").annotate(n=Count("pk")))
    per_month = dict(rows.annotate(month=TruncMonth("submitted_on")).values_list("month").annotate(n=Count("pk")))
    first = since or min(per_month, default=None)
    months = _months(first, until or timezone.localdate()) if first is not None else []
    counts = {
        "received": totals["received"], "answered": totals["answered"], "published": totals["published"],
        **{f"channel:{c}": channels.get(c, 0) for c in FeedbackChannel.values},
        **{f"theme:{t}": themes.get(t, 0) for t in FeedbackTheme.values},
        **{f"month:{m.isoformat()}": per_month.get(m, 0) for m in months},
    }  # fmt: skip
    # Each breakdown adds up to the number received, so no hidden count may be worked out from it.
    lines = [Line("received", [k for k in counts if k.startswith(p)]) for p in ("channel:", "theme:", "month:")]
    full = can(actor, Action.VIEW, Category.SMALL_NUMBERS)
    seen = shown(counts, lines, full=full)
    return FeedbackSummary(
        since=since,
        until=until,
        received=seen["received"],
        answered=seen["answered"],
        published=seen["published"],
        by_channel=[(FeedbackChannel(c).label, seen[f"channel:{c}"]) for c in FeedbackChannel.values],
        by_theme=[(FeedbackTheme(t).label, seen[f"theme:{t}"]) for t in FeedbackTheme.values],
        monthly=[(m, seen[f"month:{m.isoformat()}"]) for m in months],
        suppressed=not full,
    )
