"""Screening pages: thin views that parse a form, call a service or selector, and render. Every rule lives in
`screening.services`; a refusal comes back as a ValidationError that `apply_errors` puts on the form, and
nothing is saved. Access refusals are answered by `AccessErrorMiddleware`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from lantern.access.policy import Action, Category, Draft, can, require
from lantern.access.registry import guards
from lantern.language.banner import offer_better_words
from lantern.people.selectors import person_for_change
from lantern.screening import charts, selectors, services
from lantern.screening.enums import Level
from lantern.screening.forms import DecideForm, IndicatorForm, TaskForm
from lantern.screening.models import Screening
from lantern.screening.rules import SCR_LEVELS
from lantern.web.actor import signed_in_user
from lantern.web.forms import apply_errors


@guards(Category.SCREENING, Category.PERSON)
@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """Social care's list: open screening tasks and strategy discussions screenings need, soonest due first."""
    actor = signed_in_user(request)
    require(actor, Action.UPDATE, Category.SCREENING, purpose="open screening tasks")
    views = selectors.open_tasks(actor=actor)
    now = timezone.now()
    return render(request, "screening/tasks.html", {"tasks": views, "overdue": [v for v in views if v.overdue(now)]})


@guards(Category.SCREENING, Category.PERSON)
@login_required
def child(request: HttpRequest, person_id: str) -> HttpResponse:
    """From a person or case page: the child's screening if the user may see it, else the form to add an
    indicator (which says nothing of whether a screening exists)."""
    actor = signed_in_user(request)
    person = person_for_change(actor=actor, person_id=person_id, action=Action.VIEW, purpose="open a CSE screening")
    screening = selectors.screening_of_child(person.pk)
    if screening is not None and can(actor, Action.VIEW, screening):
        return redirect("screening:detail", screening_id=screening.pk)
    return redirect("screening:indicator", person_id=person.pk)


def _groups(lines: list[selectors.Line]) -> list[tuple[str, str, list[selectors.Line]]]:
    counting = [line for line in lines if line.counted.weight]
    return [
        ("significant", "Significant indicators (weight 5)", [li for li in counting if li.counted.band == "S"]),
        ("moderate", "Moderate indicators (weight 2)", [li for li in counting if li.counted.band == "M"]),
        ("history", "No longer counted (more than 12 months ago)", [li for li in lines if not li.counted.weight]),
    ]


@guards(Category.SCREENING, Category.SEXUAL_HEALTH, Category.PERSON)
@login_required
def detail(request: HttpRequest, screening_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    screening = selectors.screening_get(actor=actor, screening_id=screening_id)
    assessment = selectors.assess(screening)
    reading = selectors.visible_indicators(actor, screening, assessment)
    decisions = selectors.history(screening)
    latest = decisions[-1] if decisions else None
    now = timezone.localtime()
    chart = charts.history_chart([(timezone.localtime(d.decided_at), d.level) for d in decisions], now)
    return render(
        request,
        "screening/detail.html",
        {
            "screening": screening, "child": screening.child, "assessment": assessment, "reading": reading,
            "reasoning": assessment.reasoning(show_score=reading.shows_score), "groups": _groups(reading.lines),
            "decisions": list(reversed(decisions)), "latest": latest, "chart": chart,
            "needs_decision": latest is None or latest.computed_level != assessment.level,
            "tasks": selectors.tasks_of(screening), "strategy": selectors.open_strategy_task(screening),
            "can_decide": can(actor, Action.UPDATE, screening),
            "can_see_child": can(actor, Action.VIEW, screening.child),
            "can_add": can(actor, Action.CREATE, Draft(Category.SCREENING, actor.agency_id)),
        },
    )  # fmt: skip


def _form_page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, template, context)


@guards(Category.SCREENING, Category.SEXUAL_HEALTH, Category.PERSON)
@login_required
def indicator(request: HttpRequest, person_id: str) -> HttpResponse:
    actor = signed_in_user(request)
    person = person_for_change(
        actor=actor, person_id=person_id, action=Action.VIEW, purpose="raise a screening indicator"
    )
    require(actor, Action.CREATE, Draft(Category.SCREENING, actor.agency_id, parent=person),
            purpose="raise a screening indicator")  # fmt: skip
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.indicator_raise(actor=actor, child=person, **form.data_for_service())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Indicator added to the screening.")
            offer_better_words(request, form)
            if can(actor, Action.VIEW, made.screening):
                return redirect("screening:detail", screening_id=made.screening_id)
            return redirect("people:detail", person_id=person.pk)
    return _form_page(
        request, "screening/form.html", form=form, title="Add a CSE screening indicator", button="Add the indicator",
        caption=person.display_name, child=person,
        intro="Raise what your agency has seen for this child. Children's social care screens every indicator "
        "agencies raise; a sexual-health indicator health raises stays with health.",
    )  # fmt: skip


@guards(Category.SCREENING, Category.SEXUAL_HEALTH)
@login_required
def decide(request: HttpRequest, screening_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    screening: Screening = selectors.screening_for_change(
        actor=actor, screening_id=screening_id, purpose="decide a screening level"
    )
    assessment = selectors.assess(screening)
    reading = selectors.visible_indicators(actor, screening, assessment)
    form = DecideForm(request.POST or None, initial={"level": assessment.level.value})
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.level_decide(actor=actor, screening=screening, **form.data_for_service())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            message = f"Level decided: {Level(decision.level).label.lower()}."
            if Level(decision.level) in SCR_LEVELS.NEEDS_STRATEGY:
                message += " A strategy discussion is needed (rule LOCAL-STRAT-3): see the screening for its due date."
            messages.success(request, message)
            offer_better_words(request, form)
            return redirect("screening:detail", screening_id=screening.pk)
    return _form_page(
        request, "screening/decide.html", form=form, title="Decide the level", button="Record the level",
        caption=f"{screening.child.display_name}, CSE screening", screening=screening, assessment=assessment,
        reasoning=assessment.reasoning(show_score=reading.shows_score), reading=reading,
    )  # fmt: skip


@guards(Category.SCREENING)
@login_required
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    task = selectors.task_for_change(actor=actor, task_id=task_id, purpose="complete a screening task")
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_complete(actor=actor, task=task, note=form.cleaned_data["note"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Task recorded as done.")
            offer_better_words(request, form)
            return redirect("screening:detail", screening_id=task.screening_id)
    return _form_page(
        request, "screening/form.html", form=form, title="Record what was done", button="Record it",
        caption=f"{task.screening.child.display_name}, CSE screening", screening=task.screening,
        intro=task.reason,
    )  # fmt: skip
