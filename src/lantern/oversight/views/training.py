"""CSE training pages: a member of staff's own training, and for a team manager their team's gaps, a completion
entered for a member and a learning system's CSV imported (all or nothing). A system administrator imports only:
their grant is to create, not to read anyone's training."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.formats import date_format

from lantern.access.policy import Action, Category, Draft, can, require
from lantern.access.registry import guards
from lantern.accounts.models import User
from lantern.oversight import selectors, services
from lantern.oversight.models import TrainingCourse
from lantern.web.actor import signed_in_user
from lantern.web.forms import GovukForm, apply_errors

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
MAX_UPLOAD = 5 * 1024 * 1024  # a learning system's export of a year's completions is far smaller


class MemberField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class RecordForm(GovukForm):
    user = MemberField(
        label="Member of your team", queryset=User.objects.none(), empty_label="Choose a member of your team",
        error_messages={"required": "Choose who completed the course"},
    )  # fmt: skip
    course = forms.ModelChoiceField(
        label="Course", queryset=TrainingCourse.objects.all(), empty_label="Choose a course",
        error_messages={"required": "Choose the course they completed"},
    )  # fmt: skip
    completed_on = forms.DateField(
        label="Date completed", input_formats=DATE_FORMATS, help_text="For example, 20/11/2026.",
        error_messages={"required": "Enter the date the course was completed",
                        "invalid": "Enter a real date, like 20/11/2026"},
    )  # fmt: skip

    def __init__(self, *args: Any, members: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, MemberField)  # noqa: S101 - declared just above
        field.queryset = members


class ImportForm(GovukForm):
    csv_file = forms.FileField(
        label="Upload the learning system's export",
        help_text="A CSV file with the columns username, course and completed_on (YYYY-MM-DD), for example "
        "“sw1,cse-awareness,2026-03-01”. Every row is checked first: if any is wrong, nothing is imported.",
        error_messages={"required": "Choose the CSV file to upload"},
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["csv_file"].widget.attrs["class"] = "govuk-file-upload"


@guards(Category.TRAINING)
@login_required
def own(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    context = {
        "own": selectors.training_own(actor=actor),
        "manages": can(actor, Action.CREATE, Draft(Category.TRAINING, actor.agency_id)),
    }
    return render(request, "oversight/training/own.html", context)


def _read_upload(form: ImportForm) -> str | None:
    """The uploaded file as text, or None with the problem put on the form."""
    upload = form.cleaned_data["csv_file"]
    if upload.size > MAX_UPLOAD:
        form.add_error("csv_file", "The file must be smaller than 5 MB")
        return None
    try:
        return str(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError:
        form.add_error("csv_file", "The file must be a CSV saved as UTF-8")
        return None


@guards(Category.TRAINING)
@login_required
def team(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    require(actor, Action.CREATE, Draft(Category.TRAINING, actor.agency_id), purpose="record CSE training")
    manages = can(actor, Action.VIEW, Category.TRAINING)  # a team manager; a system administrator imports only
    members = selectors.training_team_members(actor=actor) if manages else User.objects.none()
    posted = request.POST.get("form") if request.method == "POST" else None
    record_form = RecordForm(request.POST if posted == "record" else None, members=members, prefix="record")
    import_form = ImportForm(request.POST if posted == "import" else None, request.FILES or None, prefix="import")
    if posted == "record" and manages and record_form.is_valid():
        data = record_form.cleaned_data
        try:
            made = services.training_record(actor=actor, user=data["user"], course=data["course"],
                                            completed_on=data["completed_on"])  # fmt: skip
        except ValidationError as error:
            apply_errors(record_form, error)
        else:
            who = made.user.get_full_name() or made.user.username
            messages.success(request, f"Recorded: {who} completed {made.course.title} on "
                                      f"{date_format(made.completed_on, 'j F Y')}. It lapses on "
                                      f"{date_format(made.lapses_on, 'j F Y')}.")  # fmt: skip
            return redirect("oversight:training_team")
    if posted == "import" and import_form.is_valid() and (text := _read_upload(import_form)) is not None:
        try:
            result = services.training_import(actor=actor, text=text)
        except services.ImportRefused as refused:
            for problem in refused.errors:
                import_form.add_error("csv_file", f"Line {problem.line}, {problem.field}: {problem.message}")
        else:
            messages.success(request, f"Imported the file: {result.created} new completion{'s' * (result.created != 1)}"
                                      f", {result.unchanged} already held.")  # fmt: skip
            return redirect("oversight:training_team")
    context = {
        "manages": manages,
        "gaps": selectors.team_training_gaps(actor=actor) if manages else [],
        "members": members.count() if manages else 0,
        "record_form": record_form,
        "import_form": import_form,
        "import_courses": record_form.fields["course"].queryset,  # type: ignore[attr-defined]
        "errors": record_form.errors or import_form.errors,
    }
    return render(request, "oversight/training/team.html", context, status=422 if context["errors"] else 200)


urlpatterns: list[URLPattern] = [
    path("oversight/training/", own, name="training"),
    path("oversight/training/team/", team, name="training_team"),
]
