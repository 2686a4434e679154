"""Social Work England registration: "social worker" is a protected title (Children and Social Work Act 2017
ss39-40), so work the rulebook reserves for social workers (WT-LEAD-PRACT) needs a current registration."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from lantern.access.roles import Role

if TYPE_CHECKING:
    from lantern.accounts.models import User

# Social Work England numbers are "SW" and the digits of the register entry, such as SW123456.
SWE_NUMBER = re.compile(r"SW\d{4,7}")
SOCIAL_WORK_ROLES = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER})


def swe_number_problem(number: str) -> str:
    """Why a registration number is not one, or "" if it is well formed."""
    if not SWE_NUMBER.fullmatch(number.strip().upper()):
        return "Enter the Social Work England registration number as SW and 4 to 7 digits, like SW123456"
    return ""


def registration_problem(user: User, *, on: dt.date) -> str:
    """Why `user` may not act as a registered social worker on a day, or "" if they may."""
    if user.role not in SOCIAL_WORK_ROLES:
        return f"{user.get_full_name() or user.username} is not a registered social worker ({user.get_role_display()})"
    if not user.swe_registration:
        return f"{user.get_full_name() or user.username} has no Social Work England registration recorded"
    if swe_number_problem(user.swe_registration):
        return f"{user.get_full_name() or user.username}'s Social Work England number is not in the right format"
    if user.swe_registration_expires is None:
        return f"{user.get_full_name() or user.username}'s Social Work England registration has no expiry date recorded"
    if user.swe_registration_expires < on:
        return (
            f"{user.get_full_name() or user.username}'s Social Work England registration expired on "
            f"{user.swe_registration_expires:%-d %B %Y}"
        )
    return ""
