"""A team manager's dashboard: every figure for the teams they manage, charted where a picture helps and always
in a table, each drilling down to the children and the work behind it, where the manager acts: reallocate a case,
sign off (or overturn) a decision of no further action, escalate work up the agency's chain, or go to the existing
pages that authorise an assessment, review a reassurance or review break glass. Thin: the figures are
`oversight.team`'s, the rules the services'."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from lantern.access.policy import Category
from lantern.access.registry import guards
from lantern.cases import services
from lantern.cases.charts import team_chart
from lantern.oversight import team
from lantern.oversight.chains import escalation_raise
from lantern.oversight.forms_team import EscalateForm, ReallocateForm, SignOffForm
from lantern.web.actor import signed_in_user
from lantern.web.charts import bar_chart
from lantern.web.forms import apply_errors


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form's data on a POST, even an empty one (no radio chosen), so the services' messages are shown."""
    return request.POST if request.method == "POST" else None


def _back(request: HttpRequest, default: str) -> tuple[str, str]:
    """The drill-down an action returns to (`?next=` names a figure; anything else is ignored), and its title."""
    figure = team.FIGURES.get(request.GET.get("next", "")) or team.FIGURES[default]
    return reverse("oversight:team_figure", args=[figure.slug]), figure.title


@guards(Category.CASE, Category.PERSON, Category.TRAINING)
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    board = team.dashboard(actor=signed_in_user(request))
    others = [(figure, board.counts[slug]) for slug, figure in team.FIGURES.items() if slug not in team.CHARTED]
    context = {
        "board": board,
        "figures": others,
        "caseload_chart": bar_chart([(load.name, len(load.cases)) for load in board.caseloads]),
        "rule_chart": team_chart([(r.rule, r.overdue, r.due_soon) for r in board.deadlines]),
    }
    return render(request, "oversight/team/dashboard.html", context)


@guards(Category.CASE, Category.TRAINING)
@login_required
def download(request: HttpRequest) -> HttpResponse:
    board = team.dashboard(actor=signed_in_user(request))
    response = HttpResponse(team.dashboard_csv(board), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="team-dashboard.csv"'
    return response


@guards(Category.CASE, Category.PERSON)
@login_required
def figure(request: HttpRequest, slug: str) -> HttpResponse:
    chosen = team.FIGURES.get(slug)
    if chosen is None:
        raise Http404
    reach, rows = team.figure_rows(actor=signed_in_user(request), figure=chosen)
    context = {"figure": chosen, "team": reach, "rows": rows, "part": f"oversight/team/figures/{chosen.slug}.html"}
    if chosen.slug == "deadlines":
        rule = request.GET.get("rule", "")
        shown = [item for item in rows if item.rule == rule] if rule else rows
        context |= {"rule": rule, "overdue": [i for i in shown if i.overdue(reach.now)],
                    "due_soon": [i for i in shown if i.due_soon(reach.now)]}  # fmt: skip
    return render(request, "oversight/team/figure.html", context)


@guards(Category.CASE, Category.PERSON)
@login_required
def reallocate(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    reach, case = team.case_to_act_on(actor=actor, case_id=case_id, purpose="allocate a lead practitioner")
    back, back_title = _back(request, "caseloads")
    loads = Counter(reach.open_cases.values_list("lead_practitioner_id", flat=True))
    form = ReallocateForm(_posted(request), staff=reach.staff, loads=loads,
                          initial={"practitioner": case.lead_practitioner_id})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.allocate(actor=actor, case=case, **form.data_for_service())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            lead = team.display_name(case.lead_practitioner)
            messages.success(request, f"{lead} now leads case {case.pk} ({case.child.display_name}).")
            return redirect(back)
    return render(request, "oversight/team/reallocate.html",
                  {"case": case, "form": form, "back": back, "back_title": back_title})  # fmt: skip


@guards(Category.CASE, Category.PERSON)
@login_required
def sign_off(request: HttpRequest, referral_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    referral = team.referral_to_sign_off(actor=actor, referral_id=referral_id)
    back, back_title = _back(request, "nfa")
    form = SignOffForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            again = services.referral_nfa_review(actor=actor, referral=referral, **form.data_for_service())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            child = referral.case.child.display_name
            if again is None:
                messages.success(request, f"You signed off no further action on case {referral.case_id} ({child}).")
            else:
                messages.success(request, f"A new referral for {child} is recorded on case {again.case_id}: a "
                                 "decision is due within 1 working day (rule WT-REF-DECIDE-1).")  # fmt: skip
            return redirect(back)
    return render(request, "oversight/team/sign_off.html",
                  {"referral": referral, "form": form, "back": back, "back_title": back_title})  # fmt: skip


@guards(Category.CASE, Category.PERSON)
@login_required
def escalate(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    case, item = team.item_to_escalate(
        actor=actor, case_id=case_id, rule=request.GET.get("rule", ""), item_key=request.GET.get("item", "")
    )
    back, back_title = _back(request, "deadlines")
    form = EscalateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            raised = escalation_raise(actor=actor, case=case, rule=item.rule, item_key=item.key, label=item.label,
                                      **form.data_for_service())  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            names = ", ".join(team.display_name(e.recipient) for e in raised) or "nobody new"
            messages.success(request, f"Escalated: {item.label} on case {case.pk}, to {names}.")
            return redirect(back)
    context = {"case": case, "item": item, "form": form, "back": back, "back_title": back_title,
               "next_level": team.next_level(case=case, item=item)}  # fmt: skip
    return render(request, "oversight/team/escalate.html", context)


urlpatterns: list[URLPattern] = [
    path("oversight/team/", dashboard, name="team"),
    path("oversight/team/figures.csv", download, name="team_csv"),
    path("oversight/team/cases/<int:case_id>/reallocate/", reallocate, name="team_reallocate"),
    path("oversight/team/referrals/<int:referral_id>/sign-off/", sign_off, name="team_sign_off"),
    path("oversight/team/escalate/<int:case_id>/", escalate, name="team_escalate"),
    path("oversight/team/<slug:slug>/", figure, name="team_figure"),
]
