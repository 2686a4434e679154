"""Forms for a team manager's actions from the dashboard. They parse and label; the rules (who may lead a case,
what a sign-off needs, where an escalation goes) are the services', whose messages are the ones shown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from lantern.access.roles import Role
from lantern.accounts.models import User
from lantern.cases.enums import MAX_TEXT
from lantern.oversight.chains import NOTE_LIMIT
from lantern.web.forms import GovukForm


class PractitionerRadio(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A practitioner as a manager weighs them up: their name, role and how many open cases they lead."""

    loads: Mapping[int, int] = {}

    def label_from_instance(self, obj: Any) -> str:
        cases = self.loads.get(obj.pk, 0)
        plural = "" if cases == 1 else "s"
        return f"{obj.get_full_name() or obj.username}: {Role(obj.role).label.lower()}, {cases} open case{plural}"


class ReallocateForm(GovukForm):
    practitioner = PractitionerRadio(
        label="Who should lead the case?", queryset=User.objects.none(), required=False, empty_label=None,
        widget=forms.RadioSelect, help_text="Only a registered social worker leads a section 47 enquiry or a child "
        "protection plan.", error_messages={"invalid_choice": "Choose a practitioner from the list"},
    )  # fmt: skip

    def __init__(self, *args: Any, staff: Sequence[User], loads: Mapping[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["practitioner"]
        assert isinstance(field, PractitionerRadio)  # noqa: S101 - declared above
        field.queryset = User.objects.filter(pk__in=[u.pk for u in staff]).order_by("first_name", "last_name")
        field.loads = loads

    def data_for_service(self) -> dict[str, Any]:
        return {"practitioner": self.cleaned_data.get("practitioner")}


AGREE = {"yes": True, "no": False}


class SignOffForm(GovukForm):
    agree = forms.ChoiceField(
        label="Do you agree that there should be no further action?",
        choices=[
            ("yes", "Yes: sign off the decision"),
            ("no", "No: record the concerns as a new referral, to be decided again"),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Your reason, as team manager",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=MAX_TEXT,
        help_text="It is kept with the decision in the child's history.",
        error_messages={"max_length": f"Your reason must be {MAX_TEXT:,} characters or fewer"},
    )

    def data_for_service(self) -> dict[str, Any]:
        return {"agree": AGREE.get(self.cleaned_data.get("agree") or ""), "reason": self.cleaned_data["reason"]}


class EscalateForm(GovukForm):
    note = forms.CharField(
        label="Why are you escalating this?",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=NOTE_LIMIT,
        help_text="Say what is stuck and what you need from them. They are told in Lantern and by email; your note "
        "stays in Lantern, so it may name the child.",
        error_messages={"max_length": f"Your note must be {NOTE_LIMIT:,} characters or fewer"},
    )

    def data_for_service(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}
