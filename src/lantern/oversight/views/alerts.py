"""Alerts pages: "Your alerts" (today's digest, escalations raised to you, your unread notifications) and an
agency's escalation chain, which its system administrator keeps and its managers read. Thin: parse, call
`oversight.alerts`, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from lantern.access.policy import Action, Category, Draft, can, require
from lantern.access.registry import guards
from lantern.accounts.models import User
from lantern.cases import services as case_services
from lantern.cases.selectors import DUE_SOON_WORKING_DAYS
from lantern.oversight import alerts
from lantern.oversight.models import EscalationLevel
from lantern.web.actor import signed_in_user
from lantern.web.forms import GovukForm, apply_errors

TEAM_MANAGER_CHOICE = "manager"


@guards(Category.CASE)
@login_required
def alerts_page(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    raised = alerts.escalations_for(actor)
    context = {
        "view": alerts.digest_for(actor=actor),
        "raised": raised,
        "notifications": alerts.unread_notifications(actor, besides=raised),
        "soon_days": DUE_SOON_WORKING_DAYS,
    }
    return render(request, "oversight/alerts/alerts.html", context)


@guards(Category.CASE)
@login_required
@require_POST
def escalation_acknowledge(request: HttpRequest, escalation_id: int) -> HttpResponse:
    done = alerts.escalation_acknowledge(actor=signed_in_user(request), escalation_id=escalation_id)
    messages.success(request, f"Acknowledged: case {done.case_id}, rule {done.rule}.")
    return redirect("oversight:alerts")


@guards(Category.CASE)
@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    case_services.notification_read(actor=signed_in_user(request), notification_id=notification_id)
    messages.success(request, "Marked as read.")
    return redirect("oversight:alerts")


# --- The escalation chain --------------------------------------------------------------------------------------


class LevelForm(GovukForm):
    title = forms.CharField(
        label="Post", max_length=alerts.TITLE_LIMIT, help_text="As your staff know it, such as Service manager",
        error_messages={"required": "Enter the post, such as Service manager"},
    )  # fmt: skip
    recipient = forms.ChoiceField(
        label="Who hears at this level", widget=forms.RadioSelect,
        error_messages={"required": "Choose who hears at this level"},
    )  # fmt: skip
    after_working_days = forms.IntegerField(
        label="Working days overdue", min_value=0, max_value=alerts.DAYS_LIMIT,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        help_text="How long work must have been overdue before this level hears of it: 0 means from the day it falls "
        "overdue",
        error_messages={
            "required": "Enter how many working days overdue, such as 5",
            "invalid": "Enter the working days overdue as a whole number, such as 5",
            "min_value": "Working days overdue must be 0 or more",
            "max_value": f"Working days overdue must be {alerts.DAYS_LIMIT} or fewer",
        },
    )  # fmt: skip

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ChoiceField)  # noqa: S101 - declared above
        recipient.choices = [(TEAM_MANAGER_CHOICE, "The case's team manager")] + [
            (str(person.pk), f"{person.get_full_name() or person.username} ({person.get_role_display()})")
            for person in staff
        ]
        self.fields["after_working_days"].widget.attrs["class"] += " govuk-input--width-3"

    def fields_for_service(self) -> alerts.LevelFields:
        chosen = self.cleaned_data["recipient"]
        return alerts.LevelFields(
            title=self.cleaned_data["title"],
            recipient_id=None if chosen == TEAM_MANAGER_CHOICE else int(chosen),
            after_working_days=self.cleaned_data["after_working_days"],
        )


def _initial(level: EscalationLevel) -> dict[str, object]:
    chosen = str(level.recipient_id) if level.recipient_id else TEAM_MANAGER_CHOICE
    return {"title": level.title, "recipient": chosen, "after_working_days": level.after_working_days}


@guards(Category.ESCALATION_CHAIN)
@login_required
def escalation_chain(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    shown = alerts.chain_view(actor=actor)
    draft = Draft(Category.ESCALATION_CHAIN, actor.agency_id)
    context = {
        "chain": shown,
        "can_add": can(actor, Action.CREATE, draft) and len(shown.levels) < alerts.LEVELS_LIMIT,
        "can_change": can(actor, Action.UPDATE, draft),
        "can_remove": can(actor, Action.DELETE, draft),
    }
    return render(request, "oversight/alerts/chain.html", context)


@guards(Category.ESCALATION_CHAIN)
@login_required
def level_new(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    purpose = "add a level to the escalation chain"
    require(actor, Action.CREATE, Draft(Category.ESCALATION_CHAIN, actor.agency_id), purpose=purpose)
    assert actor.agency_id is not None  # noqa: S101 - the grant needs the actor's own agency
    staff = alerts.recipient_choices(actor.agency_id)
    form = LevelForm(request.POST or None, staff=staff, initial={"recipient": TEAM_MANAGER_CHOICE})
    if request.method == "POST" and form.is_valid():
        try:
            made = alerts.chain_level_add(actor=actor, fields=form.fields_for_service())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Level {made.level}, {made.title}, added to the escalation chain.")
            return redirect("oversight:escalation_chain")
    return render(request, "oversight/alerts/level_form.html", {"form": form, "creating": True})


@guards(Category.ESCALATION_CHAIN)
@login_required
def level_edit(request: HttpRequest, level_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    level = alerts.level_for_change(actor=actor, level_id=level_id, action=Action.UPDATE,
                                    purpose="change a level of the escalation chain")  # fmt: skip
    staff = alerts.recipient_choices(level.agency_id)
    form = LevelForm(request.POST or None, staff=staff, initial=_initial(level))
    if request.method == "POST" and form.is_valid():
        try:
            done = alerts.chain_level_change(actor=actor, level=level, fields=form.fields_for_service())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Level {done.level}, {done.title}, changed.")
            return redirect("oversight:escalation_chain")
    return render(request, "oversight/alerts/level_form.html", {"form": form, "creating": False, "level": level})


@guards(Category.ESCALATION_CHAIN)
@login_required
def level_remove(request: HttpRequest, level_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    level = alerts.level_for_change(actor=actor, level_id=level_id, action=Action.DELETE,
                                    purpose="remove a level from the escalation chain")  # fmt: skip
    if request.method == "POST":
        alerts.chain_level_remove(actor=actor, level=level)
        messages.success(request, f"{level.title} removed from the escalation chain.")
        return redirect("oversight:escalation_chain")
    last = EscalationLevel.objects.filter(agency_id=level.agency_id).count() == 1
    return render(request, "oversight/alerts/level_remove.html", {"level": level, "last": last})


urlpatterns: list[URLPattern] = [
    path("oversight/alerts/", alerts_page, name="alerts"),
    path("oversight/alerts/escalations/<int:escalation_id>/acknowledge/", escalation_acknowledge,
         name="escalation_acknowledge"),
    path("oversight/alerts/notifications/<int:notification_id>/read/", notification_read,
         name="alerts_notification_read"),
    path("oversight/escalation-chain/", escalation_chain, name="escalation_chain"),
    path("oversight/escalation-chain/new/", level_new, name="escalation_level_new"),
    path("oversight/escalation-chain/<int:level_id>/edit/", level_edit, name="escalation_level_edit"),
    path("oversight/escalation-chain/<int:level_id>/remove/", level_remove, name="escalation_level_remove"),
]  # fmt: skip
