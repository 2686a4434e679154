from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lantern.access.policy import role_of
from lantern.web.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    role = role_of(user)
    return {
        "shell": {
            "demo_mode": settings.DEMO_MODE,
            "two_factor_required": settings.LANTERN_REQUIRE_2FA,
            "role_label": role.label if role else "no role",
            "navigation": navigation_for(user, request.path) if user.is_authenticated else [],
        }
    }
