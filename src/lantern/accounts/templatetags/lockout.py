from __future__ import annotations

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def lockout_minutes(value: timedelta | None) -> int:
    """Whole minutes of a lockout, rounded up, so the page never promises less than the real wait."""
    if value is None:
        return 0
    return -(-int(value.total_seconds()) // 60)
