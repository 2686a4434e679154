"""Voice and feedback pages: a young person's public page (no account) and the published answers; a practitioner's
form, named or anonymous; the partnership board's inbox and its answer to each.

The public pages sit at the site root (`/have-your-say/`), beside `/report/`, and store nothing that identifies the
sender: the rate limit counts a salted hash that lives one window (`intel.ratelimit`), and the reference is
rendered, never redirected to, so it stays out of the address bar and history."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from lantern.access.policy import Action, Category, require
from lantern.access.registry import guards, no_personal_data
from lantern.intel import ratelimit
from lantern.intel.api import client_address
from lantern.oversight import voice
from lantern.oversight.enums import FeedbackChannel, FeedbackTheme
from lantern.web.actor import signed_in_user
from lantern.web.forms import GovukForm, apply_errors

# The themes in words a young person reads easily; the board sees the enum's own labels.
PLAIN_THEMES = {
    FeedbackTheme.LISTENED_TO: "Being listened to and believed",
    FeedbackTheme.HELP_QUICKLY: "Getting help quickly",
    FeedbackTheme.SHARING: "People who help you talking to each other",
    FeedbackTheme.LANGUAGE: "How people talk and write about young people",
    FeedbackTheme.TRAINING: "What staff know and how they help",
    FeedbackTheme.SAFE_PLACES: "Feeling safe out and about: places, taxis, takeaways, parks",
    FeedbackTheme.ONLINE: "Staying safe online",
    FeedbackTheme.OTHER: "Something else",
}


class YoungPersonForm(GovukForm):
    language_check = False  # the live language check needs an account; this page has none
    theme = forms.ChoiceField(
        label="What is it about?", choices=list(PLAIN_THEMES.items()), widget=forms.RadioSelect,
        error_messages={"required": "Choose what it is about"},
    )  # fmt: skip
    text = forms.CharField(
        label="What do you want to tell them?", widget=forms.Textarea(attrs={"rows": 8}), max_length=voice.MAX_TEXT,
        help_text="Say it in your own words. Please do not write your name, or anyone else's.",
        error_messages={"required": "Write what you want to tell them",
                        "max_length": f"Write {voice.MAX_TEXT:,} characters or fewer"},
    )  # fmt: skip
    nickname_confirm = forms.CharField(label="Leave this empty", required=False)


class PractitionerForm(GovukForm):
    who = forms.ChoiceField(
        label="Do you want to put your name to it?",
        choices=[("named", "Put my name to this"), ("anonymous", "Send it anonymously")], widget=forms.RadioSelect,
        help_text="Anonymous: Lantern keeps no record of who sent it, not your name and not your agency.",
        error_messages={"required": "Choose whether to put your name to it"},
    )  # fmt: skip
    theme = forms.ChoiceField(
        label="What is it about?", choices=FeedbackTheme.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose what it is about"},
    )  # fmt: skip
    text = forms.CharField(
        label="What do you want to tell the board?", widget=forms.Textarea(attrs={"rows": 8}),
        max_length=voice.MAX_TEXT,
        help_text="What is working, what is not, and what would help children and the people who work with them.",
        error_messages={"required": "Write what you want to tell the board",
                        "max_length": f"Write {voice.MAX_TEXT:,} characters or fewer"},
    )  # fmt: skip


class InboxFilterForm(GovukForm):
    theme = forms.ChoiceField(label="Theme", choices=[("", "Any theme"), *FeedbackTheme.choices], required=False)
    channel = forms.ChoiceField(label="From", choices=[("", "Anyone"), *FeedbackChannel.choices], required=False)
    answered = forms.ChoiceField(
        label="Answered", choices=[("", "Answered or not"), ("no", "Not answered yet"), ("yes", "Answered")],
        required=False,
    )  # fmt: skip


class ResponseForm(GovukForm):
    response = forms.CharField(
        label="The board's answer", widget=forms.Textarea(attrs={"rows": 8}), max_length=voice.MAX_TEXT,
        help_text="If you publish it, this answer appears on the public “You said, we did” page with the theme and "
        "the month it was sent. What was said is never published, so write the answer to make sense on its own "
        "(“You told us… We have…”) and leave out anything that could identify anyone.",
        error_messages={"required": "Write the board's answer"},
    )  # fmt: skip
    publish = forms.BooleanField(label="Publish the answer on the “You said, we did” page", required=False)


def _public(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {"exit_url": settings.LANTERN_EXIT_URL, **context}, status=status)


# --- Young people (no account) ------------------------------------------------------------------------------


@no_personal_data  # receives feedback and shows none back; nothing identifying the sender is stored
@csrf_protect
@never_cache
def have_your_say(request: HttpRequest) -> HttpResponse:
    form = YoungPersonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["nickname_confirm"]:
            form.add_error(None, "Leave the box labelled “Leave this empty” empty, then send the form again")
        elif (retry := ratelimit.take(client_address(request))) is not None:
            return _public(request, "oversight/voice/have_your_say.html",
                           {"form": form, "retry_minutes": max(1, retry // 60)}, status=429)  # fmt: skip
        else:
            try:
                feedback = voice.feedback_submit_public(theme=form.cleaned_data["theme"],
                                                        text=form.cleaned_data["text"])  # fmt: skip
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return _public(request, "oversight/voice/sent.html", {"feedback": feedback, "young_person": True})
    return _public(request, "oversight/voice/have_your_say.html", {"form": form}, status=422 if form.errors else 200)


@no_personal_data  # the board's published answers, with the theme and month: nothing anyone wrote
@never_cache
def answers(request: HttpRequest) -> HttpResponse:
    reference = request.GET.get("reference", "").strip()
    items = voice.published_answers(reference=reference)
    context = {"items": items, "reference": reference, "themes": PLAIN_THEMES}
    return _public(request, "oversight/voice/answers.html", context)


# --- Practitioners -------------------------------------------------------------------------------------------


@guards(Category.FEEDBACK)
@login_required
def feedback_new(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    require(actor, Action.CREATE, Category.FEEDBACK, purpose="feedback to the partnership board from a practitioner")
    form = PractitionerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback = voice.feedback_submit(actor=actor, theme=data["theme"], text=data["text"],
                                             named=data["who"] == "named")  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            # Rendered, not redirected with a message: the reference of anonymous feedback must not be kept in
            # the sender's session.
            return render(request, "oversight/voice/sent.html", {"feedback": feedback})
    return render(request, "oversight/voice/feedback_new.html", {"form": form}, status=422 if form.errors else 200)


# --- The partnership board -----------------------------------------------------------------------------------


@guards(Category.FEEDBACK)
@login_required
def feedback_inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    answered = {"yes": True, "no": False}.get(filters.get("answered", ""))
    items = voice.feedback_list(actor=signed_in_user(request), theme=filters.get("theme", ""),
                                channel=filters.get("channel", ""), answered=answered)  # fmt: skip
    return render(request, "oversight/voice/inbox.html", {"form": form, "items": items})


@guards(Category.FEEDBACK)
@login_required
def feedback_detail(request: HttpRequest, reference: str) -> HttpResponse:
    actor = signed_in_user(request)
    feedback = voice.feedback_get(actor=actor, reference=reference)
    if request.method == "POST":
        form = ResponseForm(request.POST)
        if form.is_valid():
            try:
                voice.feedback_respond(actor=actor, feedback=feedback, response=form.cleaned_data["response"],
                                       publish=form.cleaned_data["publish"])  # fmt: skip
            except ValidationError as error:
                apply_errors(form, error)
            else:
                shown = "It is published." if feedback.published else "It is not published."
                messages.success(request, f"Your answer to {feedback.reference} is saved. {shown}")
                return redirect("oversight:feedback_detail", reference=feedback.reference)
    else:
        form = ResponseForm(initial={"response": feedback.response, "publish": feedback.published})
    status = 422 if form.errors else 200
    return render(request, "oversight/voice/detail.html", {"feedback": feedback, "form": form}, status=status)


urlpatterns: list[URLPattern] = [
    path("have-your-say/", have_your_say, name="have_your_say"),
    path("have-your-say/answers/", answers, name="answers"),
    path("oversight/feedback/", feedback_inbox, name="feedback_inbox"),
    path("oversight/feedback/new/", feedback_new, name="feedback_new"),
    path("oversight/feedback/<str:reference>/", feedback_detail, name="feedback_detail"),
]
