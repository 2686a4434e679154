"""The choices a screening's records make, in the words practitioners use.

The indicator list is the rulebook's SCR-INDICATORS, shared with the cases app (a referral may name the same
indicators), so one list serves both."""

from __future__ import annotations

from django.db import models

from lantern.cases.enums import CseIndicator

IndicatorKind = CseIndicator
"""SCR-INDICATORS: the thirteen indicators a practitioner may raise."""

SEXUAL_HEALTH_KINDS = frozenset({CseIndicator.STI_PREGNANCY, CseIndicator.CLINIC})
"""Indicators that are sexual-health detail when health raises them (Category.SEXUAL_HEALTH)."""


class Level(models.TextChoices):
    """SCR-LEVELS, lowest first."""

    AT_RISK = "at_risk", "At risk"
    MODERATE = "moderate", "Moderate"
    SIGNIFICANT = "significant", "Significant"
    SERIOUS = "serious", "Serious"


LEVEL_ORDER: tuple[Level, ...] = (Level.AT_RISK, Level.MODERATE, Level.SIGNIFICANT, Level.SERIOUS)


class Evidence(models.TextChoices):
    """What the indicator rests on."""

    INTELLIGENCE = "intelligence", "An intelligence report"
    CASE_EVENT = "case_event", "A case event (a visit, a missing episode, a contact)"
    HEALTH_RECORD = "health_record", "A health record"
    SCHOOL_RECORD = "school_record", "A school record"
    OTHER = "other", "Something else"


class Trigger(models.TextChoices):
    """Why a screening task opened: the five SCR-TRIGGERS, and the strategy discussion LOCAL-STRAT-3 requires."""

    MISSING = "missing", "3 or more missing episodes in 90 days"
    INTEL_ADULT = "intel_adult", "Linked in graded intelligence to an adult of concern"
    STI_UNDER_16 = "sti_under_16", "STI or pregnancy recorded under 16"
    GIFTS = "gifts", "Unexplained gifts or phones reported by two agencies within 90 days"
    NAMED_WITH_LINKED = "named_with_linked", "Named in a report with a vehicle or place linked to CSE intelligence"
    STRATEGY_LEVEL = "strategy_level", "Strategy discussion: level significant or serious"
    STRATEGY_DISCLOSURE = "strategy_disclosure", "Strategy discussion: disclosure of sexual activity with adults"


SCREENING_TRIGGERS = frozenset(
    {Trigger.MISSING, Trigger.INTEL_ADULT, Trigger.STI_UNDER_16, Trigger.GIFTS, Trigger.NAMED_WITH_LINKED}
)
STRATEGY_TRIGGERS = frozenset({Trigger.STRATEGY_LEVEL, Trigger.STRATEGY_DISCLOSURE})

MAX_TEXT = 10_000
