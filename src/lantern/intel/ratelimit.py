"""Rate limiting for the anonymous public form without storing anything that identifies the sender.

Each short window has its own random salt; a sender is counted under SHA-256(salt + address). When the window
passes, its salt and counts are deleted together, so what is left can never be tied back to an address, and
within the window only a count is kept. Addresses themselves are never written anywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lantern.intel.models import RateCount, RateWindow


def _window_start(now: dt.datetime, length: dt.timedelta) -> dt.datetime:
    epoch = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    return epoch + ((now - epoch) // length) * length


def take(address: str) -> int | None:
    """Count one submission from `address`; None if allowed, else the seconds until the sender may try again."""
    length = dt.timedelta(minutes=settings.LANTERN_PUBLIC_RATE_WINDOW_MINUTES)
    now = timezone.now()
    start = _window_start(now, length)
    with transaction.atomic():
        RateWindow.objects.filter(starts_at__lt=start).delete()
        window, _ = RateWindow.objects.get_or_create(starts_at=start, defaults={"salt": secrets.token_hex(32)})
        key = hashlib.sha256(f"{window.salt}:{address}".encode()).hexdigest()
        RateCount.objects.get_or_create(window=window, key=key)
        counted = RateCount.objects.select_for_update().get(window=window, key=key)
        if counted.count >= settings.LANTERN_PUBLIC_RATE_LIMIT:
            return max(1, int((start + length - now).total_seconds()))
        RateCount.objects.filter(pk=counted.pk).update(count=F("count") + 1)
    return None
