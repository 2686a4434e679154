"""What other apps hear of intelligence. Intel names no app downstream of it: the screening app listens for a
report whose grade or links changed (a child linked to an adult of concern, or named with a vehicle or place
already in CSE intelligence, opens a screening task, SCR-TRIGGERS)."""

from __future__ import annotations

from django.dispatch import Signal

report_links_changed = Signal()  # kwargs: report (inside the change's transaction)
