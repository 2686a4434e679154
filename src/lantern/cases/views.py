"""Casework pages: thin views that parse a form, call a service or selector, and render.

Every rule lives in `cases.services`; a refusal comes back as a ValidationError that `apply_errors` puts on the
form's boxes, and nothing is saved (each service is one transaction). Access refusals are answered by
`AccessErrorMiddleware`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lantern.access.policy import Action, Category, Draft, can, require
from lantern.access.registry import guards
from lantern.access.roles import Role
from lantern.accounts.models import User
from lantern.cases import charts, selectors, services, workflow
from lantern.cases.enums import AssessmentStatus, ConferenceKind, ReassuranceStatus, Stage
from lantern.cases.forms import (
    AllocateForm,
    AuthoriseForm,
    CaseForm,
    CloseForm,
    CompleteAssessmentForm,
    ConferenceForm,
    ContactForm,
    ContributionForm,
    CoreGroupForm,
    DecideForm,
    InterviewForm,
    MissingForm,
    NoteForm,
    OversightForm,
    ReassuranceForm,
    ReassuranceOutcomeForm,
    ReferralForm,
    ReturnForm,
    S47Form,
    StrategyForm,
    StrategyRequestForm,
    VisitForm,
)
from lantern.cases.models import (
    Assessment,
    Case,
    MissingEpisode,
    Reassurance,
    Referral,
    Section47Enquiry,
    StrategyDiscussion,
)
from lantern.intel.selectors import held_on
from lantern.language.banner import offer_better_words
from lantern.people.enums import PersonKind
from lantern.people.selectors import person_for_change
from lantern.web.actor import signed_in_user
from lantern.web.forms import apply_errors


def _is_manager(actor: User) -> bool:
    return actor.role == Role.TEAM_MANAGER


def _step(actor: User, model: type[Model], step_id: int, case_id: int, purpose: str) -> Any:
    """A step of the case in the address, after `access` allowed the change; a step of another case is 404."""
    row = selectors.step_for_change(actor=actor, model=model, step_id=step_id, purpose=purpose)
    if selectors.case_of(row).pk != case_id:
        raise Http404
    return row


# --- Work lists --------------------------------------------------------------------------------------------------


@guards(Category.CASE, Category.PERSON)
@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    require(actor, Action.VIEW, Category.CASE, purpose="my work")
    return render(
        request,
        "cases/my_work.html",
        {"work": selectors.my_work(actor=actor), "notifications": selectors.unread_notifications(actor),
         "is_manager": _is_manager(actor), "soon_days": selectors.DUE_SOON_WORKING_DAYS},
    )  # fmt: skip


@guards(Category.CASE)
@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    services.notification_read(actor=actor, notification_id=notification_id)
    messages.success(request, "Marked as read.")
    return redirect("cases:my_work")


@guards(Category.CASE, Category.PERSON)
@login_required
def team_work(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    require(actor, Action.VIEW, Category.CASE, purpose="team work")
    work, per_worker = selectors.team_work(actor=actor)
    counts = [(name, len(w.overdue), len(w.due_soon), len(w.on_time)) for name, w in per_worker.items()]
    return render(
        request,
        "cases/team_work.html",
        {"work": work, "counts": counts, "chart": charts.team_chart([(n, o, s) for n, o, s, _ in counts])},
    )


# --- The case ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def _actions(actor: User, case: Case) -> list[Link]:
    """The next steps the case's stage allows, each linking to its form."""
    if not case.is_open or not can(actor, Action.UPDATE, case):
        return []
    pk = case.pk
    links: list[Link] = []

    def add(label: str, name: str, *args: Any) -> None:
        links.append(Link(label, reverse(f"cases:{name}", args=[pk, *args])))

    for referral in case.referrals.filter(decision=""):
        add("Decide on the referral", "decide", referral.pk)
    if case.stage in (Stage.ASSESSMENT, Stage.EARLY_HELP):
        add("Request a strategy discussion", "strategy_request")
    for discussion in case.strategy_discussions.filter(held_at__isnull=True):
        add("Record the strategy discussion", "strategy", discussion.pk)
    if case.stage == Stage.S47:
        for enquiry in case.enquiries.filter(outcome=""):
            add("Record the section 47 enquiry's outcome", "s47", enquiry.pk)
    if case.stage == Stage.CONFERENCE:
        add("Record the initial child protection conference", "conference", ConferenceKind.INITIAL.value)
    if case.stage == Stage.CP_PLAN and case.plans.filter(ended_on__isnull=True).exists():
        add("Record a review child protection conference", "conference", ConferenceKind.REVIEW.value)
        add("Record a core group meeting", "core_group")
    for assessment in case.assessments.exclude(status=AssessmentStatus.AUTHORISED):
        if assessment.status == AssessmentStatus.IN_PROGRESS:
            add("Contribute to the assessment", "contribute", assessment.pk)
            add("Complete the assessment", "complete", assessment.pk)
        else:
            add("Authorise the assessment", "authorise", assessment.pk)
    return links + _routine_actions(actor, case)


def _routine_actions(actor: User, case: Case) -> list[Link]:
    """What may be recorded at any stage of an open case, and a manager's steps."""
    pk = case.pk
    links: list[Link] = []

    def add(label: str, name: str, *args: Any) -> None:
        links.append(Link(label, reverse(f"cases:{name}", args=[pk, *args])))

    add("Record a visit", "visit")
    add("Record a contact (new information)", "contact")
    add("Record a missing episode", "missing")
    for episode in case.missing_episodes.all():
        if episode.returned_at is None:
            add(f"Record the return from missing (missing since {episode.missing_from:%-d %b %Y})", "returned",
                episode.pk)  # fmt: skip
        elif episode.rhi_held_at is None and not episode.rhi_declined_reason:
            add(f"Record the return home interview ({episode.returned_at:%-d %b %Y})", "interview", episode.pk)
    add("Record a family reassurance or safety agreement", "reassurance")
    if _is_manager(actor):
        add("Record management oversight", "oversight")
        add("Allocate the lead practitioner", "allocate")
        if workflow.allowed(case.stage, Stage.CLOSED):
            add("Close the case", "close")
    return links


@guards(Category.CASE, Category.PERSON, Category.INTELLIGENCE, Category.INTELLIGENCE_SANITISED,
        Category.INTELLIGENCE_EXISTENCE)  # fmt: skip
@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    case = selectors.case_get(actor=actor, case_id=case_id)
    history = selectors.reassurance_history(case)
    intelligence = (
        held_on(actor=actor, person=case.child, purpose="intelligence on a case's child")
        if can(actor, Action.SEARCH, Category.INTELLIGENCE_EXISTENCE)
        else None
    )
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case, "deadlines": selectors.deadlines_for(case), "events": selectors.timeline(case),
            "intelligence": intelligence, "history": history,
            "flagged": [r for r in history if r.flagged and r.acknowledged_at is None],
            "open_reassurances": [r for r in history if r.case_id == case.pk and r.status == ReassuranceStatus.OPEN],
            "can_see_child": can(actor, Action.VIEW, case.child), "actions": _actions(actor, case),
            "is_manager": _is_manager(actor), "missing_90": selectors.missing_in(case),
        },
    )  # fmt: skip


# --- Step forms --------------------------------------------------------------------------------------------------


def _form(form_class: type[CaseForm], request: HttpRequest, actor: User, agency_id: int | None, **kwargs: Any) -> Any:
    return form_class(request.POST or None, actor=actor, agency_id=agency_id, **kwargs)


def _step_page(
    request: HttpRequest,
    *,
    case: Case,
    form: CaseForm,
    title: str,
    button: str,
    run: Callable[[dict[str, Any]], str],
    template: str = "cases/step_form.html",
    renames: Callable[[], dict[str, str]] | None = None,
    **context: Any,
) -> HttpResponse:
    """GET shows the form; POST parses it and calls the service (through `run`, which returns the message
    to show). A refusal puts the service's messages on the form and nothing is saved."""
    if request.method == "POST" and form.is_valid():
        try:
            message = run(form.data_for_service())
        except ValidationError as error:
            apply_errors(form, error, renames() if renames else None)
        else:
            messages.success(request, message)
            offer_better_words(request, form)
            return redirect("cases:case", case_id=case.pk)
    return render(
        request,
        template,
        {"case": case, "form": form, "title": title, "button": button,
         "caption": f"{case.child.display_name}, case {case.pk}", **context},
    )  # fmt: skip


@guards(Category.CASE, Category.PERSON)
@login_required
def referral_new(request: HttpRequest) -> HttpResponse:
    """A referral for the child in `?person=`, from their person page: opens a case or brings one to a decision."""
    actor = signed_in_user(request)
    person_id = request.GET.get("person", "")
    if not person_id:
        messages.info(request, "Find the child first, then record a referral from their page.")
        return redirect("people:search")
    child = person_for_change(actor=actor, person_id=person_id, action=Action.VIEW, purpose="record a referral")
    require(actor, Action.CREATE, Draft(Category.CASE, actor.agency_id, parent=child), purpose="record a referral")
    form = _form(ReferralForm, request, actor, actor.agency_id)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_record(actor=actor, child=child, **form.data_for_service())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, "Referral recorded. A decision is due within 1 working day (rule WT-REF-DECIDE-1)."
            )
            offer_better_words(request, form)
            return redirect("cases:case", case_id=referral.case_id)
    return render(
        request,
        "cases/step_form.html",
        {"form": form, "title": "Record a referral", "button": "Record the referral",
         "caption": child.display_name, "child": child, "is_child": child.kind == PersonKind.CHILD},
    )  # fmt: skip


@guards(Category.CASE)
@login_required
def contact(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    case = selectors.case_for_change(actor=actor, case_id=case_id, purpose="record a contact")

    def run(data: dict[str, Any]) -> str:
        services.contact_record(actor=actor, case=case, **data)
        return "Contact recorded."

    return _step_page(request, case=case, form=_form(ContactForm, request, actor, case.agency_id),
                      title="Record a contact", button="Record the contact", run=run)  # fmt: skip


@guards(Category.CASE)
@login_required
def decide(request: HttpRequest, case_id: int, referral_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    referral: Referral = _step(actor, Referral, referral_id, case_id, "decide a referral")
    case = referral.case
    form = _form(DecideForm, request, actor, case.agency_id,
                 initial={"lead_practitioner": case.lead_practitioner_id or actor.pk})  # fmt: skip

    def run(data: dict[str, Any]) -> str:
        done = services.referral_decide(actor=actor, referral=referral, **data)
        return f"Decision recorded: {done.get_decision_display()}."

    return _step_page(request, case=case, form=form, title="Decide on the referral", button="Record the decision",
                      run=run, template="cases/decide.html", referral=referral)  # fmt: skip


@guards(Category.CASE)
@login_required
def strategy_request(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    case = selectors.case_for_change(actor=actor, case_id=case_id, purpose="request a strategy discussion")

    def run(data: dict[str, Any]) -> str:
        services.strategy_request(actor=actor, case=case, **data)
        return "Strategy discussion requested. It is due within 3 working days (rule LOCAL-STRAT-3)."

    return _step_page(request, case=case, form=_form(StrategyRequestForm, request, actor, case.agency_id),
                      title="Request a strategy discussion", button="Request the discussion", run=run)  # fmt: skip


@guards(Category.CASE)
@login_required
def strategy(request: HttpRequest, case_id: int, discussion_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    discussion: StrategyDiscussion = _step(actor, StrategyDiscussion, discussion_id, case_id,
                                           "record a strategy discussion")  # fmt: skip
    case = discussion.case
    form = _form(StrategyForm, request, actor, case.agency_id,
                 initial={"lead_practitioner": case.lead_practitioner_id})  # fmt: skip

    def run(data: dict[str, Any]) -> str:
        done = services.strategy_record(actor=actor, discussion=discussion, **data)
        return f"Strategy discussion recorded: {done.get_outcome_display()}."

    return _step_page(
        request, case=case, form=form, title="Record the strategy discussion", button="Record the discussion",
        run=run, template="cases/strategy.html", discussion=discussion,
        renames=lambda: {"attendees": form.first_missing_required() or ""},
    )  # fmt: skip


@guards(Category.CASE)
@login_required
def s47(request: HttpRequest, case_id: int, enquiry_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    enquiry: Section47Enquiry = _step(actor, Section47Enquiry, enquiry_id, case_id, "record a s47 outcome")

    def run(data: dict[str, Any]) -> str:
        done = services.s47_complete(actor=actor, enquiry=enquiry, **data)
        return f"Section 47 outcome recorded: {done.get_outcome_display()}."

    return _step_page(request, case=enquiry.case, form=_form(S47Form, request, actor, enquiry.case.agency_id),
                      title="Record the section 47 enquiry's outcome", button="Record the outcome", run=run,
                      enquiry=enquiry)  # fmt: skip


@guards(Category.CASE)
@login_required
def contribute(request: HttpRequest, case_id: int, assessment_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    assessment: Assessment = _step(actor, Assessment, assessment_id, case_id, "contribute to an assessment")

    def run(data: dict[str, Any]) -> str:
        services.assessment_contribute(actor=actor, assessment=assessment, **data)
        return "Contribution added to the assessment."

    return _step_page(request, case=assessment.case,
                      form=_form(ContributionForm, request, actor, assessment.case.agency_id),
                      title="Contribute to the assessment", button="Add your contribution", run=run)  # fmt: skip


@guards(Category.CASE)
@login_required
def complete(request: HttpRequest, case_id: int, assessment_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    assessment: Assessment = _step(actor, Assessment, assessment_id, case_id, "complete an assessment")

    def run(data: dict[str, Any]) -> str:
        services.assessment_complete(actor=actor, assessment=assessment, **data)
        return "Assessment completed. Another registered social worker or your manager authorises it."

    return _step_page(
        request, case=assessment.case, form=_form(CompleteAssessmentForm, request, actor, assessment.case.agency_id),
        title="Complete the child and family assessment", button="Complete the assessment", run=run,
        intro=f"Due {services.assessment_due(assessment):%-d %B %Y} (45 working days from the referral, rule "
        "WT-ASSESS-45). Only a registered social worker completes an assessment.",
    )  # fmt: skip


@guards(Category.CASE)
@login_required
def authorise(request: HttpRequest, case_id: int, assessment_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    assessment: Assessment = _step(actor, Assessment, assessment_id, case_id, "authorise an assessment")

    def run(_data: dict[str, Any]) -> str:
        services.assessment_authorise(actor=actor, assessment=assessment)
        return "Assessment authorised."

    return _step_page(
        request, case=assessment.case, form=_form(AuthoriseForm, request, actor, assessment.case.agency_id),
        title="Authorise the assessment", button="Authorise the assessment", run=run,
        template="cases/authorise.html", assessment=assessment,
    )  # fmt: skip


@guards(Category.CASE)
@login_required
def conference(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    if kind not in ConferenceKind.values:
        raise Http404
    actor = signed_in_user(request)
    case = selectors.case_for_change(actor=actor, case_id=case_id, purpose="record a child protection conference")
    form = _form(ConferenceForm, request, actor, case.agency_id, kind=kind)

    def run(data: dict[str, Any]) -> str:
        done = services.conference_record(actor=actor, case=case, kind=kind, **data)
        return f"{done.get_kind_display()} recorded: {done.get_decision_display()}."

    title = f"Record the {ConferenceKind(kind).label.lower()}"
    return _step_page(request, case=case, form=form, title=title, button="Record the conference", run=run)


@guards(Category.CASE)
@login_required
def core_group(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    case = selectors.case_for_change(actor=actor, case_id=case_id, purpose="record a core group meeting")
    plan = case.plans.filter(ended_on__isnull=True).first()
    if plan is None:
        raise Http404

    def run(data: dict[str, Any]) -> str:
        services.core_group_record(actor=actor, plan=plan, **data)
        return "Core group meeting recorded."

    return _step_page(request, case=case, form=_form(CoreGroupForm, request, actor, case.agency_id),
                      title="Record a core group meeting", button="Record the meeting", run=run)  # fmt: skip


@guards(Category.CASE)
@login_required
def visit(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    case = selectors.case_for_change(actor=actor, case_id=case_id, purpose="record a visit")

    def run(data: dict[str, Any]) -> str:
        services.visit_record(actor=actor, case=case, **data)
        return "Visit recorded."

    return _step_page(request, case=case, form=_form(VisitForm, request, actor, case.agency_id),
                      title="Record a visit", button="Record the visit", run=run)  # fmt: skip


@guards(Category.CASE)
@login_required
def missing(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    case = selectors.case_for_change(actor=actor, case_id=case_id, purpose="record a missing episode")

    def run(data: dict[str, Any]) -> str:
        services.missing_record(actor=actor, case=case, **data)
        return "Missing episode recorded."

    return _step_page(request, case=case, form=_form(MissingForm, request, actor, case.agency_id),
                      title="Record a missing episode", button="Record the episode", run=run)  # fmt: skip


@guards(Category.CASE)
@login_required
def returned(request: HttpRequest, case_id: int, episode_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    episode: MissingEpisode = _step(actor, MissingEpisode, episode_id, case_id, "record a return from missing")

    def run(data: dict[str, Any]) -> str:
        services.missing_returned(actor=actor, episode=episode, **data)
        return "Return recorded. The return home interview is due within 72 hours (rule MISS-RHI-72H)."

    return _step_page(request, case=episode.case, form=_form(ReturnForm, request, actor, episode.case.agency_id),
                      title="Record the child's return", button="Record the return", run=run)  # fmt: skip


@guards(Category.CASE)
@login_required
def interview(request: HttpRequest, case_id: int, episode_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    episode: MissingEpisode = _step(actor, MissingEpisode, episode_id, case_id, "record a return home interview")

    def run(data: dict[str, Any]) -> str:
        services.rhi_record(actor=actor, episode=episode, **data)
        return "Return home interview recorded."

    return _step_page(request, case=episode.case, form=_form(InterviewForm, request, actor, episode.case.agency_id),
                      title="Record the return home interview", button="Record the interview", run=run)  # fmt: skip


@guards(Category.CASE)
@login_required
def reassurance(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    case = selectors.case_for_change(actor=actor, case_id=case_id, purpose="record a family reassurance")

    def run(data: dict[str, Any]) -> str:
        done = services.reassurance_record(actor=actor, case=case, **data)
        if done.flagged:
            return "Reassurance recorded. Earlier ones broke, so your team manager has been told today."
        return "Reassurance recorded."

    return _step_page(request, case=case, form=_form(ReassuranceForm, request, actor, case.agency_id),
                      title="Record a family reassurance", button="Record the reassurance", run=run)  # fmt: skip


@guards(Category.CASE)
@login_required
def reassurance_outcome(request: HttpRequest, case_id: int, reassurance_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    row: Reassurance = _step(actor, Reassurance, reassurance_id, case_id, "record whether a reassurance held")

    def run(data: dict[str, Any]) -> str:
        services.reassurance_outcome(actor=actor, reassurance=row, **data)
        return "Recorded whether the reassurance held."

    return _step_page(request, case=row.case, form=_form(ReassuranceOutcomeForm, request, actor, row.case.agency_id),
                      title="Did the reassurance hold?", button="Record the outcome", run=run,
                      intro=f"{row.given_by} promised on {row.given_on:%-d %B %Y}: {row.promise}")  # fmt: skip


@guards(Category.CASE)
@login_required
def reassurance_review(request: HttpRequest, case_id: int, reassurance_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    row: Reassurance = _step(actor, Reassurance, reassurance_id, case_id, "review a flagged reassurance")

    def run(data: dict[str, Any]) -> str:
        services.reassurance_acknowledge(actor=actor, reassurance=row, **data)
        return "Your review of the reassurance is recorded."

    return _step_page(
        request, case=row.case, form=_form(NoteForm, request, actor, row.case.agency_id),
        title="Review a flagged reassurance", button="Record your decision", run=run,
        template="cases/reassurance_review.html", reassurance=row, history=selectors.reassurance_history(row.case),
    )  # fmt: skip


@guards(Category.CASE)
@login_required
def oversight(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    case = selectors.case_for_change(actor=actor, case_id=case_id, purpose="record management oversight")

    def run(data: dict[str, Any]) -> str:
        services.oversight_record(actor=actor, case=case, **data)
        return "Management oversight recorded."

    return _step_page(request, case=case, form=_form(OversightForm, request, actor, case.agency_id),
                      title="Record management oversight", button="Record oversight", run=run,
                      intro="At least every 20 working days on a child protection or CSE case "
                      "(rule LOCAL-OVERSIGHT-20).")  # fmt: skip


@guards(Category.CASE)
@login_required
def allocate(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    case = selectors.case_for_change(actor=actor, case_id=case_id, purpose="allocate a lead practitioner")
    form = _form(AllocateForm, request, actor, case.agency_id, initial={"practitioner": case.lead_practitioner_id})

    def run(data: dict[str, Any]) -> str:
        done = services.allocate(actor=actor, case=case, **data)
        lead = done.lead_practitioner
        return f"{lead.get_full_name() or lead.username if lead else 'Nobody'} now leads the case."

    return _step_page(request, case=case, form=form, title="Allocate the lead practitioner",
                      button="Allocate", run=run)  # fmt: skip


@guards(Category.CASE)
@login_required
def close(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    case = selectors.case_for_change(actor=actor, case_id=case_id, purpose="close a case")

    def run(data: dict[str, Any]) -> str:
        services.case_close(actor=actor, case=case, **data)
        return "Case closed."

    return _step_page(request, case=case, form=_form(CloseForm, request, actor, case.agency_id),
                      title="Close the case", button="Close the case", run=run)  # fmt: skip
