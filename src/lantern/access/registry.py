"""Every view declares whether it touches personal data, and which categories; a test walks the URLconf
and fails on any view that has not declared itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from lantern.access.policy import Category

_F = TypeVar("_F", bound=Callable[..., Any])
ATTRIBUTE = "lantern_access_categories"


def guards(*categories: Category) -> Callable[[_F], _F]:
    """Mark a view or API operation guarded by `access` for these categories (personal data, aggregates, accounts)."""
    if not categories:
        raise ValueError("Name the categories of personal data the view touches.")

    def mark(view: _F) -> _F:
        setattr(view, ATTRIBUTE, frozenset(categories))
        return view

    return mark


def no_personal_data(view: _F) -> _F:
    """Mark a view that shows no personal data (sign-in, help, the shell)."""
    setattr(view, ATTRIBUTE, frozenset())
    return view


def declared_categories(view: Callable[..., Any]) -> frozenset[Category] | None:
    """The categories a view declared, or None if it declared nothing."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "__wrapped__", None)):
        if candidate is not None and hasattr(candidate, ATTRIBUTE):
            value: frozenset[Category] = getattr(candidate, ATTRIBUTE)
            return value
    return None
