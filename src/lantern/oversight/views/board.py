"""The partnership board's dashboard: aggregates only, each panel's chart first and its numbers in a table beneath,
over the last 12 months or a quarter; every figure as CSV; printed, a clean quarterly report (the print stylesheet
in web/scss/_print.scss). Thin: every figure is `oversight.board`'s, already suppressed for the viewer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from lantern.access.policy import Category
from lantern.access.registry import guards
from lantern.locality import charts as locality_charts
from lantern.locality.profiles import SUPPRESSED
from lantern.oversight import board
from lantern.oversight.board import Count_, Period, TimingRow
from lantern.screening.enums import Level
from lantern.web.actor import signed_in_user
from lantern.web.charts import BarChart, bar_chart
from lantern.web.forms import GovukForm


class PeriodForm(GovukForm):
    period = forms.ChoiceField(label="Show the figures for", required=False)

    def __init__(self, *args: Any, choices: Sequence[Period], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["period"])
        field.choices = [(p.key, p.label) for p in choices]
        field.error_messages["invalid_choice"] = "Choose the last 12 months or one of the quarters in the list"


def _period(request: HttpRequest) -> tuple[Period, PeriodForm]:
    """The period asked for; an unknown one is an error on the form, and the default period is shown."""
    choices = board.periods()
    form = PeriodForm(request.GET or None, choices=choices)
    key = form.cleaned_data.get("period") if form.is_bound and form.is_valid() else None
    return board.period_for(key or None), form


def _percent_bars(rows: Sequence[tuple[str, float | None]]) -> BarChart | None:
    """Bars of whole percentages; a share that is hidden or has nothing behind it has no bar (the table says why)."""
    return bar_chart([(label, round(share * 100)) for label, share in rows if share is not None])


def _count_bars(rows: Sequence[tuple[str, Count_]]) -> BarChart | None:
    return bar_chart([(label, n) for label, n in rows if isinstance(n, int)])


def _month(row: TimingRow | board.NfaRow | board.LevelRow) -> str:
    return row.month.strftime("%b %Y") if row.month else "Whole period"


def _timeliness(rules: list[board.RuleTimeliness], borough: str) -> dict[str, Any]:
    comparisons = []
    for rule in rules:
        if rule.published:
            ours = [(f"{borough} ({rule.rule}, this period)", rule.whole.share)]
            theirs = [(f"{p.area_name}, year to March {p.year_ending}", p.share) for p in rule.published]
            comparisons.append((rule, _percent_bars(ours + theirs)))
    return {
        "timeliness": [(rule, _percent_bars([(_month(m), m.share) for m in rule.months])) for rule in rules],
        "timeliness_chart": _percent_bars([(rule.rule, rule.whole.share) for rule in rules]),
        "comparisons": comparisons,
    }


@guards(Category.AGGREGATE)
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    period, form = _period(request)
    rules = board.board_timeliness(actor=actor, period=period)
    rhi = next(rule for rule in rules if rule.rule == "MISS-RHI-72H")
    referrals = board.board_referrals(actor=actor, period=period)
    intelligence = board.board_intelligence(actor=actor, period=period)
    nfa = board.board_nfa(actor=actor, period=period)
    levels = board.board_screening_levels(actor=actor, period=period)
    training = board.board_training(actor=actor)
    profile = board.board_map(actor=actor)
    latest = levels[-1]
    context = {
        "form": form,
        "period": period,
        "suppressed": SUPPRESSED,
        "suppressed_view": profile.suppressed_view,
        "printed_on": timezone.localdate(),
        **_timeliness(rules, profile.area_name),
        "rhi": rhi,
        "rhi_chart": _percent_bars([(_month(m), m.share) for m in rhi.months]),
        "referrals": referrals,
        "referrals_chart": _count_bars([(r.label, r.cse_referrals) for r in referrals if r.source != board.TOTAL]),
        "intelligence": intelligence,
        "intelligence_chart": _count_bars([(r.label, r.submitted) for r in intelligence if r.key != board.TOTAL]),
        "nfa": nfa,
        "nfa_chart": _percent_bars([(_month(row), row.share) for row in nfa[:-1]]),
        "levels": levels,
        "levels_chart": _count_bars([(level.label, getattr(latest, level.value)) for level in Level]),
        "level_labels": [level.label for level in Level],
        "training": training,
        "training_chart": _percent_bars([(f"{t.agency_name}: {t.role_label}", t.share) for t in training]),
        "profile": profile,
        "map": locality_charts.map_picture(profile.map_areas),
        "map_rows": sorted(profile.map_areas, key=lambda a: (a.cell.rate is None, -(a.cell.rate or 0.0), a.name)),
        "legend": locality_charts.legend(profile.map_areas),
        "no_figure": locality_charts.NO_FIGURE,
        "voice": board.board_voice(actor=actor, period=period),
    }
    return render(request, "oversight/board/dashboard.html", context)


@guards(Category.AGGREGATE)
@login_required
def download(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    period, _ = _period(request)
    response = HttpResponse(board.board_csv(actor=actor, period=period), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="partnership-board-{period.key}.csv"'
    return response


urlpatterns: list[URLPattern] = [
    path("oversight/board/", dashboard, name="board"),
    path("oversight/board/export.csv", download, name="board_csv"),
]
