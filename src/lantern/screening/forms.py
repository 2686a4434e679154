"""Forms for the screening pages. They parse and label; every rule is the services', so the boxes are optional
here and the service's message is the one shown. Free text is drawn with the shared `web/_field.html`."""

from __future__ import annotations

from typing import Any

from django import forms

from lantern.cases.forms import date_field, line_field, radios, text_field, tick
from lantern.screening.enums import Evidence, IndicatorKind, Level
from lantern.web.forms import GovukForm


class IndicatorForm(GovukForm):
    kind = radios("Which indicator?", IndicatorKind.choices, help_text="The rulebook's CSE screening indicators.")
    observed_on = date_field("When was it seen or when did it happen?")
    current = tick("It is still happening", help_text="A current indicator counts in full, however long ago it began.")
    evidence = radios("What does it rest on?", Evidence.choices)
    intel_reference = line_field(
        "Intelligence reference (optional)", help_text="If it rests on an intelligence report, its reference, "
        "for example KM-ABCD-EFGH."
    )  # fmt: skip
    missing_episodes = forms.IntegerField(
        label="Missing episodes in the 90 days to that date (optional)", required=False, min_value=1, max_value=99,
        help_text="For going missing only: 3 or more makes it significant. Episodes recorded on the child's case "
        "are counted too.",
        error_messages={"invalid": "Enter the number of missing episodes as a number, like 3",
                        "min_value": "Enter the number of missing episodes, from 1 to 99",
                        "max_value": "Enter the number of missing episodes, from 1 to 99"},
    )  # fmt: skip
    detail = text_field("What was seen or said, and by whom?", rows=6)

    def data_for_service(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class DecideForm(GovukForm):
    level = radios(
        "What is the level?", Level.choices, help_text="The score's level, or one step up or down with your reason."
    )
    reason = text_field(
        "Your reason for moving the level", help_text="Needed when the level differs from the score's. A team "
        "manager records any move down from significant or serious."
    )  # fmt: skip
    immediate_risk = tick("The child is at immediate risk: the strategy discussion is needed today")

    def data_for_service(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class TaskForm(GovukForm):
    note = text_field("What was done?", rows=4)
