"""What other apps' pages need to offer the network: whether the reader may open it."""

from __future__ import annotations

from django import template

from lantern.access.policy import Action, Category, can

register = template.Library()


@register.filter
def may_view_network(user: object) -> bool:
    """True for a signed-in user whose role may view network analysis (the person page's link)."""
    return bool(getattr(user, "is_authenticated", False)) and can(user, Action.VIEW, Category.NETWORK)  # type: ignore[arg-type]
