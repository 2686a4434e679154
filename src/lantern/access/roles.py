"""The roles Lantern knows, and the groups the policy talks about."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker (registered)"
    SOCIAL_CARE_ASSISTANT = "social_care_assistant", "Social care assistant (unqualified)"
    TEAM_MANAGER = "team_manager", "Team manager"
    POLICE_CSE_OFFICER = "police_cse_officer", "Police CSE officer"
    INTELLIGENCE_ANALYST = "intelligence_analyst", "Intelligence analyst"
    SEXUAL_HEALTH_NURSE = "sexual_health_nurse", "Sexual health nurse"
    DESIGNATED_SAFEGUARDING_LEAD = "designated_safeguarding_lead", "Designated safeguarding lead"
    YOUTH_WORKER = "youth_worker", "Youth worker"
    BOARD_MEMBER = "board_member", "Partnership board member"
    SYSTEM_ADMIN = "system_admin", "System administrator"
    INFORMATION_GOVERNANCE = "information_governance", "Information governance"


PRACTITIONERS: frozenset[Role] = frozenset(
    {
        Role.SOCIAL_WORKER,
        Role.SOCIAL_CARE_ASSISTANT,
        Role.TEAM_MANAGER,
        Role.POLICE_CSE_OFFICER,
        Role.INTELLIGENCE_ANALYST,
        Role.SEXUAL_HEALTH_NURSE,
        Role.DESIGNATED_SAFEGUARDING_LEAD,
        Role.YOUTH_WORKER,
    }
)
"""People who work with children and may hold or see personal data."""

QUALIFIED_PRACTITIONERS: frozenset[Role] = PRACTITIONERS - {Role.SOCIAL_CARE_ASSISTANT}
