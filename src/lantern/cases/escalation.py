"""Overdue work climbs the agency's escalation chain: an in-app notification and an email to each level it has
reached, once per level.

A level hears once the work has been overdue for its `after_working_days` (level 1, by default the case's team
manager, from the first day). Drift also goes to the lead practitioner, whose case it is. Run by `lantern escalate`
(hourly under `lantern serve`; once by `lantern demo`). A re-run sends nothing new, because each level is raised
once per person and piece of work (`oversight.chains.raise_to`) and each notification is unique per person, rule
and piece of work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from lantern.cases.selectors import LONDON, DueItem, overdue_everywhere
from lantern.cases.services import notify
from lantern.oversight.chains import chain, raise_to
from lantern.oversight.models import EscalationLevel


def escalate_overdue(now: dt.datetime | None = None, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Raise every overdue item to each level of its agency's chain that it has reached, and tell the lead
    practitioner of drift; the number of notifications sent."""
    now = now or timezone.now()
    today = timezone.localtime(now, LONDON).date()
    items = overdue_everywhere(now)
    chains: dict[int, list[EscalationLevel]] = {}
    sent = 0
    for done, item in enumerate(items, start=1):
        levels = chains.setdefault(item.case.agency_id, chain(item.case.agency_id))
        days_late = -item.days_left(today)
        with transaction.atomic():
            for level in levels:
                if days_late >= level.after_working_days:
                    raised = raise_to(level, case=item.case, rule=item.rule, item_key=item.key,
                                      message=_message(item, days_late, level), raised_by=None)  # fmt: skip
                    sent += len(raised)
            lead = item.case.lead_practitioner
            if item.rule == "LOCAL-DRIFT-10" and lead is not None:
                sent += len(notify([lead], case=item.case, rule=item.rule, item_key=item.key,
                                   message=_message(item, days_late, None)))  # fmt: skip
        if progress:
            progress(done, len(items))
    return sent


def _message(item: DueItem, days_late: int, level: EscalationLevel | None) -> str:
    to = f" Escalated to level {level.level} ({level.title})." if level is not None and level.level > 1 else ""
    return (
        f"Overdue on case {item.case.pk}: {item.label} was due {item.due_on:%-d %B %Y} "
        f"({days_late} working day{'s' if days_late != 1 else ''} ago, rule {item.rule}).{to}"
    )
