"""The language guide's pages: the guide (everyone signed in), with a box to check wording, and the board's
forms to add, change and remove entries. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lantern.access.policy import Action, Category, can, require
from lantern.access.registry import guards
from lantern.language import selectors, services
from lantern.language.banner import distinct
from lantern.language.forms import CheckForm, PhraseForm
from lantern.web.actor import signed_in_user
from lantern.web.forms import apply_errors


@guards(Category.LANGUAGE_GUIDE)
@login_required
def guide(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    phrases = selectors.phrase_list(actor=actor)
    form = CheckForm(request.POST or None)
    checked: list[Any] | None = None
    if request.method == "POST" and form.is_valid():
        checked = distinct(selectors.check(actor=actor, text=form.cleaned_data["text"]))
    context = {
        "phrases": phrases, "form": form, "checked": checked,
        "can_add": can(actor, Action.CREATE, Category.LANGUAGE_GUIDE),
        "can_change": can(actor, Action.UPDATE, Category.LANGUAGE_GUIDE),
        "can_remove": can(actor, Action.DELETE, Category.LANGUAGE_GUIDE),
    }  # fmt: skip
    return render(request, "language/guide.html", context, status=422 if form.errors else 200)


@guards(Category.LANGUAGE_GUIDE)
@login_required
def phrase_new(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    require(actor, Action.CREATE, Category.LANGUAGE_GUIDE, purpose="add to the language guide")
    form = PhraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.phrase_create(actor=actor, fields=form.fields_for_service())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{made.phrase}” added to the language guide.")
            return redirect("language:guide")
    return render(request, "language/phrase_form.html", {"form": form, "creating": True})


@guards(Category.LANGUAGE_GUIDE)
@login_required
def phrase_edit(request: HttpRequest, phrase_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    row = selectors.phrase_for_change(actor=actor, phrase_id=phrase_id, action=Action.UPDATE,
                                      purpose="change the language guide")  # fmt: skip
    form = PhraseForm(request.POST or None, initial={name: getattr(row, name) for name in services.FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            done = services.phrase_update(actor=actor, phrase=row, fields=form.fields_for_service())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{done.phrase}” changed.")
            return redirect("language:guide")
    return render(request, "language/phrase_form.html", {"form": form, "creating": False, "phrase": row})


@guards(Category.LANGUAGE_GUIDE)
@login_required
def phrase_remove(request: HttpRequest, phrase_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    row = selectors.phrase_for_change(actor=actor, phrase_id=phrase_id, action=Action.DELETE,
                                      purpose="remove from the language guide")  # fmt: skip
    if request.method == "POST":
        services.phrase_delete(actor=actor, phrase=row)
        messages.success(request, f"“{row.phrase}” removed from the language guide.")
        return redirect("language:guide")
    return render(request, "language/phrase_remove.html", {"phrase": row})
