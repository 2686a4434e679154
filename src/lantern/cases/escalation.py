"""Overdue work goes to the manager: an in-app notification and an email, once per piece of work.

Run by `lantern escalate` (hourly from cron or a task scheduler in a deployment; once by `lantern demo`). A
re-run sends nothing new, because each notification is unique per person, rule and piece of work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from lantern.cases.selectors import overdue_everywhere
from lantern.cases.services import managers_of, notify


def escalate_overdue(now: dt.datetime | None = None, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Notify the managers (and, for drift, the lead practitioner) of every overdue item; the number sent."""
    items = overdue_everywhere(now or timezone.now())
    sent = 0
    for done, item in enumerate(items, start=1):
        recipients = managers_of(item.case)
        if item.rule == "LOCAL-DRIFT-10" and item.case.lead_practitioner is not None:
            recipients.append(item.case.lead_practitioner)
        days_late = -item.days_left()
        message = (
            f"Overdue on case {item.case.pk}: {item.label} was due {item.due_on:%-d %B %Y} "
            f"({days_late} working day{'s' if days_late != 1 else ''} ago, rule {item.rule})."
        )
        with transaction.atomic():
            sent += len(notify(recipients, case=item.case, rule=item.rule, item_key=item.key, message=message))
        if progress:
            progress(done, len(items))
    return sent
