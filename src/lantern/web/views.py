from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.access.policy import POLICY, Action, Category, require, role_of
from lantern.access.registry import guards, no_personal_data
from lantern.calendar.deadlines import RULES
from lantern.cases.enums import Stage
from lantern.cases.selectors import cse_nfa_decisions, overdue_by_rule, stage_counts
from lantern.people.selectors import people_count_by_kind
from lantern.web.actor import signed_in_user
from lantern.web.charts import bar_chart


def access_summary(role: object) -> list[str]:
    """Plain-English lines generated from the policy table itself, so they cannot drift from it."""
    lines = []
    for grant in POLICY:
        if role not in grant.roles:
            continue
        actions = ", ".join(sorted(a.value for a in grant.actions))
        condition = (" when " + " and ".join(c.label for c in grant.when)) if grant.when else ""
        lines.append(f"{actions.capitalize()} {grant.category.label}{condition}.")
    return lines


@no_personal_data
@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = role_of(request.user)
    return render(request, "web/home.html", {"role": role, "access_lines": access_summary(role)})


@guards(Category.AGGREGATE)
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    require(signed_in_user(request), Action.VIEW, Category.AGGREGATE, purpose="borough overview")
    counts = people_count_by_kind()
    stages = [(Stage(stage).label, n) for stage, n in stage_counts().items()]
    overdue = [(rule, RULES[rule].title if rule in RULES else rule, n) for rule, n in overdue_by_rule().items()]
    context = {
        "counts": counts,
        "total": sum(counts.values()),
        "stages": stages,
        "stage_chart": bar_chart(stages),
        "overdue": overdue,
        "overdue_chart": bar_chart([(rule, n) for rule, _, n in overdue]),
        "manager_decisions": cse_nfa_decisions(),
    }
    return render(request, "web/overview.html", context)
