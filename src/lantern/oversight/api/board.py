"""The partnership board's figures as JSON, for partners' own reporting tools: each panel of /oversight/board/,
suppressed exactly as the page shows it (a count the caller may not see is the string "c", as in the DfE's own
files; a share behind a hidden count is null). `?period=` takes "12m" (the default: the last 12 months) or a
quarter such as "2026-Q3"; /board/periods lists them. The locality map's figures are the locality API's
(/api/v1/locality/profile).

GET /api/v1/oversight/board/periods
GET /api/v1/oversight/board/timeliness[?period=&rule=]
GET /api/v1/oversight/board/comparators
GET /api/v1/oversight/board/referrals[?period=]
GET /api/v1/oversight/board/intelligence[?period=]
GET /api/v1/oversight/board/nfa[?period=]
GET /api/v1/oversight/board/rhi[?period=]
GET /api/v1/oversight/board/screening-levels[?period=]
GET /api/v1/oversight/board/training
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from lantern.access.policy import Action, Category, require
from lantern.access.registry import guards
from lantern.accounts.models import User
from lantern.oversight import board
from lantern.web.actor import signed_in_user

router = Router()

CountOut = int | str
PERIOD_HELP = 'the last 12 months ("12m", the default) or a quarter such as "2026-Q3"'


def _month(month: dt.date | None) -> str | None:
    return month.strftime("%Y-%m") if month else None


def _asked(request: HttpRequest, key: str | None, purpose: str) -> tuple[User, board.Period]:
    """The caller, checked before the period they ask for (so a refusal is a refusal, whatever they asked)."""
    actor = signed_in_user(request)
    require(actor, Action.VIEW, Category.AGGREGATE, purpose=purpose)
    return actor, board.period_for(key)


class PeriodOut(Schema):
    key: str
    label: str
    first: dt.date
    last: dt.date


class TimingOut(Schema):
    month: str | None = Field(description="YYYY-MM the work fell due; null for the whole period")
    agency: str | None = Field(description="the agency whose work it is; null for every agency")
    on_time: CountOut
    late: CountOut
    overdue: CountOut = Field(description="still open and overdue")
    total: CountOut
    share_on_time: float | None

    @staticmethod
    def of(row: board.TimingRow) -> TimingOut:
        return TimingOut(month=_month(row.month), agency=row.agency or None, on_time=row.on_time, late=row.late,
                         overdue=row.overdue, total=row.total, share_on_time=row.share)  # fmt: skip


class PublishedOut(Schema):
    rule: str
    measure: str
    period: str = Field(description="the DfE file's time_period: the year ending 31 March")
    level: str
    area_code: str
    area_name: str
    within: int | None
    total: int | None
    share_within: float | None

    @staticmethod
    def of(figure: board.Published) -> PublishedOut:
        return PublishedOut(rule=figure.rule, measure=figure.measure, period=figure.period, level=figure.level,
                            area_code=figure.area_code, area_name=figure.area_name, within=figure.within,
                            total=figure.total, share_within=figure.share)  # fmt: skip


class RuleOut(Schema):
    rule: str
    title: str
    starts: str
    done: str
    note: str
    whole: TimingOut
    months: list[TimingOut]
    agencies: list[TimingOut]
    by_month_and_agency: list[TimingOut]
    published: list[PublishedOut] = Field(description="England's, the region's and our authority's latest figures")

    @staticmethod
    def of(rule: board.RuleTimeliness) -> RuleOut:
        return RuleOut(
            rule=rule.rule, title=rule.title, starts=rule.starts, done=rule.done, note=rule.note,
            whole=TimingOut.of(rule.whole), months=[TimingOut.of(r) for r in rule.months],
            agencies=[TimingOut.of(r) for r in rule.agencies],
            by_month_and_agency=[TimingOut.of(r) for r in rule.rows],
            published=[PublishedOut.of(p) for p in rule.published],
        )  # fmt: skip


class SourceOut(Schema):
    source: str
    label: str
    referrals: CountOut
    cse_referrals: CountOut
    screenings: CountOut
    strategy_discussions: CountOut


class IntelOut(Schema):
    shared_by: str = Field(description='an agency\'s code, "public", or "total"')
    label: str
    submitted: CountOut
    triaged: CountOut
    outcome: CountOut
    acted_on: CountOut
    no_further_action: CountOut
    share_acted_on: float | None


class NfaOut(Schema):
    month: str | None
    decided: CountOut
    closed_nfa: CountOut
    share_nfa: float | None


class LevelOut(Schema):
    month: str
    at_risk: CountOut
    moderate: CountOut
    significant: CountOut
    serious: CountOut
    total: CountOut


class TrainingOut(Schema):
    agency: str
    role: str
    staff: CountOut
    current: CountOut
    lapsing: CountOut
    lapsed: CountOut
    never: CountOut
    share_current: float | None


@router.get("/board/periods", response=list[PeriodOut], summary="The periods the board's figures can cover")
@guards(Category.AGGREGATE)
def periods(request: HttpRequest) -> list[PeriodOut]:
    require(signed_in_user(request), Action.VIEW, Category.AGGREGATE, purpose="partnership board: periods")
    return [PeriodOut(key=p.key, label=p.label, first=p.first, last=p.last) for p in board.periods()]


@router.get("/board/timeliness", response=list[RuleOut], summary="Work on time, late and overdue under each rule")
@guards(Category.AGGREGATE, Category.SMALL_NUMBERS)
def timeliness(request: HttpRequest, period: str | None = None, rule: str | None = None) -> list[RuleOut]:
    actor, chosen = _asked(request, period, "partnership board: timeliness")
    if rule is not None and rule not in board.TIMED:
        raise ValidationError({"rule": f"Choose one of the rules the board sees: {', '.join(board.TIMED)}"})
    rules = board.board_timeliness(actor=actor, period=chosen, rules=[rule] if rule else None)
    return [RuleOut.of(r) for r in rules]


@router.get("/board/comparators", response=list[PublishedOut], summary="England's and the region's published figures")
@guards(Category.AGGREGATE)
def comparators(request: HttpRequest) -> list[PublishedOut]:
    return [PublishedOut.of(p) for p in board.board_comparators(actor=signed_in_user(request))]


@router.get("/board/referrals", response=list[SourceOut], summary="CSE referrals, screenings and strategy by source")
@guards(Category.AGGREGATE, Category.SMALL_NUMBERS)
def referrals(request: HttpRequest, period: str | None = None) -> list[SourceOut]:
    actor, chosen = _asked(request, period, "partnership board: referrals, screenings and strategy discussions")
    return [
        SourceOut(source=r.source, label=r.label, referrals=r.referrals, cse_referrals=r.cse_referrals,
                  screenings=r.screenings, strategy_discussions=r.strategy_discussions)
        for r in board.board_referrals(actor=actor, period=chosen)
    ]  # fmt: skip


@router.get("/board/intelligence", response=list[IntelOut], summary="Intelligence shared and acted on, by agency")
@guards(Category.AGGREGATE, Category.SMALL_NUMBERS)
def intelligence(request: HttpRequest, period: str | None = None) -> list[IntelOut]:
    actor, chosen = _asked(request, period, "partnership board: intelligence by agency")
    return [
        IntelOut(shared_by=r.key, label=r.label, submitted=r.submitted, triaged=r.triaged, outcome=r.outcome,
                 acted_on=r.acted_on, no_further_action=r.no_further_action, share_acted_on=r.share_acted_on)
        for r in board.board_intelligence(actor=actor, period=chosen)
    ]  # fmt: skip


@router.get("/board/nfa", response=list[NfaOut], summary="CSE referrals closed with no further action, by month")
@guards(Category.AGGREGATE, Category.SMALL_NUMBERS)
def nfa(request: HttpRequest, period: str | None = None) -> list[NfaOut]:
    actor, chosen = _asked(request, period, "partnership board: CSE referrals closed with no further action")
    return [
        NfaOut(month=_month(r.month), decided=r.decided, closed_nfa=r.closed_nfa, share_nfa=r.share)
        for r in board.board_nfa(actor=actor, period=chosen)
    ]


@router.get("/board/rhi", response=RuleOut, summary="Return home interviews within 72 hours, by month")
@guards(Category.AGGREGATE, Category.SMALL_NUMBERS)
def rhi(request: HttpRequest, period: str | None = None) -> RuleOut:
    actor, chosen = _asked(request, period, "partnership board: return home interviews")
    return RuleOut.of(board.board_rhi(actor=actor, period=chosen))


@router.get("/board/screening-levels", response=list[LevelOut], summary="Children at each screening level, by month")
@guards(Category.AGGREGATE, Category.SMALL_NUMBERS)
def screening_levels(request: HttpRequest, period: str | None = None) -> list[LevelOut]:
    actor, chosen = _asked(request, period, "partnership board: children at each screening level")
    return [
        LevelOut(month=r.month.strftime("%Y-%m"), at_risk=r.at_risk, moderate=r.moderate, significant=r.significant,
                 serious=r.serious, total=r.total)
        for r in board.board_screening_levels(actor=actor, period=chosen)
    ]  # fmt: skip


@router.get("/board/training", response=list[TrainingOut], summary="CSE training coverage by agency and role")
@guards(Category.AGGREGATE, Category.SMALL_NUMBERS)
def training(request: HttpRequest) -> list[TrainingOut]:
    return [
        TrainingOut(agency=r.agency, role=r.role, staff=r.staff, current=r.current, lapsing=r.lapsing,
                    lapsed=r.lapsed, never=r.never, share_current=r.share)
        for r in board.board_training(actor=signed_in_user(request))
    ]  # fmt: skip
