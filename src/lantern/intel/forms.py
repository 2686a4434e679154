"""Forms for intelligence pages. Validation that matters lives in the services; these parse and label."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from lantern.intel.enums import (
    MAX_SHORT,
    MAX_TEXT,
    Assessment,
    Corroboration,
    EntityKind,
    HandlingCode,
    Knowledge,
    Outcome,
    Risk,
    SourceEvaluation,
    Urgency,
)
from lantern.locality.models import Area
from lantern.people.models import Place
from lantern.web.forms import GovukForm

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y"]
DATE_HINT = "For example, 20/11/2026. Your best guess is fine."


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(";", "\n").splitlines() if line.strip()]


class PartnerReportForm(GovukForm):
    what = forms.CharField(
        label="What did you see or hear?",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Say who, what, when and where as far as you know. Include anything that seemed out of place.",
        error_messages={"required": "Enter what you saw or heard"},
    )
    occurred_on = forms.DateField(
        label="When did it happen?", input_formats=DATE_FORMATS, help_text=DATE_HINT,
        error_messages={"required": "Enter the date it happened", "invalid": "Enter a real date, like 20/11/2026"},
    )  # fmt: skip
    occurred_time = forms.TimeField(
        label="What time? (optional)", required=False, help_text="For example, 23:15",
        error_messages={"invalid": "Enter the time like 23:15"},
    )  # fmt: skip
    place = forms.ModelChoiceField(
        label="Place (if it is one we know)", queryset=Place.objects.all(), required=False, empty_label="Not listed",
        error_messages={"invalid_choice": "Choose a place from the list, or describe where in the location box"},
    )  # fmt: skip
    location = forms.CharField(
        label="Where did it happen?", required=False, max_length=MAX_SHORT,
        help_text="A street, a building, a postcode or a landmark. Leave empty if you chose a place above.",
    )  # fmt: skip
    ward = forms.ModelChoiceField(
        label="Area (if you know it)", queryset=Area.objects.wards(), required=False, empty_label="Not sure",
        error_messages={"invalid_choice": "Choose a ward from the list"},
    )  # fmt: skip
    people = forms.CharField(
        label="People mentioned (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: names, nicknames or street names, as you heard them.",
    )  # fmt: skip
    vehicles = forms.CharField(
        label="Vehicle registration marks (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line, like AB12 CDE. Describe cars without a mark in the first box.",
    )  # fmt: skip
    phones = forms.CharField(
        label="Phone numbers (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line, like 07700 900123.",
    )  # fmt: skip
    knowledge = forms.ChoiceField(
        label="How do you know this?", choices=Knowledge.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select how you know this"},
    )  # fmt: skip
    urgency = forms.ChoiceField(
        label="How urgent is it?", choices=Urgency.choices, widget=forms.RadioSelect,
        help_text="If a child is in danger right now, call 999 as well.",
        error_messages={"required": "Select how urgent this is"},
    )  # fmt: skip

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "what": data["what"], "occurred_on": data["occurred_on"], "occurred_time": data["occurred_time"],
            "place_id": data["place"].pk if data["place"] else None, "location_text": data["location"],
            "ward_id": data["ward"].pk if data["ward"] else None, "people": lines(data["people"]),
            "vehicles": lines(data["vehicles"]), "phones": lines(data["phones"]), "knowledge": data["knowledge"],
            "urgency": data["urgency"],
        }  # fmt: skip


# The service's field names, for putting its errors on the right box.
PARTNER_FIELDS = {"when": "occurred_on", "location": "location"}


class PublicReportForm(GovukForm):
    danger_now = forms.ChoiceField(
        label="Is a child in danger right now?", choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect,
        help_text="If yes, call 999 now as well. This form is not watched all the time.",
        error_messages={"required": "Select yes if a child is in danger right now"},
    )  # fmt: skip
    what = forms.CharField(
        label="What did you see or hear?", widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Tell us in your own words. For example: who was there, what they were doing, anything that "
        "worried you.",
        error_messages={"required": "Tell us what you saw or heard"},
    )  # fmt: skip
    where = forms.CharField(
        label="Where did it happen?", max_length=MAX_SHORT,
        help_text="A street, a shop, a park, a bus stop or a postcode.",
        error_messages={"required": "Tell us where it happened", "max_length": "Keep this under 300 characters"},
    )  # fmt: skip
    when = forms.DateField(
        label="When did it happen?", input_formats=DATE_FORMATS, help_text=DATE_HINT,
        error_messages={"required": "Tell us when it happened", "invalid": "Enter a real date, like 20/11/2026"},
    )  # fmt: skip
    people = forms.CharField(
        label="Who was involved? (optional)", required=False, max_length=MAX_SHORT,
        help_text="Names or nicknames if you know them, or what they looked like.",
        error_messages={"max_length": "Keep this under 300 characters"},
    )  # fmt: skip
    vehicles = forms.CharField(
        label="Any cars or vans? (optional)", required=False, max_length=MAX_SHORT,
        help_text="Colour, make, and the number plate if you saw it.",
        error_messages={"max_length": "Keep this under 300 characters"},
    )  # fmt: skip
    contact = forms.CharField(
        label="How can we contact you? (optional)", required=False, max_length=MAX_SHORT,
        help_text="Only if you want us to. Leave it empty to stay anonymous.",
        error_messages={"max_length": "Keep this under 300 characters"},
    )  # fmt: skip
    # A honeypot: hidden from people (and from screen readers), filled in by bots.
    nickname_confirm = forms.CharField(label="Leave this empty", required=False)


class PublicAdditionForm(GovukForm):
    reference = forms.CharField(
        label="Your reference", max_length=20, help_text="It looks like KM-ABCD-2345.",
        error_messages={"required": "Enter the reference you were given"},
    )  # fmt: skip
    text = forms.CharField(
        label="What do you want to add?", widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_TEXT,
        error_messages={"required": "Tell us what you want to add"},
    )  # fmt: skip


class GradeForm(GovukForm):
    source_evaluation = forms.ChoiceField(
        label="Source evaluation", choices=SourceEvaluation.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the source evaluation"},
    )  # fmt: skip
    intelligence_assessment = forms.ChoiceField(
        label="Intelligence assessment", choices=Assessment.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the intelligence assessment"},
    )  # fmt: skip
    handling_code = forms.ChoiceField(
        label="Handling code", choices=HandlingCode.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose the handling code"},
    )  # fmt: skip
    handling_conditions = forms.CharField(
        label="Handling conditions", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed with handling code C: say who may receive it and how it may be used.",
    )  # fmt: skip
    risk = forms.ChoiceField(
        label="Risk", choices=Risk.choices, widget=forms.RadioSelect, error_messages={"required": "Choose the risk"}
    )


class SanitiseForm(GovukForm):
    text = forms.CharField(
        label="Sanitised version", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="For wider sharing: remove the source's identity and anything that could identify them.",
        error_messages={"required": "Enter the sanitised text"},
    )  # fmt: skip


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    outcome_reason = forms.CharField(
        label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for no further action.",
    )  # fmt: skip


class EntityForm(GovukForm):
    kind = forms.ChoiceField(label="Kind", choices=EntityKind.choices)
    text = forms.CharField(
        label="Name, mark, number or place", max_length=200, error_messages={"required": "Enter what to add"}
    )


class CorroborateForm(GovukForm):
    kind = forms.ChoiceField(
        label="What do you know about this?", choices=Corroboration.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select what you know about this"},
    )  # fmt: skip
    note = forms.CharField(
        label="Tell the analyst what you know", widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what you know"},
    )  # fmt: skip
    on = forms.DateField(
        label="When was this true?", input_formats=DATE_FORMATS, initial=dt.date.today, help_text=DATE_HINT,
        error_messages={"required": "Enter when this was true", "invalid": "Enter a real date, like 20/11/2026"},
    )  # fmt: skip


class AccessRequestForm(GovukForm):
    reason = forms.CharField(
        label="Why do you need to see it?", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The holding agency decides, and records the reason and the lawful basis.",
        error_messages={"required": "Say why you need to see this intelligence"},
    )  # fmt: skip


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("release", "Release the full report"), ("release_sanitised", "Release the sanitised version"),
                 ("refuse", "Refuse")],
        widget=forms.RadioSelect, error_messages={"required": "Select your decision"},
    )  # fmt: skip
    decision_reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Give your reason"}
    )
    lawful_basis = forms.CharField(
        label="Lawful basis", required=False, max_length=500,
        help_text="Needed to release. For example: UK GDPR Article 6(1)(e) public task; for health data also "
        "Article 9(2)(g) with DPA 2018 Schedule 1 paragraph 18.",
    )  # fmt: skip
