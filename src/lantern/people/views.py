from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lantern.access.policy import Action, Category, Draft, can, require
from lantern.access.registry import guards
from lantern.people import identity, linking, selectors, services
from lantern.people.charts import evidence_chart
from lantern.people.enums import ACTIVE_RUN_STATUSES, PersonKind, PersonStatus, RecordCategory, ReviewStatus, Sex
from lantern.people.models import SourceRecord
from lantern.people.search import searchable
from lantern.web.actor import signed_in_user
from lantern.web.forms import GovukForm, apply_errors


class PersonForm(GovukForm):
    kind = forms.ChoiceField(
        label="Who is this?",
        choices=PersonKind.choices,
        error_messages={"required": "Select whether this is a child or an adult of concern"},
    )
    given_name = forms.CharField(label="Given name", max_length=100, error_messages={"required": "Enter a given name"})
    family_name = forms.CharField(
        label="Family name", max_length=100, error_messages={"required": "Enter a family name"}
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="For example, 27/03/2010. Leave empty if not known.",
        error_messages={"invalid": "Enter the date of birth as a real date, like 27/03/2010"},
    )
    sex = forms.ChoiceField(choices=[("", "Not recorded"), *Sex.choices], required=False)


class RecordForm(GovukForm):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), error_messages={"required": "Enter a summary"})
    handling_code = forms.ChoiceField(
        label="Handling code",
        choices=[("", "Choose a handling code"), ("P", "P: may be shared lawfully"), ("C", "C: conditions apply")],
        help_text="P lets agencies with a sharing agreement see this record; C keeps it within your agency.",
        error_messages={"required": "Select a handling code"},
    )


class NewRecordForm(RecordForm):
    category = forms.ChoiceField(label="Kind of information", choices=RecordCategory.choices, initial="agency_record")


@guards(Category.PERSON)
@login_required
def person_search(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    query = request.GET.get("q", "").strip()[:200]
    page = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    page = max(page, 1)
    context: dict[str, object] = {"query": query, "results": [], "total": 0, "page": page, "error": ""}
    if query and searchable(query):
        offset = (page - 1) * selectors.SEARCH_LIMIT
        people, total = selectors.person_search(actor=actor, query=query, limit=selectors.SEARCH_LIMIT, offset=offset)
        agencies = selectors.person_search_agencies(actor=actor, people=people)
        context.update(
            results=[{"person": p, "agencies": agencies[str(p.pk)]} for p in people],
            total=total,
            first=offset + 1,
            last=offset + len(people),
            previous_page=page - 1 if page > 1 else None,
            next_page=page + 1 if offset + len(people) < total else None,
        )
    else:
        require(actor, Action.SEARCH, Category.PERSON, purpose="person search")
        if query:
            context["error"] = "Enter a name, phone number, vehicle registration mark or date of birth"
    return render(request, "people/search.html", context)


@guards(Category.PERSON)
@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    require(actor, Action.CREATE, Draft(Category.PERSON, actor.agency_id), purpose="record a person")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=actor, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{person.display_name} added to the shared index.")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/person_form.html", {"form": form, "creating": True})


@guards(Category.PERSON, Category.AGENCY_RECORD, Category.SEXUAL_HEALTH)
@login_required
def person_detail(request: HttpRequest, person_id: UUID) -> HttpResponse:
    actor = signed_in_user(request)
    view = selectors.person_get(actor=actor, person_id=person_id)
    return render(
        request,
        "people/person_detail.html",
        {
            "view": view,
            "person": view.person,
            "can_update": can(actor, Action.UPDATE, view.person),
            "can_link": can(actor, Action.LINK, view.person),
            "link_charts": [{"link": link, "chart": evidence_chart(link.evidence)} for link in view.links],
            "can_add_record": can(actor, Action.CREATE, Draft(Category.AGENCY_RECORD, actor.agency_id)),
            "can_see_intelligence": can(actor, Action.SEARCH, Category.INTELLIGENCE_EXISTENCE),
            "can_refer": view.person.kind == PersonKind.CHILD
            and can(actor, Action.CREATE, Draft(Category.CASE, actor.agency_id, parent=view.person)),
        },
    )


@guards(Category.PERSON)
@login_required
def person_edit(request: HttpRequest, person_id: UUID) -> HttpResponse:
    actor = signed_in_user(request)
    person = selectors.person_for_change(
        actor=actor, person_id=person_id, action=Action.UPDATE, purpose="update a person"
    )
    if person.status == PersonStatus.MERGED:
        messages.warning(request, services.MERGED_REFUSAL)
        return redirect("people:detail", person_id=person.pk)
    initial = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=actor, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Changes saved.")
            return redirect("people:detail", person_id=person.pk)
    selectors.opened_for_change(actor=actor, target=person, purpose="update a person")
    return render(request, "people/person_form.html", {"form": form, "creating": False, "person": person})


@guards(Category.AGENCY_RECORD, Category.SEXUAL_HEALTH)
@login_required
def record_create(request: HttpRequest, person_id: UUID) -> HttpResponse:
    actor = signed_in_user(request)
    person = selectors.person_for_change(
        actor=actor, person_id=person_id, action=Action.VIEW, purpose="add an agency record"
    )
    if person.status == PersonStatus.MERGED:
        messages.warning(request, services.MERGED_REFUSAL)
        return redirect("people:detail", person_id=person.pk)
    form = NewRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_create(actor=actor, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Record added.")
            return redirect("people:record", record_id=record.pk)
    else:
        require(
            actor,
            Action.CREATE,
            Draft(Category.AGENCY_RECORD, actor.agency_id, parent=person),
            purpose="add an agency record",
        )
    selectors.opened_for_change(actor=actor, target=person, purpose="add an agency record")
    return render(request, "people/record_form.html", {"form": form, "person": person, "creating": True})


@guards(Category.AGENCY_RECORD, Category.SEXUAL_HEALTH)
@login_required
def record_detail(request: HttpRequest, record_id: UUID) -> HttpResponse:
    actor = signed_in_user(request)
    record = selectors.record_get(actor=actor, record_id=record_id)
    return render(
        request, "people/record_detail.html", {"record": record, "can_update": can(actor, Action.UPDATE, record)}
    )


@guards(Category.AGENCY_RECORD, Category.SEXUAL_HEALTH)
@login_required
def record_edit(request: HttpRequest, record_id: UUID) -> HttpResponse:
    actor = signed_in_user(request)
    record: SourceRecord = selectors.record_for_change(
        actor=actor, record_id=record_id, purpose="update an agency record"
    )
    initial = {name: getattr(record, name) for name in services.RECORD_FIELDS}
    form = RecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_update(actor=actor, record=record, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Changes saved.")
            return redirect("people:record", record_id=record.pk)
    selectors.opened_for_change(actor=actor, target=record, purpose="update an agency record")
    return render(
        request, "people/record_form.html", {"form": form, "person": record.person, "record": record, "creating": False}
    )


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Are these the same person?",
        choices=[("same", "Yes, the same person"), ("different", "No, different people")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether these are the same person"},
    )
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what you checked. Your decision can be undone, and it is kept in the audit log.",
        error_messages={"required": "Enter the reason for your decision"},
    )


@guards(Category.PERSON)
@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    require(actor, Action.LINK, Category.PERSON, purpose="review queue")
    reviews = selectors.reviews_pending(actor=actor)
    return render(request, "people/review_queue.html", {"reviews": reviews})


@guards(Category.PERSON)
@login_required
def review_decide(request: HttpRequest, review_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    review = selectors.review_get(actor=actor, review_id=review_id, purpose="review a possible match")
    for person in (review.record_a.person, review.record_b.person):
        require(actor, Action.LINK, person, purpose="review a possible match")
    if review.status != ReviewStatus.PENDING:
        # Someone decided while this page was open, or it was opened from an old link: show their decision.
        return render(
            request, "people/review_decide.html",
            {"review": review, "form": None, "chart": evidence_chart(review.evidence)},
        )  # fmt: skip
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            identity.review_decide(
                actor=actor, review=review, same_person=form.cleaned_data["decision"] == "same",
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except identity.IdentityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Decision recorded.")
            return redirect("people:reviews")
    selectors.opened_for_change(actor=actor, target=review.record_a.person, purpose="review a possible match")
    return render(
        request, "people/review_decide.html", {"review": review, "form": form, "chart": evidence_chart(review.evidence)}
    )


@guards(Category.LINKAGE_RUN)
@login_required
def linkage_runs(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    if request.method == "POST":
        try:
            run = linking.linkage_run_request(actor=actor)
        except linking.LinkageBusy as busy:
            messages.warning(request, str(busy))
        else:
            messages.success(request, f"Linkage run {run.pk} queued. This page shows its progress.")
        return redirect("people:linkage")
    runs = selectors.linkage_runs(actor=actor)
    active = any(run.status in ACTIVE_RUN_STATUSES for run in runs)
    return render(request, "people/linkage_runs.html", {"runs": runs, "active": active})


class UnmergeForm(GovukForm):
    reason = forms.CharField(
        label="Why are these not the same person?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Say what you checked. Both people come back exactly as they were before the join.",
        error_messages={"required": "Enter the reason these records are not the same person"},
    )


@guards(Category.PERSON)
@login_required
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    merge = selectors.merge_get(actor=actor, merge_id=merge_id, purpose="undo a join of two people")
    require(actor, Action.LINK, merge.kept, purpose="undo a join of two people")
    form = UnmergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            identity.person_unmerge(actor=actor, merge=merge, reason=form.cleaned_data["reason"])
        except identity.IdentityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The join was undone: both people are as they were before it.")
            return redirect("people:detail", person_id=merge.kept_id)
    selectors.opened_for_change(actor=actor, target=merge.kept, purpose="undo a join of two people")
    return render(request, "people/merge_undo.html", {"merge": merge, "form": form})
