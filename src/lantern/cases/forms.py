"""Forms for the casework pages. They parse and label; every rule (what is required when, who may decide) is
the services', so most boxes are optional here and the service's message is the one shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from lantern.access.roles import Role
from lantern.accounts.models import Agency, User
from lantern.cases.enums import (
    MAX_TEXT,
    REQUIRED_STRATEGY_AGENCIES,
    AttendeeAgencyKind,
    ConferenceDecision,
    ConferenceKind,
    CseIndicator,
    Participation,
    PlanCategory,
    ReassuranceStatus,
    ReferralDecision,
    S47Outcome,
    SourceKind,
    StrategyOutcome,
)
from lantern.cases.services import Attendee
from lantern.web.forms import GovukForm

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
DATETIME_FORMATS = [DATETIME_INPUT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
DATETIME_HINT = "Date and time, UK time. For example, 20/11/2026 14:30."
DATE_INPUT = "%Y-%m-%d"
DATE_FORMATS = [DATE_INPUT, "%d/%m/%Y"]
DATE_HINT = "For example, 20/11/2026."
CASEWORKERS = (Role.SOCIAL_WORKER, Role.TEAM_MANAGER)


def now_minute() -> dt.datetime:
    """Now in Europe/London, to the minute, as a datetime-local box shows it."""
    return timezone.localtime().replace(second=0, microsecond=0)


def when_field(label: str, *, help_text: str = DATETIME_HINT) -> forms.DateTimeField:
    """A date and time: a `datetime-local` box, read as UK time (settings.TIME_ZONE) into an aware datetime."""
    return forms.DateTimeField(
        label=label, required=False, input_formats=DATETIME_FORMATS, help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        error_messages={"invalid": f"{label.rstrip('?')} must be a real date and time, like 20/11/2026 14:30"},
    )  # fmt: skip


def date_field(label: str, *, help_text: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, input_formats=DATE_FORMATS, help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_INPUT),
        error_messages={"invalid": f"{label.rstrip('?')} must be a real date, like 20/11/2026"},
    )  # fmt: skip


def text_field(label: str, *, rows: int = 4, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text,
        max_length=MAX_TEXT, error_messages={"max_length": f"{label} must be {MAX_TEXT:,} characters or fewer"},
    )  # fmt: skip


def line_field(label: str, *, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=200, help_text=help_text,
                           error_messages={"max_length": f"{label} must be 200 characters or fewer"})  # fmt: skip


def radios(label: str, choices: Any, *, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, required=False, widget=forms.RadioSelect,
                             help_text=help_text)  # fmt: skip


def tick(label: str, *, help_text: str = "") -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False, help_text=help_text)


def caseworkers(agency_id: int | None) -> QuerySet[User]:
    """Who may be allocated as lead practitioner: active social workers and managers of the case's agency."""
    if agency_id is None:
        return User.objects.none()
    return User.objects.filter(agency_id=agency_id, role__in=CASEWORKERS, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


class PractitionerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


def practitioner_field(label: str, *, help_text: str = "") -> PractitionerChoice:
    return PractitionerChoice(
        label=label, queryset=User.objects.none(), required=False, empty_label="Choose a practitioner",
        help_text=help_text, error_messages={"invalid_choice": "Choose a practitioner from the list"},
    )  # fmt: skip


class CaseForm(GovukForm):
    """A step form: knows the case's agency (for the practitioner lists) and whether a manager is filling it."""

    manager_only: tuple[str, ...] = ()

    def __init__(self, *args: Any, actor: User, agency_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, PractitionerChoice):
                field.queryset = caseworkers(agency_id)
            if isinstance(field, forms.DateTimeField) and name not in self.initial:
                self.initial[name] = now_minute()
        if actor.role != Role.TEAM_MANAGER:
            for name in self.manager_only:
                self.fields.pop(name, None)

    def data_for_service(self) -> dict[str, Any]:
        """The cleaned values under the services' keyword names (the same as the form's, by design)."""
        return dict(self.cleaned_data)


class SourceMixin(forms.Form):
    source_kind = radios("Who did the information come from?", SourceKind.choices)
    source_agency = forms.ModelChoiceField(
        label="Their agency (optional)", queryset=Agency.objects.order_by("name"), required=False,
        empty_label="Not from an agency", error_messages={"invalid_choice": "Choose an agency from the list"},
    )  # fmt: skip
    source_person = line_field("Name and role of the person who gave it", help_text="For example, Nurse A. Patel, "
                               "sexual health outreach.")  # fmt: skip


class ReferralForm(CaseForm):
    received_at = when_field("When was the referral received?")
    source_kind = SourceMixin.base_fields["source_kind"]
    source_agency = SourceMixin.base_fields["source_agency"]
    source_person = SourceMixin.base_fields["source_person"]
    concerns = text_field(
        "What are the concerns?",
        rows=6,
        help_text="What was seen or said, by whom and when, in their words if you can.",
    )
    cse_indicators = forms.MultipleChoiceField(
        label="Child sexual exploitation indicators", choices=CseIndicator.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Select all that the referral describes.",
    )  # fmt: skip
    names_exploiting_adults = tick("The referral names adults who may be exploiting children")


class ContactForm(CaseForm):
    received_at = when_field("When was the information received?")
    source_kind = SourceMixin.base_fields["source_kind"]
    source_agency = SourceMixin.base_fields["source_agency"]
    source_person = SourceMixin.base_fields["source_person"]
    summary = text_field("What was said?", rows=6)
    cse_indicators = ReferralForm.base_fields["cse_indicators"]


class DecideForm(CaseForm):
    decision = radios("Decision", ReferralDecision.choices)
    reasons = text_field("Reasons for the decision", help_text="Needed for no further action.")
    decided_at = when_field("When was the decision made?")
    manager_reason = text_field(
        "Your reason, as team manager", help_text="Needed to close a referral naming CSE indicators or adults "
        "exploiting children with no further action. It is reported to the partnership.",
    )  # fmt: skip
    lead_practitioner = practitioner_field(
        "Lead practitioner", help_text="For an assessment or strategy discussion: the social worker who leads the case."
    )
    immediate_risk = tick("The child is at immediate risk: hold the strategy discussion today")
    manager_only = ("manager_reason",)


EXTRA_ATTENDEES = 3  # rows beyond the three agencies a strategy discussion must hear from


def _attendee_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for kind in REQUIRED_STRATEGY_AGENCIES:
        fields[f"{kind.value}_name"] = line_field(f"{kind.label}: name")
        fields[f"{kind.value}_role"] = line_field(f"{kind.label}: role (optional)")
    for n in range(1, EXTRA_ATTENDEES + 1):
        fields[f"extra{n}_agency"] = forms.ChoiceField(
            label=f"Other attendee {n}: agency", required=False,
            choices=[("", "Choose an agency"), *AttendeeAgencyKind.choices],
        )  # fmt: skip
        fields[f"extra{n}_name"] = line_field(f"Other attendee {n}: name")
        fields[f"extra{n}_role"] = line_field(f"Other attendee {n}: role (optional)")
    return fields


class StrategyRequestForm(CaseForm):
    concerns_identified_at = when_field("When were the concerns identified?")
    reason = text_field("What are the concerns that need a strategy discussion?", rows=5)
    immediate_risk = tick("The child is at immediate risk: hold the discussion today")
    cse_risk = tick("The child is at risk of child sexual exploitation")


class StrategyForm(CaseForm):
    held_at = when_field("When was the discussion held?")
    outcome = radios("Outcome", StrategyOutcome.choices)
    outcome_reasons = text_field("Reasons for the outcome")
    manager_reason = text_field(
        "Your reason, as team manager",
        help_text="Needed for no section 47 enquiry for a child at risk of child sexual exploitation.",
    )
    lead_practitioner = practitioner_field(
        "Lead practitioner for the section 47 enquiry", help_text="A registered social worker. Leave as it is to "
        "keep the case's lead practitioner.",
    )  # fmt: skip
    manager_only = ("manager_reason",)

    def attendee_rows(self) -> list[dict[str, Any]]:
        rows = [
            {"legend": kind.label, "fields": [self[f"{kind.value}_name"], self[f"{kind.value}_role"]]}
            for kind in REQUIRED_STRATEGY_AGENCIES
        ]
        rows += [
            {"legend": f"Other attendee {n} (optional)",
             "fields": [self[f"extra{n}_agency"], self[f"extra{n}_name"], self[f"extra{n}_role"]]}
            for n in range(1, EXTRA_ATTENDEES + 1)
        ]  # fmt: skip
        return rows

    def attendees(self) -> list[Attendee]:
        data = self.cleaned_data
        people = [
            Attendee(kind.value, data[f"{kind.value}_name"], data[f"{kind.value}_role"])
            for kind in REQUIRED_STRATEGY_AGENCIES
        ]
        for n in range(1, EXTRA_ATTENDEES + 1):
            if data[f"extra{n}_name"].strip():
                people.append(Attendee(data[f"extra{n}_agency"], data[f"extra{n}_name"], data[f"extra{n}_role"]))
        return people

    def first_missing_required(self) -> str | None:
        """The name box of the first agency the discussion must hear from that was left empty."""
        for kind in REQUIRED_STRATEGY_AGENCIES:
            if not self.cleaned_data.get(f"{kind.value}_name", "").strip():
                return f"{kind.value}_name"
        return None

    def data_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {
            "held_at": data["held_at"], "attendees": self.attendees(), "outcome": data["outcome"],
            "outcome_reasons": data["outcome_reasons"], "lead_practitioner": data["lead_practitioner"],
        }  # fmt: skip
        if "manager_reason" in data:
            values["manager_reason"] = data["manager_reason"]
        return values


StrategyForm.base_fields.update(_attendee_fields())  # the attendee rows, named by agency
StrategyForm.field_order = ["held_at", *_attendee_fields(), "outcome", "outcome_reasons", "manager_reason"]


class S47Form(CaseForm):
    outcome = radios("Outcome of the enquiry", S47Outcome.choices)
    reasons = text_field("Reasons for the outcome")
    outcome_at = when_field("When was the outcome decided?")


class ContributionForm(CaseForm):
    text = text_field("Your contribution", rows=6, help_text="What you have seen, heard or learned, and from whom.")


class CompleteAssessmentForm(CaseForm):
    summary = text_field("Analysis and conclusion", rows=8)
    child_views = text_field("The child's views, in their own words", rows=4)
    overdue_reason = text_field(
        "Why is the assessment late? (if it is)",
        help_text="Needed if the assessment is past its 45 working days (rule WT-ASSESS-45).",
    )


class AuthoriseForm(CaseForm):
    """Nothing to fill in: pressing the button is the authorisation."""


class ConferenceForm(CaseForm):
    held_on = date_field("Date of the conference")
    chair = line_field("Name of the independent chair")
    decision = radios("Decision", ())
    reasons = text_field("Reasons for the decision")
    participation = radios("Did the young person take part?", Participation.choices)
    participation_note = text_field(
        "How did they give their views, or why did they not take part?", rows=3,
        help_text="Needed unless they attended: for example, through an advocate, a letter or an app.",
    )  # fmt: skip
    child_views = text_field("The young person's views, in their own words", rows=4)
    plan_category = radios("Category of the plan", PlanCategory.choices)
    visit_interval_working_days = forms.IntegerField(
        label="Visit the child every (working days)", required=False, min_value=1, max_value=20,
        help_text="Leave empty for the borough's default of 10 working days.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "Enter a whole number of working days, like 10",
                        "min_value": "Visits must be planned every 1 to 20 working days",
                        "max_value": "Visits must be planned every 1 to 20 working days"},
    )  # fmt: skip
    seen_alone_exception = text_field("Why the child need not be seen alone at every other visit (optional)", rows=3)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        if kind == ConferenceKind.INITIAL:
            field.choices = [(ConferenceDecision.PLAN, "Child protection plan"),
                             (ConferenceDecision.NO_PLAN, "No child protection plan")]  # fmt: skip
        else:
            field.choices = [(ConferenceDecision.PLAN, "Continue the child protection plan"),
                             (ConferenceDecision.END_PLAN, "End the child protection plan")]  # fmt: skip
            for name in ("plan_category", "visit_interval_working_days", "seen_alone_exception"):
                self.fields.pop(name)


class CoreGroupForm(CaseForm):
    held_on = date_field("Date of the meeting")
    attendees = text_field("Who attended, with their agencies", rows=3)
    participation = ConferenceForm.base_fields["participation"]
    participation_note = ConferenceForm.base_fields["participation_note"]
    child_views = ConferenceForm.base_fields["child_views"]
    notes = text_field("Notes (optional)", rows=4)


class VisitForm(CaseForm):
    visited_at = when_field("When was the visit?")
    child_seen = tick("The child was seen")
    seen_alone = tick("The child was seen alone")
    child_words = text_field("What the child said, in their own words", rows=4,
                             help_text="Needed if the child was seen.")  # fmt: skip
    not_seen_reason = text_field("Why the child was not seen", rows=3, help_text="Needed if the child was not seen.")
    notes = text_field("Notes (optional)", rows=4)


class MissingForm(CaseForm):
    missing_from = when_field("When did the child go missing?")
    returned_at = when_field("When did they return? (if they have)",
                             help_text="Leave empty if they are still missing. " + DATETIME_HINT)  # fmt: skip
    circumstances = text_field("Circumstances (optional)", rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.pop("returned_at", None)


class ReturnForm(CaseForm):
    returned_at = when_field("When did the child return?")


class InterviewForm(CaseForm):
    held_at = when_field("When was the interview held or offered?")
    by = line_field("Who held or offered the interview")
    summary = text_field("What was learned", rows=5, help_text="Needed unless the child declined.")
    child_words = text_field("What the child said, in their own words (optional)", rows=4)
    declined_reason = text_field("If the child declined: their reasons", rows=3)


class ReassuranceForm(CaseForm):
    given_by = line_field("Who gave the reassurance?", help_text="Name and relationship to the child.")
    given_on = date_field("When was it given?")
    promise = text_field("What was promised?", rows=4)
    is_safety_agreement = tick("It is a written safety agreement")


class ReassuranceOutcomeForm(CaseForm):
    status = radios("Did the reassurance hold?", [(ReassuranceStatus.HELD, "It held"),
                                                  (ReassuranceStatus.BROKEN, "It broke")])  # fmt: skip
    outcome_on = date_field("Date")
    note = text_field("What happened?", rows=4)


class NoteForm(CaseForm):
    note = text_field("Your decision, having seen the history", rows=5)


class OversightForm(CaseForm):
    note = text_field("What you checked and what you directed", rows=6)


class AllocateForm(CaseForm):
    practitioner = practitioner_field("Lead practitioner")


class CloseForm(CaseForm):
    reason = text_field("Reason for closing the case", rows=4)
