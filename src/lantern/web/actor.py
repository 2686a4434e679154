"""The signed-in practitioner behind a request, typed, for views and API handlers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from lantern.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """Views are behind login_required and the API behind bearer auth, so this is always a real user."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
