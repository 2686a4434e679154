"""Intelligence pages: thin views that parse, call a service or selector, and render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from lantern.access.policy import Action, Category, Draft, can, require
from lantern.access.registry import guards, no_personal_data
from lantern.intel import charts, ratelimit, selectors, services
from lantern.intel.api import client_address
from lantern.intel.enums import EntityKind, Level, Status, Urgency
from lantern.intel.forms import (
    PARTNER_FIELDS,
    AccessRequestForm,
    CorroborateForm,
    DecisionForm,
    EntityForm,
    GradeForm,
    OutcomeForm,
    PartnerReportForm,
    PublicAdditionForm,
    PublicReportForm,
    SanitiseForm,
)
from lantern.intel.models import IntelReport
from lantern.language.banner import offer_better_words
from lantern.people.search import searchable
from lantern.people.selectors import person_for_change, person_search
from lantern.web.actor import signed_in_user
from lantern.web.forms import apply_errors

# --- Public ---------------------------------------------------------------------------------------------

MAX_NAME_LOOKUPS = 6
QUEUE_SHOWN = 100  # the top of the queue is where the work is; the count says how much more waits


@no_personal_data  # receives a report and shows none back; nothing identifying the sender is stored
@csrf_protect
@never_cache
def public_report(request: HttpRequest) -> HttpResponse:
    form = PublicReportForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "exit_url": settings.LANTERN_EXIT_URL}
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["nickname_confirm"]:
            form.add_error(None, "Leave the box labelled “Leave this empty” empty, then send the form again")
        elif (retry := ratelimit.take(client_address(request))) is not None:
            context["retry_minutes"] = max(1, retry // 60)
            return render(request, "intel/public_report.html", context, status=429)
        else:
            data = form.cleaned_data
            try:
                report = services.public_report_submit(
                    what=data["what"], where=data["where"], occurred_on=data["when"], people=data["people"],
                    vehicles=data["vehicles"], contact=data["contact"], danger_now=data["danger_now"] == "yes",
                )  # fmt: skip
            except ValidationError as error:
                apply_errors(form, error)
            else:
                # Rendered, not redirected: the reference must not sit in the browser's history or address bar.
                done = {"reference": report.reference, "danger_now": data["danger_now"] == "yes", **context}
                return render(request, "intel/public_done.html", done)
    return render(request, "intel/public_report.html", context, status=422 if form.errors else 200)


@no_personal_data
@csrf_protect
@never_cache
def public_add(request: HttpRequest) -> HttpResponse:
    form = PublicAdditionForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "exit_url": settings.LANTERN_EXIT_URL}
    if request.method == "POST" and form.is_valid():
        if (retry := ratelimit.take(client_address(request))) is not None:
            context["retry_minutes"] = max(1, retry // 60)
            return render(request, "intel/public_add.html", context, status=429)
        try:
            addition = services.public_addition_add(
                reference=form.cleaned_data["reference"], text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return render(request, "intel/public_done.html", {"reference": addition.report.reference, "added": True,
                                                              **context})  # fmt: skip
    return render(request, "intel/public_add.html", context, status=422 if form.errors else 200)


# --- Partners -------------------------------------------------------------------------------------------


@guards(Category.INTELLIGENCE)
@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    require(actor, Action.CREATE, Draft(Category.INTELLIGENCE, actor.agency_id), purpose="submit intelligence")
    form = PartnerReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_submit(actor=actor, **form.service_arguments())
        except ValidationError as error:
            apply_errors(form, error, PARTNER_FIELDS)
        else:
            if report.urgency == Urgency.IMMEDIATE:
                offer_better_words(request, form)
                return render(request, "intel/urgent.html", {"report": report})
            messages.success(request, f"Intelligence {report.reference} submitted. An analyst will triage it.")
            offer_better_words(request, form)
            return redirect("intel:report", report_id=report.pk)
    return render(request, "intel/report_form.html", {"form": form})


@guards(Category.INTELLIGENCE, Category.INTELLIGENCE_SANITISED, Category.INTELLIGENCE_EXISTENCE)
@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    try:
        view = selectors.report_get(actor=actor, report_id=report_id)
    except selectors.ExistenceOnly as refusal:
        refused = {"view": refusal.view, "report": refusal.view.report, "reason": refusal.decision.reason,
                   "form": AccessRequestForm()}  # fmt: skip
        return render(request, "intel/existence.html", refused, status=403)
    report = view.report
    context: dict[str, Any] = {
        "view": view,
        "report": report,
        "full": view.level is Level.FULL,
        "can_triage": can(actor, Action.UPDATE, report),
        "can_corroborate": actor.agency_id != report.agency_id,
        "viewers": selectors.report_viewers(actor=actor, report=report),
        "status": selectors.submitter_status(report),
        "weight_chart": charts.weight_chart(view.weight) if view.weight else None,
    }
    return render(request, "intel/report_detail.html", context)


@guards(Category.INTELLIGENCE, Category.INTELLIGENCE_SANITISED, Category.PERSON)
@login_required
def report_triage(request: HttpRequest, report_id: int) -> HttpResponse:
    """Grade, sanitise, link and record the outcome: one page, one form posted at a time."""
    actor = signed_in_user(request)
    report = selectors.report_for_change(actor=actor, report_id=report_id, purpose="triage intelligence")
    step = request.POST.get("step", "")
    grading = GradeForm(request.POST if step == "grade" else None, initial=_grade_initial(report), prefix="grade")
    sanitised = getattr(report, "sanitised", None)
    sanitise = SanitiseForm(
        request.POST if step == "sanitise" else None, prefix="sanitise",
        initial={"text": sanitised.text if sanitised else services.suggested_sanitised_text(report)},
    )  # fmt: skip
    outcome = OutcomeForm(request.POST if step == "outcome" else None, prefix="outcome",
                          initial={"outcome": report.outcome, "outcome_reason": report.outcome_reason})  # fmt: skip
    entity = EntityForm(request.POST if step == "entity" else None, prefix="entity")
    bound = {"grade": grading, "sanitise": sanitise, "outcome": outcome, "entity": entity}.get(step)
    if request.method == "POST" and _triage_step(request, actor, report, step, bound):
        return redirect("intel:triage_report", report_id=report.pk)
    view = selectors.report_get(actor=actor, report_id=report.pk, purpose="triage intelligence")
    # Possible people for names not yet linked, found through person search (so through access, audited).
    unlinked = [e for e in view.entities if e.kind == EntityKind.PERSON and e.person_id is None][:MAX_NAME_LOOKUPS]
    people = {e.pk: person_search(actor=actor, query=e.value, limit=3)[0] for e in unlinked if searchable(e.value)}
    return render(
        request,
        "intel/triage.html",
        {
            "view": view, "report": report, "grading": grading, "sanitise": sanitise, "outcome": outcome,
            "entity": entity, "bound_form": bound if bound is not None and bound.is_bound else None,
            "entity_rows": [{"entity": e, "people": people.get(e.pk, [])} for e in view.entities],
            "late": report.status == Status.NEW and report.triage_due_at < timezone.now(),
            "weight_chart": charts.weight_chart(view.weight) if view.weight else None,
        },
    )  # fmt: skip


def _grade_initial(report: IntelReport) -> dict[str, str]:
    if report.grading_scheme != "3x5x2":
        return {"risk": report.risk}
    return {
        "source_evaluation": report.source_evaluation, "intelligence_assessment": report.intelligence_assessment,
        "handling_code": report.handling_code, "handling_conditions": report.handling_conditions, "risk": report.risk,
    }  # fmt: skip


def _triage_step(request: HttpRequest, actor: Any, report: IntelReport, step: str, form: forms.Form | None) -> bool:
    if step == "link":
        return _link_step(request, actor)
    if form is None or not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        if step == "grade":
            services.report_grade(actor=actor, report=report, **data)
            messages.success(request, f"Graded {report.grade}.")
        elif step == "sanitise":
            services.report_sanitise(actor=actor, report=report, text=data["text"])
            messages.success(request, "Sanitised version saved.")
        elif step == "outcome":
            services.report_outcome(actor=actor, report=report, outcome=data["outcome"], reason=data["outcome_reason"])
            messages.success(request, "Outcome recorded. The submitter is told its category.")
        else:
            services.entity_add(actor=actor, report=report, kind=data["kind"], text=data["text"])
            messages.success(request, "Added.")
    except ValidationError as error:
        apply_errors(form, error, {"reason": "outcome_reason"})
        return False
    offer_better_words(request, form)
    return True


def _link_step(request: HttpRequest, actor: Any) -> bool:
    entity = selectors.entity_for_change(actor=actor, entity_id=int(request.POST.get("entity_id", "0") or 0))
    person_id = request.POST.get("person_id", "")
    person = (
        person_for_change(actor=actor, person_id=person_id, action=Action.VIEW, purpose="link intelligence to a person")
        if person_id
        else None
    )
    services.entity_link(actor=actor, entity=entity, person=person)
    messages.success(request, "Linked." if person else "Confirmed.")
    return True


@guards(Category.INTELLIGENCE)
@login_required
def triage_queue(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    queue = selectors.triage_queue(actor=actor)
    return render(
        request,
        "intel/triage_queue.html",
        {
            "queue": queue,
            "late": sum(1 for i in queue if i.late),
            "awaiting": selectors.awaiting_outcome(actor=actor)[:50],
        },
    )


@guards(Category.INTELLIGENCE, Category.INTELLIGENCE_SANITISED)
@login_required
def intel_search(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    query = request.GET.get("q", "").strip()[:200]
    reference = request.GET.get("reference", "").strip()[:20]
    found, total = selectors.report_search(actor=actor, query=query, reference=reference)
    return render(
        request,
        "intel/search.html",
        {"query": query, "reference": reference, "found": found, "total": total, "capped": total >= selectors.COUNT_CAP,
         "can_submit": can(actor, Action.CREATE, Draft(Category.INTELLIGENCE, actor.agency_id))},
    )  # fmt: skip


@guards(Category.INTELLIGENCE)
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    require(actor, Action.CREATE, Category.INTELLIGENCE, purpose="my intelligence submissions")
    return render(request, "intel/mine.html", {"rows": selectors.my_submissions(actor=actor)})


@guards(Category.INTELLIGENCE, Category.INTELLIGENCE_SANITISED)
@login_required
def corroborate(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    report = selectors.report_for_reader(actor=actor, report_id=report_id, purpose="corroborate intelligence")
    form = CorroborateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_corroborate(actor=actor, report=report, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Thank you. The analyst will see what you know beside the report.")
            offer_better_words(request, form)
            return redirect("intel:report", report_id=report.pk)
    return render(request, "intel/corroborate.html", {"form": form, "report": report})


@guards(Category.INTELLIGENCE_EXISTENCE)
@login_required
def request_access(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    report = selectors.report_for_reader(actor=actor, report_id=report_id, purpose="request access to intelligence")
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_create(actor=actor, report=report, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Request sent to {report.agency.name}. You will see their answer here.")
            return redirect("intel:report", report_id=report.pk)
    context = {"form": form, "report": report, "view": selectors.ReportView(level=Level.EXISTENCE, report=report),
               "reason": ""}  # fmt: skip
    return render(request, "intel/existence.html", context, status=422 if form.errors else 200)


@guards(Category.INTELLIGENCE)
@login_required
def requests(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    require(actor, Action.SHARE, Category.INTELLIGENCE, purpose="requests for intelligence")
    return render(request, "intel/requests.html", {"pending": selectors.requests_to_decide(actor=actor)})


@guards(Category.INTELLIGENCE, Category.INTELLIGENCE_SANITISED)
@login_required
def request_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    row = selectors.request_for_decision(actor=actor, request_id=request_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.access_request_decide(
                actor=actor, request=row, decision=data["decision"], reason=data["decision_reason"],
                lawful_basis=data["lawful_basis"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Decision recorded and {row.requester.get_full_name() or row.requester} told.")
            return redirect("intel:requests")
    return render(request, "intel/request_decide.html", {"form": form, "request_row": row})


@guards(Category.INTELLIGENCE, Category.INTELLIGENCE_SANITISED, Category.INTELLIGENCE_EXISTENCE, Category.PERSON)
@login_required
def held(request: HttpRequest) -> HttpResponse:
    """What intelligence exists on a person, vehicle or phone, over time, and where else it is held."""
    actor = signed_in_user(request)
    params = {name: request.GET.get(name, "")[:64] for name in ("person", "vrm", "phone", "place")}
    try:
        subject = selectors.subject_of(actor=actor, **params)
    except ValidationError as error:
        require(actor, Action.SEARCH, Category.INTELLIGENCE_EXISTENCE, purpose="intelligence held")
        return render(request, "intel/held.html", {"error": " ".join(error.messages), **params}, status=422)
    found = selectors.held_on(actor=actor, **subject)
    months = selectors.timeline_months(found)
    # The people app's records that hold this mark or number: the person search finds them, through access.
    key = subject["vrm"] or subject["phone"]
    people = person_search(actor=actor, query=key, limit=20)[0] if key else []
    return render(
        request,
        "intel/held.html",
        {
            "held": found, "subject": subject, "months": months, "chart": charts.timeline_chart(months),
            "people": people, **params,
        },
    )  # fmt: skip
