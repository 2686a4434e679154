"""A child's social-care case and every statutory step in it, each row kept with who recorded it and when.

Only the case carries access facts: every record below is reached through its case, and `access` decides on
the case. Nothing is deleted; steps are corrected by later steps, and every change is in the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from lantern.cases.enums import (
    AssessmentStatus,
    AttendeeAgencyKind,
    ConferenceDecision,
    ConferenceKind,
    Participation,
    PlanCategory,
    ReassuranceStatus,
    ReferralDecision,
    S47Outcome,
    SourceKind,
    Stage,
    StrategyOutcome,
)

_USER = settings.AUTH_USER_MODEL


def _user(name: str = "+", *, null: bool = True) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(_USER, on_delete=models.PROTECT, null=null, blank=null, related_name=name)


class Case(models.Model):
    """One child's episode of statutory work, from the referral to closure; a re-referral opens a new one."""

    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    lead_practitioner = _user("led_cases")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.REFERRAL)
    cse_concern = models.BooleanField(default=False, help_text="a referral or strategy discussion named CSE risk")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    created_by = _user()

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["child"], condition=models.Q(closed_at__isnull=True), name="case_one_open"),
        ]
        indexes = [models.Index(fields=["agency", "stage"])]

    ACCESS_CATEGORY = "case"
    AUDIT_TYPE = "case"
    ACCESS_FIELDS = {
        "same_agency": ("agency_id",),
        "sharing_agreement": ("agency_id",),
        "allocated": ("lead_practitioner_id", "child__allocations__user_id"),
        "statutory_trigger": ("child__statutory_enquiry_open",),
        "record_owner": ("created_by_id",),
    }

    def __str__(self) -> str:
        return f"Case {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def audit_owner_id(self) -> int | None:
        return self.lead_practitioner_id


class CaseRecord(models.Model):
    """What every step shares: its case, who recorded it and when."""

    recorded_by = _user()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class StageChange(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="stage_changes")
    from_stage = models.CharField(max_length=12, choices=Stage.choices)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["recorded_at", "pk"]

    AUDIT_TYPE = "case_stage"

    def __str__(self) -> str:
        return f"case stage {self.pk}"


class Referral(CaseRecord):
    """A contact accepted as a referral: who raised it, what they fear, and the decision on it (WT-REF-DECIDE-1)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    received_at = models.DateTimeField()
    source_kind = models.CharField(max_length=12, choices=SourceKind.choices)
    source_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_person = models.CharField(max_length=200)
    concerns = models.TextField()
    cse_indicators = models.JSONField(default=list, blank=True)
    names_exploiting_adults = models.BooleanField(default=False)
    decision = models.CharField(max_length=12, choices=ReferralDecision.choices, blank=True)
    decision_reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = _user()
    manager_decision_by = _user()
    manager_reason = models.TextField(blank=True)
    manager_decision_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]

    AUDIT_TYPE = "referral"

    def __str__(self) -> str:
        return f"referral {self.pk}"

    @property
    def is_cse_or_exploitation(self) -> bool:
        """A referral that may not be closed with no further action without a manager (the 2006 failure)."""
        return bool(self.cse_indicators) or (
            self.names_exploiting_adults and self.source_kind in (SourceKind.HEALTH, SourceKind.POLICE)
        )


class Contact(CaseRecord):
    """Further information about a child whose case is open: who gave it and what it says. Information about a
    child with no open case is recorded as a referral, so it gets a decision within WT-REF-DECIDE-1."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts")
    received_at = models.DateTimeField()
    source_kind = models.CharField(max_length=12, choices=SourceKind.choices)
    source_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_person = models.CharField(max_length=200)
    summary = models.TextField()
    cse_indicators = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]

    AUDIT_TYPE = "contact"

    def __str__(self) -> str:
        return f"contact {self.pk}"


class StrategyDiscussion(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="strategy_discussions")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    concerns_identified_at = models.DateTimeField(help_text="starts LOCAL-STRAT-3")
    immediate_risk = models.BooleanField(default=False)
    cse_risk = models.BooleanField(default=False)
    held_at = models.DateTimeField(null=True, blank=True)
    chair = _user()
    outcome = models.CharField(max_length=8, choices=StrategyOutcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    manager_by = _user()
    manager_reason = models.TextField(blank=True)
    manager_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["concerns_identified_at", "pk"]

    AUDIT_TYPE = "strategy_discussion"

    def __str__(self) -> str:
        return f"strategy discussion {self.pk}"


class StrategyAttendee(models.Model):
    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.CASCADE, related_name="attendees")
    agency_kind = models.CharField(max_length=12, choices=AttendeeAgencyKind.choices)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency_kind})"


class Section47Enquiry(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="enquiries")
    strategy = models.OneToOneField(StrategyDiscussion, on_delete=models.PROTECT, related_name="enquiry")
    started_at = models.DateTimeField(help_text="the strategy discussion that started it (LOCAL-S47-15, WT-ICPC-15)")
    lead_practitioner = _user()
    outcome = models.CharField(max_length=20, choices=S47Outcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = _user()

    class Meta:
        ordering = ["started_at", "pk"]

    AUDIT_TYPE = "s47_enquiry"

    def __str__(self) -> str:
        return f"s47 enquiry {self.pk}"


class Assessment(CaseRecord):
    """A child and family assessment: due 45 working days from the referral (WT-ASSESS-45)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="assessments")
    lead_practitioner = _user()
    status = models.CharField(max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS)
    summary = models.TextField(blank=True)
    child_views = models.TextField(blank=True, help_text="in the child's own words")
    overdue_reason = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = _user()
    authorised_at = models.DateTimeField(null=True, blank=True)
    authorised_by = _user()
    authoriser_registration = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["recorded_at", "pk"]

    AUDIT_TYPE = "assessment"

    def __str__(self) -> str:
        return f"assessment {self.pk}"


class Contribution(CaseRecord):
    """What anyone working with the child adds to an assessment; unqualified staff contribute here."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="contributions")
    text = models.TextField()

    class Meta:
        ordering = ["recorded_at", "pk"]

    AUDIT_TYPE = "assessment_contribution"

    def __str__(self) -> str:
        return f"assessment contribution {self.pk}"


class ProtectionPlan(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    category = models.CharField(max_length=16, choices=PlanCategory.choices)
    lead_practitioner = _user()
    visit_interval_working_days = models.PositiveSmallIntegerField()
    seen_alone_exception = models.TextField(
        blank=True, help_text="why the child need not be seen alone at every other visit"
    )

    class Meta:
        ordering = ["started_on", "pk"]

    AUDIT_TYPE = "cp_plan"

    def __str__(self) -> str:
        return f"cp plan {self.pk}"


class Conference(CaseRecord):
    """An initial or review child protection conference, with the young person's part in it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="conferences")
    kind = models.CharField(max_length=8, choices=ConferenceKind.choices)
    enquiry = models.ForeignKey(Section47Enquiry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    plan = models.ForeignKey(ProtectionPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews")
    held_on = models.DateField()
    chair = models.CharField(max_length=200)
    decision = models.CharField(max_length=8, choices=ConferenceDecision.choices)
    decision_reasons = models.TextField()
    participation = models.CharField(max_length=20, choices=Participation.choices)
    participation_note = models.TextField(blank=True)
    child_views = models.TextField(blank=True)

    class Meta:
        ordering = ["held_on", "pk"]

    AUDIT_TYPE = "conference"

    def __str__(self) -> str:
        return f"conference {self.pk}"


class CoreGroupMeeting(CaseRecord):
    plan = models.ForeignKey(ProtectionPlan, on_delete=models.PROTECT, related_name="core_groups")
    held_on = models.DateField()
    attendees = models.TextField()
    participation = models.CharField(max_length=20, choices=Participation.choices)
    participation_note = models.TextField(blank=True)
    child_views = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["held_on", "pk"]

    AUDIT_TYPE = "core_group"

    def __str__(self) -> str:
        return f"core group {self.pk}"


class Visit(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="visits")
    visited_at = models.DateTimeField()
    visited_by = _user()
    child_seen = models.BooleanField()
    seen_alone = models.BooleanField(default=False)
    child_words = models.TextField(blank=True, help_text="what the child said, in their own words")
    not_seen_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["visited_at", "pk"]

    AUDIT_TYPE = "visit"

    def __str__(self) -> str:
        return f"visit {self.pk}"


class MissingEpisode(CaseRecord):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="missing_episodes")
    missing_from = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True, help_text="starts MISS-RHI-72H")
    circumstances = models.TextField(blank=True)
    rhi_held_at = models.DateTimeField(null=True, blank=True)
    rhi_by = models.CharField(max_length=200, blank=True)
    rhi_declined_reason = models.TextField(blank=True)
    rhi_summary = models.TextField(blank=True)
    child_words = models.TextField(blank=True)

    class Meta:
        ordering = ["missing_from", "pk"]

    AUDIT_TYPE = "missing_episode"

    def __str__(self) -> str:
        return f"missing episode {self.pk}"


class Reassurance(CaseRecord):
    """What a family promised to keep the child safe, and whether it held (LANTERN-REASSURE)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reassurances")
    given_by = models.CharField(max_length=200)
    given_on = models.DateField()
    is_safety_agreement = models.BooleanField(default=False)
    promise = models.TextField()
    status = models.CharField(max_length=8, choices=ReassuranceStatus.choices, default=ReassuranceStatus.OPEN)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    flagged = models.BooleanField(default=False, help_text="given while an earlier one had broken")
    acknowledged_by = _user()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    manager_note = models.TextField(blank=True)

    class Meta:
        ordering = ["given_on", "pk"]

    AUDIT_TYPE = "reassurance"

    def __str__(self) -> str:
        return f"reassurance {self.pk}"


class OversightEntry(CaseRecord):
    """A manager's recorded oversight of the case (LOCAL-OVERSIGHT-20): what they checked and directed."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="oversight")
    note = models.TextField()

    class Meta:
        ordering = ["recorded_at", "pk"]

    AUDIT_TYPE = "oversight"

    def __str__(self) -> str:
        return f"oversight {self.pk}"


class Notification(models.Model):
    """An in-app message to a practitioner or manager: overdue work escalated, a flag to look at."""

    user = models.ForeignKey(_USER, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    rule = models.CharField(max_length=24)
    item_key = models.CharField(max_length=64, help_text="which piece of work, so one escalation is sent once")
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "rule", "item_key"], name="notification_once")]

    AUDIT_TYPE = "notification"

    def __str__(self) -> str:
        return f"notification {self.pk}"
