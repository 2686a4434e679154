from __future__ import annotations

from collections.abc import Hashable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.access.policy import POLICY, Action, Category, can, require, role_of
from lantern.access.registry import guards, no_personal_data
from lantern.calendar.deadlines import RULES
from lantern.cases.enums import Stage
from lantern.cases.selectors import cse_nfa_decisions, overdue_by_rule, stage_counts
from lantern.locality.profiles import SUPPRESSED
from lantern.locality.suppression import Line, suppress
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
    actor = signed_in_user(request)
    require(actor, Action.VIEW, Category.AGGREGATE, purpose="borough overview")
    full = can(actor, Action.VIEW, Category.SMALL_NUMBERS)
    people = people_count_by_kind()
    counts = shown({**people, "total": sum(people.values())}, [Line("total", list(people))], full=full)
    stages = shown({Stage(stage).label: n for stage, n in stage_counts().items()}, [], full=full)
    overdue = shown(overdue_by_rule(), [], full=full)
    context = {
        "counts": counts,
        "suppressed_view": not full,
        "suppressed": SUPPRESSED,
        "stages": list(stages.items()),
        "stage_chart": bar_chart([(label, n) for label, n in stages.items() if isinstance(n, int)]),
        "overdue": [(rule, RULES[rule].title if rule in RULES else rule, n) for rule, n in overdue.items()],
        "overdue_chart": bar_chart([(rule, n) for rule, n in overdue.items() if isinstance(n, int)]),
        "manager_decisions": shown(cse_nfa_decisions(), [], full=full),
    }
    return render(request, "web/overview.html", context)


def shown(counts: dict[str, int], lines: list[Line], *, full: bool) -> dict[str, int | str]:
    """The counts as the viewer may see them: for a viewer without small numbers, a count of 1 to 5, or one that
    would give such a count away from the total shown beside it, becomes "c"."""
    table: dict[Hashable, int | None] = dict(counts.items())
    hidden = set() if full else suppress(table, lines)
    return {key: SUPPRESSED if key in hidden else n for key, n in counts.items()}
