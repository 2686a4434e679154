"""Every figure on the partnership board's dashboard equals an independent count over the demo borough.

One module-scoped Kestrelmoor serves every test (as tests/demo/test_cases_demo.py), rolled back when the module
ends. The figures are read as tm1, who may see small numbers, so nothing is suppressed; each is counted again here
a different way: model instances walked in Python (or raw SQL) instead of the selectors' value lists and database
aggregates, every due date from `deadlines.due` afresh (intelligence triage's from the rule's own unit, not the
due moment stored on the report), months in London time.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from lantern.accounts.models import Agency, User
from lantern.calendar.deadlines import due
from lantern.calendar.workdays import LONDON, end_of_day
from lantern.cases.models import (
    Assessment,
    Conference,
    MissingEpisode,
    ProtectionPlan,
    Reassurance,
    Referral,
    Section47Enquiry,
    StrategyDiscussion,
)
from lantern.demo import generator
from lantern.intel.models import IntelReport
from lantern.intel.rules import LANTERN_INTEL_24H
from lantern.oversight import board
from lantern.oversight.board import Period
from lantern.screening.models import LevelDecision, Screening

pytestmark = pytest.mark.django_db

SEED = 11
Tally = Counter[tuple[dt.date, str, str]]


@pytest.fixture(scope="module")
def borough(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    with django_db_blocker.unblock(), transaction.atomic():
        counts = generator.generate(scale=1, seed=SEED)
        yield counts
        transaction.set_rollback(True)


@pytest.fixture
def tm1(borough: dict[str, int]) -> User:
    return User.objects.get(username="tm1")


def periods() -> list[str]:
    """The last 12 months, and the quarter before this one (whole months, all in the past)."""
    return ["12m", board.periods()[2].key]


def month_of(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date().replace(day=1)


class Counted:
    """Work counted the way the board says it is: in the month it fell due, by whose work it is."""

    def __init__(self, period: Period) -> None:
        self.period = period
        self.now = timezone.now()
        self.tally: Tally = Counter()

    def add(self, agency: str, due_at: dt.datetime, done_at: dt.datetime | None, still_open: bool) -> None:
        if month_of(due_at) not in self.period.months:
            return
        if done_at is None and due_at >= self.now:
            return
        if done_at is not None:
            how = "on_time" if done_at <= due_at else "late"
        else:
            how = "overdue" if still_open else "late"
        self.tally[(month_of(due_at), agency, how)] += 1


def at_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


def plan_ended_first(plan: ProtectionPlan, due_on: dt.date, done: object) -> bool:
    return done is None and plan.ended_on is not None and plan.ended_on <= due_on


def referral_steps(rule: Any) -> None:
    counted = rule("WT-REF-DECIDE-1")
    for r in Referral.objects.select_related("case__agency"):
        counted.add(r.case.agency.code, due("WT-REF-DECIDE-1", r.received_at).due_at(), r.decided_at,
                    r.case.closed_at is None)  # fmt: skip
    counted = rule("LOCAL-STRAT-3")
    for s in StrategyDiscussion.objects.select_related("case__agency"):
        when = due("LOCAL-STRAT-3", s.concerns_identified_at).due_at()
        if s.immediate_risk:
            when = end_of_day(s.concerns_identified_at.astimezone(LONDON).date())
        counted.add(s.case.agency.code, when, s.held_at, s.case.closed_at is None)
    counted, icpc = rule("LOCAL-S47-15"), rule("WT-ICPC-15")
    for e in Section47Enquiry.objects.select_related("case__agency"):
        counted.add(e.case.agency.code, due("LOCAL-S47-15", e.started_at).due_at(), e.outcome_at,
                    e.case.closed_at is None)  # fmt: skip
        held = sorted(c.held_on for c in Conference.objects.filter(enquiry=e, kind="initial"))
        if held or e.outcome == "icpc":
            icpc.add(e.case.agency.code, due("WT-ICPC-15", e.started_at).due_at(),
                     at_start(held[0]) if held else None, e.case.closed_at is None)  # fmt: skip
    counted = rule("WT-ASSESS-45")
    for a in Assessment.objects.select_related("case__agency", "referral"):
        counted.add(a.case.agency.code, due("WT-ASSESS-45", a.referral.received_at).due_at(), a.authorised_at,
                    a.case.closed_at is None)  # fmt: skip


def plan_steps(rule: Any) -> None:
    first_review, first_core = rule("WT-RCPC-3M"), rule("WT-CORE-10")
    further, core = rule("WT-RCPC-6M"), rule("LOCAL-CORE-4W")
    for plan in ProtectionPlan.objects.select_related("case__agency"):
        agency, live = plan.case.agency.code, plan.ended_on is None and plan.case.closed_at is None
        reviews = sorted(plan.reviews.filter(kind="review"), key=lambda c: (c.held_on, c.pk))
        meetings = sorted(plan.core_groups.all(), key=lambda m: (m.held_on, m.pk))
        for tally, rule_id, start, done in (
            (first_review, "WT-RCPC-3M", plan.started_on, reviews[0].held_on if reviews else None),
            (first_core, "WT-CORE-10", plan.started_on, meetings[0].held_on if meetings else None),
        ):
            deadline = due(rule_id, start)
            if not plan_ended_first(plan, deadline.due, done):
                tally.add(agency, deadline.due_at(), at_start(done) if done else None, live)
        for items, tally, rule_id in ((reviews, further, "WT-RCPC-6M"), (meetings, core, "LOCAL-CORE-4W")):
            for index, item in enumerate(items):
                if getattr(item, "decision", "") == "end_plan":
                    continue
                following = items[index + 1].held_on if index + 1 < len(items) else None
                deadline = due(rule_id, item.held_on)
                if not plan_ended_first(plan, deadline.due, following):
                    tally.add(agency, deadline.due_at(), at_start(following) if following else None, live)


def child_steps(rule: Any) -> None:
    counted = rule("MISS-RHI-72H")
    for m in MissingEpisode.objects.select_related("case__agency").exclude(returned_at=None):
        counted.add(m.case.agency.code, due("MISS-RHI-72H", m.returned_at).due_at(), m.rhi_held_at,
                    m.case.closed_at is None)  # fmt: skip
    counted = rule("LANTERN-REASSURE")
    for r in Reassurance.objects.select_related("case__agency").filter(flagged=True):
        counted.add(r.case.agency.code, due("LANTERN-REASSURE", r.recorded_at).due_at(), r.acknowledged_at,
                    r.case.closed_at is None)  # fmt: skip
    counted = rule("LANTERN-INTEL-24H")
    for report in IntelReport.objects.select_related("graded_by__agency"):
        triager = report.graded_by.agency.code if report.graded_by else settings.LANTERN_PUBLIC_REPORTS_AGENCY
        counted.add(triager, LANTERN_INTEL_24H.due(received_at=report.received_at, risk=report.risk),
                    report.graded_at, True)  # fmt: skip


def expected_timeliness(period: Period) -> dict[str, Tally]:
    found: dict[str, Tally] = {}

    def rule(rule_id: str) -> Counted:
        counted = Counted(period)
        found[rule_id] = counted.tally
        return counted

    referral_steps(rule)
    plan_steps(rule)
    child_steps(rule)
    return found


@pytest.mark.parametrize("key", periods())
def test_timeliness_by_rule_month_and_agency_equals_an_independent_count(tm1: User, key: str) -> None:
    period = board.period_for(key)
    rules = board.board_timeliness(actor=tm1, period=period)
    expected = expected_timeliness(period)
    assert sorted(r.rule for r in rules) == sorted(expected)
    busy = 0
    for rule in rules:
        tally = expected[rule.rule]
        agencies = sorted({a for _, a, _ in tally})

        def count(month: dt.date | None, agency: str, how: str, tally: Tally = tally) -> int:
            return sum(n for (m, a, h), n in tally.items() if month in (None, m) and agency in ("", a)
                       and how in ("total", h))  # fmt: skip

        def figures(row: board.TimingRow) -> tuple[Any, ...]:
            return row.on_time, row.late, row.overdue, row.total

        def want(month: dt.date | None, agency: str) -> tuple[int, ...]:
            return tuple(count(month, agency, how) for how in ("on_time", "late", "overdue", "total"))

        assert figures(rule.whole) == want(None, ""), rule.rule
        assert [figures(r) for r in rule.months] == [want(m, "") for m in period.months], rule.rule
        assert [(r.agency, figures(r)) for r in rule.agencies] == sorted(
            ((a, want(None, a)) for a in agencies), key=lambda pair: Agency.objects.get(code=pair[0]).name
        ), rule.rule
        assert [(r.month, r.agency, figures(r)) for r in rule.rows] == (
            [(m, a, want(m, a)) for m in period.months for a in sorted(agencies, key=[r.agency for r in
                                                                                       rule.agencies].index)]
            if len(agencies) > 1 else []
        ), rule.rule  # fmt: skip
        busy += rule.whole.total != 0
    if key == "12m":
        # The demo has work under every rule in a year, and some of it late or overdue under several.
        assert busy == len(rules)
        assert sum(1 for r in rules if r.whole.late or r.whole.overdue) >= 5


def test_rhi_panel_is_the_72_hour_rules_figures_by_month(tm1: User) -> None:
    period = board.period_for("12m")
    rhi = board.board_rhi(actor=tm1, period=period)
    expected = expected_timeliness(period)["MISS-RHI-72H"]
    for row in rhi.months:
        mine = {h: n for (m, _, h), n in expected.items() if m == row.month}
        assert (row.on_time, row.late, row.overdue) == (
            mine.get("on_time", 0),
            mine.get("late", 0),
            mine.get("overdue", 0),
        )
    returned = MissingEpisode.objects.exclude(returned_at=None)
    assert rhi.whole.total <= returned.count()
    assert rhi.whole.total > 0


def in_period(moment: dt.datetime | None, period: Period) -> bool:
    return moment is not None and period.start_at <= moment < period.until


@pytest.mark.parametrize("key", periods())
def test_referrals_screenings_and_strategy_by_source_equal_an_independent_count(tm1: User, key: str) -> None:
    period = board.period_for(key)
    rows = {r.source: r for r in board.board_referrals(actor=tm1, period=period)}
    referrals, cse, screenings, strategy = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    for r in Referral.objects.all():
        if in_period(r.received_at, period):
            referrals[r.source_kind] += 1
            cse[r.source_kind] += bool(r.cse_indicators) or r.names_exploiting_adults
    for screening in Screening.objects.prefetch_related("indicators__agency"):
        first = min(screening.indicators.all(), key=lambda i: (i.raised_at, i.pk), default=None)
        if first is not None and in_period(first.raised_at, period):
            kind = first.agency.kind
            screenings["other" if kind == "partnership" else kind] += 1
    for s in StrategyDiscussion.objects.select_related("referral"):
        if in_period(s.concerns_identified_at, period):
            strategy[s.referral.source_kind if s.referral else "other"] += 1
    for source, row in rows.items():
        if source == board.TOTAL:
            continue
        assert (row.referrals, row.cse_referrals, row.screenings, row.strategy_discussions) == (
            referrals[source],
            cse[source],
            screenings[source],
            strategy[source],
        ), source
    total = rows[board.TOTAL]
    assert (total.referrals, total.cse_referrals, total.screenings, total.strategy_discussions) == (
        referrals.total(),
        cse.total(),
        screenings.total(),
        strategy.total(),
    )
    if key == "12m":
        assert total.cse_referrals > 0
        assert total.screenings > 0
        assert total.strategy_discussions > 0


@pytest.mark.parametrize("key", periods())
def test_intelligence_by_agency_equals_raw_sql(tm1: User, key: str) -> None:
    period = board.period_for(key)
    rows = {r.key: r for r in board.board_intelligence(actor=tm1, period=period)}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT CASE WHEN r.source = 'public' THEN 'public' ELSE a.code END,
                   COUNT(*),
                   SUM(CASE WHEN r.graded_at IS NOT NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN r.outcome <> '' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN r.outcome IN ('shared', 'referral', 'strategy') THEN 1 ELSE 0 END),
                   SUM(CASE WHEN r.outcome = 'nfa' THEN 1 ELSE 0 END)
            FROM intel_intelreport r JOIN accounts_agency a ON a.id = r.agency_id
            WHERE r.received_at >= %s AND r.received_at < %s
            GROUP BY 1
            """,
            [period.start_at, period.until],
        )
        expected = {key: tuple(int(n) for n in counts) for key, *counts in cursor.fetchall()}
    partners = set(Agency.objects.exclude(kind="partnership").values_list("code", flat=True))
    assert set(rows) == partners | {"public", board.TOTAL}
    for key_, row in rows.items():
        if key_ == board.TOTAL:
            continue
        got = (row.submitted, row.triaged, row.outcome, row.acted_on, row.no_further_action)
        assert got == expected.get(key_, (0, 0, 0, 0, 0)), key_
    total = rows[board.TOTAL]
    assert total.submitted == sum(v[0] for v in expected.values())
    assert total.acted_on == sum(v[3] for v in expected.values())
    assert total.share_acted_on == pytest.approx(total.acted_on / total.outcome)


@pytest.mark.parametrize("key", periods())
def test_cse_referrals_closed_nfa_by_month_equal_an_independent_count(tm1: User, key: str) -> None:
    period = board.period_for(key)
    rows = board.board_nfa(actor=tm1, period=period)
    decided, nfa = Counter[dt.date](), Counter[dt.date]()
    for r in Referral.objects.exclude(decision=""):
        if r.cse_indicators and in_period(r.decided_at, period):
            assert r.decided_at is not None
            decided[month_of(r.decided_at)] += 1
            nfa[month_of(r.decided_at)] += r.decision == "nfa"
    assert [(r.month, r.decided, r.closed_nfa) for r in rows] == [
        *((m, decided[m], nfa[m]) for m in period.months),
        (None, decided.total(), nfa.total()),
    ]
    if key == "12m":
        assert rows[-1].closed_nfa >= 1  # the demo's CSE referral closed by tm1 with her reason


@pytest.mark.parametrize("key", periods())
def test_children_at_each_screening_level_equal_an_independent_count(tm1: User, key: str) -> None:
    period = board.period_for(key)
    rows = board.board_screening_levels(actor=tm1, period=period)
    decisions = list(LevelDecision.objects.order_by("decided_at", "pk"))
    now = timezone.now()
    for row in rows:
        following = (row.month + dt.timedelta(days=31)).replace(day=1)
        moment = min(dt.datetime.combine(following, dt.time.min, tzinfo=LONDON), now)
        latest: dict[int, str] = {}
        for decision in decisions:
            if decision.decided_at < moment:
                latest[decision.screening_id] = decision.level
        levels = Counter(latest.values())
        assert (row.at_risk, row.moderate, row.significant, row.serious, row.total) == (
            levels["at_risk"],
            levels["moderate"],
            levels["significant"],
            levels["serious"],
            len(latest),
        ), row.month
    if key == "12m":
        assert rows[-1].total == Screening.objects.filter(decisions__isnull=False).distinct().count() > 0


def test_training_coverage_counts_every_member_of_staff_once(tm1: User) -> None:
    rows = board.board_training(actor=tm1)
    for row in rows:
        assert isinstance(row.staff, int)
        assert row.staff == User.objects.filter(agency__code=row.agency, role=row.role, is_active=True).count()
        assert row.current + row.lapsed + row.never == row.staff  # type: ignore[operator]
    assert {(r.agency, r.role) for r in rows} >= {("csc", "social_worker"), ("police", "intelligence_analyst")}


def test_comparators_are_englands_and_the_regions_figures_as_held(tm1: User) -> None:
    shown = board.board_comparators(actor=tm1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT measure, period, area_code, within, total FROM oversight_comparatorfigure "
            "WHERE level = 'National' OR area_code = %s",
            [settings.LANTERN_REGION_CODE],
        )
        held = {tuple(row) for row in cursor.fetchall()}
    assert {(p.measure, p.period, p.area_code, p.within, p.total) for p in shown} == held
    assert len(held) == 12  # the demo's three years of both measures, for England and the region
    rules = {r.rule: r for r in board.board_timeliness(actor=tm1, period=board.period_for("12m"))}
    latest = max(p.year_ending for p in shown)
    beside = {(p.rule, p.area_code) for p in shown if p.year_ending == latest}
    assert {(p.rule, p.area_code) for r in rules.values() for p in r.published} == beside
    assert {p.rule for p in shown} == {"WT-ASSESS-45", "WT-ICPC-15"}


def test_the_page_and_csv_show_the_same_figures(tm1: User) -> None:
    client = Client()
    client.force_login(tm1)
    page = client.get("/oversight/board/?period=12m")
    assert page.status_code == 200
    text = page.content.decode()
    rules = board.board_timeliness(actor=tm1, period=board.period_for("12m"))
    for rule in rules:
        assert f'href="#rule-{rule.rule.lower()}"' in text
    assert "Yorkshire and The Humber, year to March" in text
    assert 'id="voice-heading"' in text
    export = client.get("/oversight/board/export.csv?period=12m")
    assert export.status_code == 200
    lines = export.content.decode().splitlines()
    intel = next(r for r in rules if r.rule == "LANTERN-INTEL-24H")
    assert f"timeliness,LANTERN-INTEL-24H,whole period,all,total,{intel.whole.total}" in lines


def test_the_periods_are_the_last_12_months_and_the_last_eight_quarters() -> None:
    choices = board.periods(dt.date(2026, 2, 10))
    assert [p.key for p in choices] == ["12m", "2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2", "2025-Q1", "2024-Q4",
                                        "2024-Q3", "2024-Q2"]  # fmt: skip
    year, this_quarter, last_quarter = choices[0], choices[1], choices[2]
    assert (year.first, year.last, len(year.months)) == (dt.date(2025, 3, 1), dt.date(2026, 2, 28), 12)
    assert this_quarter.label == "January to March 2026 (so far)"
    assert (last_quarter.label, last_quarter.first, last_quarter.last) == (
        "October to December 2025",
        dt.date(2025, 10, 1),
        dt.date(2025, 12, 31),
    )
    assert last_quarter.until == dt.datetime(2026, 1, 1, tzinfo=LONDON)
    assert board.period_for(None, dt.date(2026, 2, 10)) == year
    with pytest.raises(ValidationError) as refused:
        board.period_for("2019-Q1", dt.date(2026, 2, 10))
    assert "period" in refused.value.message_dict
