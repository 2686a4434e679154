"""What other apps hear of casework. Cases names no app downstream of it: the screening app listens for
missing episodes (3 or more in 90 days opens a screening task, SCR-TRIGGERS)."""

from __future__ import annotations

from django.dispatch import Signal

missing_recorded = Signal()  # kwargs: episode (inside the recording's transaction)
