from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from lantern.access import services
from lantern.access.models import SharingAgreement
from lantern.access.policy import Category, NotVisible, category_of
from lantern.access.registry import guards, no_personal_data
from lantern.access.sharing import agreements_in_force
from lantern.people.models import Person, SourceRecord
from lantern.web.actor import signed_in_user
from lantern.web.forms import GovukForm

# What break glass can open, and where the opened record lives.
BREAK_GLASS_TARGETS = {
    "person": (Person, "people:detail", "person_id"),
    "agency_record": (SourceRecord, "people:record", "record_id"),
}


class BreakGlassForm(GovukForm):
    reason = forms.CharField(
        label="Why do you need to open this record now?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say what the immediate risk is. Your manager will read this, and it is kept in the audit log.",
        error_messages={"required": "Enter the reason you need emergency access"},
    )


class ReviewForm(GovukForm):
    note = forms.CharField(
        label="Review note",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter your review note"},
    )


@guards(Category.PERSON, Category.AGENCY_RECORD)
@login_required
def break_glass(request: HttpRequest) -> HttpResponse:
    object_type = request.GET.get("type", "")
    object_id = request.GET.get("id", "")
    if object_type not in BREAK_GLASS_TARGETS:
        raise NotVisible
    model, url_name, kwarg = BREAK_GLASS_TARGETS[object_type]
    try:
        target = model._default_manager.filter(pk=object_id).first()
    except (ValueError, ValidationError):
        target = None  # a malformed reference is simply not found
    if target is None:
        raise NotVisible
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_open(actor=signed_in_user(request), target=target, reason=form.cleaned_data["reason"])
        except services.BreakGlassError as error:
            form.add_error("reason", str(error))
        else:
            messages.info(request, "Emergency access is open for a limited time. Your manager will review it.")
            return redirect(reverse(url_name, kwargs={kwarg: target.pk}))
    return render(request, "access/break_glass.html", {"form": form, "category": category_of(target).label})


@guards(Category.PERSON)
@login_required
def break_glass_review(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_review(
                actor=actor,
                event_id=int(request.POST.get("event", "0")),
                note=form.cleaned_data["note"],
            )
        except (services.BreakGlassError, ValueError) as error:
            form.add_error("note", str(error))
        else:
            messages.success(request, "Review recorded.")
            return redirect("access:break_glass_review")
    events = services.break_glass_reviewable(actor=actor)
    return render(
        request,
        "access/break_glass_review.html",
        {
            "pending": events.filter(reviewed_at__isnull=True),
            "done": events.filter(reviewed_at__isnull=False)[:50],
            "form": form,
        },
    )


@no_personal_data
@login_required
def agreements(request: HttpRequest) -> HttpResponse:
    rows = SharingAgreement.objects.select_related("provider", "recipient")
    return render(
        request,
        "access/agreements.html",
        {
            "in_force": rows.filter(agreements_in_force()),
            "other": rows.exclude(agreements_in_force()),
            "labels": {c.value: c.label for c in Category},
        },
    )
