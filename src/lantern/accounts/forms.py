from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import validate_password

from lantern.access.roles import Role
from lantern.accounts.models import Agency, Team, User
from lantern.accounts.registration import swe_number_problem
from lantern.web.forms import GovukForm


class SignInForm(GovukForm):
    username = forms.CharField(max_length=150, error_messages={"required": "Enter your username"})
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "spellcheck": "false"}),
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})


class PasswordChange(GovukForm, PasswordChangeForm):
    MESSAGES = {
        "old_password": "Enter your current password",
        "new_password1": "Enter a new password",
        "new_password2": "Enter the new password again",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, message in self.MESSAGES.items():
            self.fields[name].error_messages["required"] = message
        self.error_messages["password_incorrect"] = "Your current password is not right: enter it again"  # noqa: S105 - a message
        self.error_messages["password_mismatch"] = "The two new passwords do not match: enter the same one twice"  # noqa: S105


class TwoFactorForm(GovukForm):
    token = forms.RegexField(
        label="Code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        help_text="The 6-digit code your authenticator app shows for Lantern.",
        error_messages={"required": "Enter the 6-digit code", "invalid": "Enter the code as 6 digits"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input govuk-input--width-5"}
        )


class UserForm(GovukForm):
    username = forms.SlugField(max_length=150, error_messages={"required": "Enter a username"})
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False, error_messages={"invalid": "Enter an email address like name@example.org"})
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(), error_messages={"required": "Select the user's agency"}
    )
    team = forms.ModelChoiceField(queryset=Team.objects.select_related("agency"), required=False)
    role = forms.ChoiceField(
        choices=[("", "Select a role"), *Role.choices], error_messages={"required": "Select the user's role"}
    )
    swe_registration = forms.CharField(
        label="Social Work England registration",
        max_length=20,
        required=False,
        help_text="Required for registered social workers and team managers, for example SW123456.",
    )
    swe_registration_expires = forms.DateField(
        label="Registration expires",
        required=False,
        help_text="The date on the Social Work England register, as YYYY-MM-DD.",
        error_messages={"invalid": "Enter the expiry date as YYYY-MM-DD, for example 2027-11-30"},
    )
    is_active = forms.BooleanField(label="Account is active", required=False, initial=True)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        team, agency = data.get("team"), data.get("agency")
        if isinstance(team, Team) and isinstance(agency, Agency) and team.agency_id != agency.pk:
            self.add_error("team", "Select a team in the user's agency")
        if data.get("role") in {Role.SOCIAL_WORKER, Role.TEAM_MANAGER} and not data.get("swe_registration"):
            self.add_error("swe_registration", "Enter the Social Work England registration number")
        elif data.get("swe_registration"):
            problem = swe_number_problem(str(data["swe_registration"]))
            if problem:
                self.add_error("swe_registration", problem)
            else:
                data["swe_registration"] = str(data["swe_registration"]).strip().upper()
            if not data.get("swe_registration_expires") and "swe_registration_expires" not in self.errors:
                self.add_error("swe_registration_expires", "Enter the date the registration expires")
        return data


class NewUserForm(UserForm):
    password = forms.CharField(
        label="First password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. The user changes it after signing in.",
        error_messages={"required": "Enter a first password"},
    )

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        validate_password(password)
        return password

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError("That username is taken: choose another")
        return username
