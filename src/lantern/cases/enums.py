"""The choices a case's records make, in the words practitioners use."""

from __future__ import annotations

from django.db import models


class Stage(models.TextChoices):
    """Where a child's case stands; moves only along `workflow.TRANSITIONS`."""

    REFERRAL = "referral", "Referral: decision due"
    ASSESSMENT = "assessment", "Child and family assessment"
    EARLY_HELP = "early_help", "Early help"
    STRATEGY = "strategy", "Strategy discussion due"
    S47 = "s47", "Section 47 enquiry"
    CONFERENCE = "conference", "Initial child protection conference due"
    CP_PLAN = "cp_plan", "Child protection plan"
    CLOSED = "closed", "Closed"


class ReferralDecision(models.TextChoices):
    NFA = "nfa", "No further action"
    EARLY_HELP = "early_help", "Early help"
    ASSESSMENT = "assessment", "Child and family assessment"
    STRATEGY = "strategy", "Strategy discussion"


class CseIndicator(models.TextChoices):
    """The rulebook's screening indicators (SCR-INDICATORS), as a referral can name them."""

    MISSING = "missing", "Going missing"
    ADULTS_OF_CONCERN = "adults_of_concern", "Association with adults or older young people of concern"
    GIFTS = "gifts", "Unexplained gifts, money, phones or clothes"
    CARS = "cars", "Picked up by cars or seen in cars with unknown adults"
    STI_PREGNANCY = "sti_pregnancy", "STI or pregnancy under 16"
    CLINIC = "clinic", "Sexual health clinic attendance under 16"
    SCHOOL = "school", "School absence or exclusion"
    SUBSTANCES = "substances", "Substance misuse"
    MENTAL_HEALTH = "mental_health", "Self-harm or sudden change in mental health"
    ONLINE = "online", "Online contact with unknown adults, images shared"
    OLDER_BOYFRIEND = "older_boyfriend", "Older 'boyfriend'"
    OVERNIGHT = "overnight", "Staying out late or overnight at unknown addresses"
    DISCLOSURE = "disclosure", "Disclosure of sexual activity with adults"


class StrategyOutcome(models.TextChoices):
    S47 = "s47", "Section 47 enquiry"
    NO_S47 = "no_s47", "No section 47 enquiry"


class S47Outcome(models.TextChoices):
    ICPC = "icpc", "Concerns substantiated: initial child protection conference"
    CHILD_IN_NEED = "child_in_need", "Concerns substantiated, child not at continuing risk: child in need plan"
    NOT_SUBSTANTIATED = "not_substantiated", "Concerns not substantiated"


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed, awaiting authorisation"
    AUTHORISED = "authorised", "Authorised"


class ConferenceKind(models.TextChoices):
    INITIAL = "initial", "Initial child protection conference"
    REVIEW = "review", "Review child protection conference"


class ConferenceDecision(models.TextChoices):
    PLAN = "plan", "Child protection plan"
    NO_PLAN = "no_plan", "No child protection plan"
    END_PLAN = "end_plan", "End the child protection plan"


class Participation(models.TextChoices):
    ATTENDED = "attended", "Attended"
    VIEWS_ANOTHER_WAY = "views_another_way", "Gave their views another way"
    DID_NOT = "did_not", "Did not take part"


class PlanCategory(models.TextChoices):
    SEXUAL_ABUSE = "sexual_abuse", "Sexual abuse"
    NEGLECT = "neglect", "Neglect"
    PHYSICAL_ABUSE = "physical_abuse", "Physical abuse"
    EMOTIONAL_ABUSE = "emotional_abuse", "Emotional abuse"


class ReassuranceStatus(models.TextChoices):
    OPEN = "open", "Being tested"
    HELD = "held", "Held"
    BROKEN = "broken", "Broken"


class AttendeeAgencyKind(models.TextChoices):
    """The agencies a strategy discussion must hear from (WT23: social care, police and health at least)."""

    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    YOUTH = "youth", "Youth service"
    OTHER = "other", "Other"


REQUIRED_STRATEGY_AGENCIES = (AttendeeAgencyKind.SOCIAL_CARE, AttendeeAgencyKind.POLICE, AttendeeAgencyKind.HEALTH)

MAX_TEXT = 10_000


class SourceKind(models.TextChoices):
    """Who a referral or contact came from."""

    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    YOUTH = "youth", "Youth service"
    FAMILY = "family", "Family member"
    PUBLIC = "public", "Member of the public"
    CHILD = "child", "The child"
    OTHER = "other", "Other"
