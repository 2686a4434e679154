"""Choices and constants for intelligence: sources, how the submitter knows, urgency, grading, outcomes."""

from __future__ import annotations

from django.db import models


class Source(models.TextChoices):
    PARTNER = "partner", "Partner agency"
    PUBLIC = "public", "Member of the public"


class Knowledge(models.TextChoices):
    SEEN = "seen", "I saw or heard it directly"
    TOLD_BY_CHILD = "told_by_child", "The child or young person told me"
    THIRD_PARTY = "third_party", "Someone else told me"
    RUMOUR = "rumour", "It is being talked about (rumour)"


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", "A child is at immediate risk now"
    URGENT = "urgent", "Urgent: needs looking at today"
    SOON = "soon", "Needs looking at within a few days"
    INFORMATION = "information", "For information"


class Risk(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


URGENCY_RISK = {
    Urgency.IMMEDIATE: Risk.HIGH,
    Urgency.URGENT: Risk.HIGH,
    Urgency.SOON: Risk.MEDIUM,
    Urgency.INFORMATION: Risk.LOW,
}


class Status(models.TextChoices):
    NEW = "new", "Waiting for triage"
    TRIAGED = "triaged", "Triaged"
    CLOSED = "closed", "Outcome recorded"


class Scheme(models.TextChoices):
    G3X5X2 = "3x5x2", "3x5x2"
    G5X5X5 = "5x5x5", "5x5x5 (historic, read-only)"


class SourceEvaluation(models.TextChoices):
    """INT-3X5X2 source evaluation (the digit)."""

    RELIABLE = "1", "1: Reliable"
    UNTESTED = "2", "2: Untested"
    NOT_RELIABLE = "3", "3: Not reliable"


class Assessment(models.TextChoices):
    """INT-3X5X2 intelligence assessment (the letter)."""

    A = "A", "A: Known directly to the source"
    B = "B", "B: Known indirectly to the source but corroborated"
    C = "C", "C: Known indirectly to the source"
    D = "D", "D: Not known"
    E = "E", "E: Suspected to be false"


class HandlingCode(models.TextChoices):
    """INT-3X5X2 handling code."""

    P = "P", "P: Lawful sharing permitted"
    C = "C", "C: Lawful sharing permitted with conditions"


class Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    SHARED = "shared", "Shared with partners"
    REFERRAL = "referral", "Actioned: referral raised"
    STRATEGY = "strategy", "Actioned: strategy discussion requested"


class SubmitterStatus(models.TextChoices):
    """What a submitter is told of their report: the category of what happened, never the detail."""

    LOGGED = "logged", "Logged"
    SHARED = "shared", "Shared"
    REFERRAL = "referral", "Referral raised"
    NO_FURTHER_ACTION = "nfa", "No further action"


class EntityKind(models.TextChoices):
    PERSON = "person", "Person"
    VEHICLE = "vehicle", "Vehicle"
    PHONE = "phone", "Phone"
    PLACE = "place", "Place"


class EntityOrigin(models.TextChoices):
    SUBMITTED = "submitted", "Given by the submitter"
    SUGGESTED = "suggested", "Found in the text"
    ANALYST = "analyst", "Added by an analyst"


class Corroboration(models.TextChoices):
    SEEN_TOO = "seen_too", "We have seen this too"
    CONTRADICTED = "contradicted", "What we know contradicts this"
    OUT_OF_DATE = "out_of_date", "This is out of date"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the holding agency"
    RELEASED = "released", "Released in full"
    RELEASED_SANITISED = "released_sanitised", "Released sanitised"
    REFUSED = "refused", "Refused"


class Level(models.TextChoices):
    """How much of a report a reader may see."""

    FULL = "full", "Full report"
    SANITISED = "sanitised", "Sanitised version"
    EXISTENCE = "existence", "Existence only"


MAX_TEXT = 5000
MAX_SHORT = 300
