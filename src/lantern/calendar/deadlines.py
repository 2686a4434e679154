"""Every timescale in the rulebook (sections A, B and G), one named rule per id, and when each falls due.

The counting conventions are the rulebook's section F: working days per CAL-WORKING-DAY and CAL-COUNT-WD
(`lantern.calendar.workdays`), calendar months per CAL-MONTHS, clock hours per CAL-HOURS. A date deadline is
due by the end of that day in London; an hour deadline at its exact moment.

    >>> due("WT-ASSESS-45", dt.date(2025, 12, 19)).due
    datetime.date(2026, 2, 25)
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lantern.calendar.workdays import LONDON, add_working_days, end_of_day


class Basis(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    HOURS = "hours"
    MONTHS = "months"


class Status(StrEnum):
    """The rulebook's status of a rule (its header: STAT-GUIDANCE, LOCAL, CONVENTION; "Service standard")."""

    STAT_GUIDANCE = "STAT-GUIDANCE"
    LOCAL = "LOCAL"
    CONVENTION = "CONVENTION"
    SERVICE_STANDARD = "SERVICE-STANDARD"


class UnknownRule(ValueError):  # noqa: N818 - the name other apps code against
    """A rule id that is not a timescale in the rulebook."""


class NoNationalNumberError(ValueError):
    """A national rule that sets no number: the LOCAL rule named in the message supplies it."""


@dataclass(frozen=True)
class Deadline:
    """When a timescale falls due. `due` is a date for day and month rules (due by the end of that day, in
    London) and an aware London datetime for hour rules. `start` is the start given, a datetime converted to
    London time; for an hour rule a date start becomes 00:00 London."""

    rule: str  # rule id, e.g. "WT-ICPC-15"
    start: dt.date | dt.datetime
    due: dt.date | dt.datetime
    basis: Basis

    def due_at(self) -> dt.datetime:
        """The moment it falls due, in London: the end of the day for date rules, `due` itself for hours."""
        if isinstance(self.due, dt.datetime):
            return self.due
        return end_of_day(self.due)

    def as_json(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "basis": str(self.basis),
        }


@dataclass(frozen=True)
class TimescaleRule:
    id: str
    title: str
    basis: Basis
    amount: int  # the rulebook's number, in units of `basis` (LOCAL rules: the default)
    status: str  # a Status: STAT-GUIDANCE, LOCAL, CONVENTION or SERVICE-STANDARD
    setting: str | None  # the Django setting that overrides `amount` (LOCAL rules only)
    doc: str = ""  # the rule's docstring: the rulebook's wording, start, status and evidence

    def __post_init__(self) -> None:
        object.__setattr__(self, "doc", " ".join(self.doc.split()))  # one line, however the source wraps it

    def current_amount(self) -> int:
        """`amount`, or for a LOCAL rule the value of its setting now (in the setting's own unit: weeks for
        LANTERN_CORE_GROUP_WEEKS), converted to units of `basis`."""
        if self.setting is None:
            return self.amount
        value = getattr(settings, self.setting, None)
        if value is None:
            return self.amount
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ImproperlyConfigured(f"{self.setting} must be a whole number, 0 or more (it is {value!r})")
        return value * _DAYS_PER_SETTING_UNIT.get(self.setting, 1)


_DAYS_PER_SETTING_UNIT = {"LANTERN_CORE_GROUP_WEEKS": 7}


# --- A. Working Together to Safeguard Children 2023 ------------------------------------------------------

WT_REF_DECIDE_1 = TimescaleRule(
    id="WT-REF-DECIDE-1",
    title="Referral acknowledged and next steps decided",
    basis=Basis.WORKING_DAYS,
    amount=1,
    status=Status.STAT_GUIDANCE,
    setting=None,
    doc="""WT-REF-DECIDE-1 (STAT-GUIDANCE, VERIFIED). "An LA social worker acknowledges the referral and
    decides next steps and response type within 1 working day (WD). Start: LA children's social care receives
    the referral. Deadline: decision and acknowledgement recorded.\"""",
)

WT_ASSESS_45 = TimescaleRule(
    id="WT-ASSESS-45",
    title="Assessment completed",
    basis=Basis.WORKING_DAYS,
    amount=45,
    status=Status.STAT_GUIDANCE,
    setting=None,
    doc="""WT-ASSESS-45 (STAT-GUIDANCE, VERIFIED). "The assessment concludes, so a decision on next steps is
    possible, within 45 WD. Start: point of referral (referral date, not allocation). Deadline: assessment
    completed/authorised. If exceeded, reasons must be recorded (mandatory field)." Bedford Borough: "no
    longer than 45 working days from the point of referral".""",
)

WT_ICPC_15 = TimescaleRule(
    id="WT-ICPC-15",
    title="Initial child protection conference",
    basis=Basis.WORKING_DAYS,
    amount=15,
    status=Status.STAT_GUIDANCE,
    setting=None,
    doc="""WT-ICPC-15 (STAT-GUIDANCE, VERIFIED). "Initial child protection conference (ICPC) within 15 WD.
    Start: the strategy discussion (if several, the one that initiated s47 enquiries)." DfE statistics count
    from the "start of section 47 enquiry": store both dates.""",
)

WT_RCPC_3M = TimescaleRule(
    id="WT-RCPC-3M",
    title="First review child protection conference",
    basis=Basis.MONTHS,
    amount=3,
    status=Status.STAT_GUIDANCE,
    setting=None,
    doc="""WT-RCPC-3M (STAT-GUIDANCE, VERIFIED). "First review conference within 3 calendar months of the
    ICPC." Counted per CAL-MONTHS: the corresponding date, else the last day of the month.""",
)

WT_RCPC_6M = TimescaleRule(
    id="WT-RCPC-6M",
    title="Further review child protection conference",
    basis=Basis.MONTHS,
    amount=6,
    status=Status.STAT_GUIDANCE,
    setting=None,
    doc="""WT-RCPC-6M (STAT-GUIDANCE, VERIFIED). "Further reviews at intervals of not more than 6 months from
    the previous review, while the plan lasts." Counted per CAL-MONTHS.""",
)

WT_CORE_10 = TimescaleRule(
    id="WT-CORE-10",
    title="First core group meeting",
    basis=Basis.WORKING_DAYS,
    amount=10,
    status=Status.STAT_GUIDANCE,
    setting=None,
    doc="""WT-CORE-10 (STAT-GUIDANCE, SECONDARY). "First core group meeting within 10 WD of the ICPC." Later
    frequency is LOCAL (LOCAL-CORE-4W).""",
)

# A's rules that set no national number: each names the LOCAL rule (section G) that supplies one. They are
# not in RULES, and `due()` refuses them naming that rule.
NATIONAL_WITHOUT_NUMBER: Mapping[str, str] = MappingProxyType(
    {
        # WT-STRATEGY (STAT-GUIDANCE): "A strategy discussion is held "as soon as possible" whenever there is
        # reasonable cause to suspect significant harm ... No national number."
        "WT-STRATEGY": "LOCAL-STRAT-3",
        # WT-S47 (STAT-GUIDANCE): "No separate national deadline. The enquiry runs through the assessment
        # (rule 4) and its outcome must be ready for the ICPC (rule 5)."
        "WT-S47": "LOCAL-S47-15",
        # WT-CP-VISITS (STAT-GUIDANCE): "No national statutory visit frequency for children on CP plans. The
        # plan or local policy sets it (LOCAL, configurable per LA and per plan)."
        "WT-CP-VISITS": "LOCAL-CPVISIT-10",
    }
)

# Rule ids in sections A, B, F and G that are not timescales: who may lead a case, and the counting
# conventions that every timescale here follows.
NOT_TIMESCALES = frozenset(
    {
        "WT-LEAD-PRACT",  # who the lead practitioner may be (lantern.cases)
        "CAL-WORKING-DAY",  # what a working day is (workdays.is_working_day)
        "CAL-SUBSTITUTE",  # which bank holidays move where (the `holidays` package)
        "CAL-COUNT-WD",  # how working days are counted (workdays.add_working_days)
        "CAL-MONTHS",  # how calendar months are counted (add_months)
        "CAL-HOURS",  # how clock hours are counted (add_hours)
    }
)

# --- B. Missing children ---------------------------------------------------------------------------------

MISS_RHI_72H = TimescaleRule(
    id="MISS-RHI-72H",
    title="Independent return interview",
    basis=Basis.HOURS,
    amount=72,
    status=Status.STAT_GUIDANCE,
    setting=None,
    doc="""MISS-RHI-72H (STAT-GUIDANCE, VERIFIED via reproductions). "Offer and hold an independent return
    interview within 72 clock hours (weekends and bank holidays count). Start: datetime the child returns to
    home or care. The child may decline: record reasons." CAL-HOURS: "counts clock hours, Europe/London,
    DST-aware", so 72 real hours, whatever the clocks do.""",
)

# --- G. Lantern's local defaults ---------------------------------------------------------------------------

LOCAL_STRAT_3 = TimescaleRule(
    id="LOCAL-STRAT-3",
    title="Strategy discussion",
    basis=Basis.WORKING_DAYS,
    amount=3,
    status=Status.LOCAL,
    setting="LANTERN_STRATEGY_WORKING_DAYS",
    doc="""LOCAL-STRAT-3 (LOCAL; supplies WT-STRATEGY's number). "Strategy discussion within 3 WD of
    child-protection concerns being identified (referral decision "strategy discussion", a CSE screening at
    "significant" or "serious", or an intelligence outcome "strategy discussion requested"). Where the child
    is at immediate risk the UI says "today".\"""",
)

LOCAL_S47_15 = TimescaleRule(
    id="LOCAL-S47-15",
    title="Section 47 enquiry outcome",
    basis=Basis.WORKING_DAYS,
    amount=15,
    status=Status.LOCAL,
    setting="LANTERN_S47_WORKING_DAYS",
    doc="""LOCAL-S47-15 (LOCAL; supplies WT-S47's number). "Section 47 enquiry outcome recorded within 15 WD
    of the strategy discussion that started it.\"""",
)

LOCAL_CPVISIT_10 = TimescaleRule(
    id="LOCAL-CPVISIT-10",
    title="Child protection visit",
    basis=Basis.WORKING_DAYS,
    amount=10,
    status=Status.LOCAL,
    setting="LANTERN_CP_VISIT_WORKING_DAYS",
    doc="""LOCAL-CPVISIT-10 (LOCAL; supplies WT-CP-VISITS's number). "Child on a CP plan seen at least every
    10 WD, and seen alone at least every other visit unless the plan records why not.\"""",
)

LOCAL_CORE_4W = TimescaleRule(
    id="LOCAL-CORE-4W",
    title="Core group meeting",
    basis=Basis.CALENDAR_DAYS,
    amount=28,
    status=Status.LOCAL,
    setting="LANTERN_CORE_GROUP_WEEKS",  # in weeks: 4 weeks is 28 calendar days
    doc="""LOCAL-CORE-4W (LOCAL; WT-CORE-10's later frequency). "Core group meets at least every 4 weeks after
    the first meeting." Four weeks are 28 calendar days.""",
)

LOCAL_OVERSIGHT_20 = TimescaleRule(
    id="LOCAL-OVERSIGHT-20",
    title="Manager's oversight",
    basis=Basis.WORKING_DAYS,
    amount=20,
    status=Status.LOCAL,
    setting="LANTERN_OVERSIGHT_WORKING_DAYS",
    doc="""LOCAL-OVERSIGHT-20 (LOCAL). "A manager's oversight entry on every open child-protection or CSE case
    at least every 20 WD.\"""",
)

LOCAL_DRIFT_10 = TimescaleRule(
    id="LOCAL-DRIFT-10",
    title="Drift alert",
    basis=Basis.WORKING_DAYS,
    amount=10,
    status=Status.LOCAL,
    setting="LANTERN_DRIFT_WORKING_DAYS",
    doc="""LOCAL-DRIFT-10 (LOCAL). "An open case with no recorded activity for 10 WD raises a drift
    alert.\"""",
)

LANTERN_INTEL_24H = TimescaleRule(
    id="LANTERN-INTEL-24H",
    title="High-risk intelligence triaged",
    basis=Basis.HOURS,
    amount=24,
    status=Status.SERVICE_STANDARD,
    setting=None,
    doc="""LANTERN-INTEL-24H (service standard). "Intelligence marked high risk is triaged within 24 clock
    hours of submission; other intelligence within 5 WD." This is the high-risk timescale; the 5 WD one
    depends on the report's risk and lives in lantern.intel.rules.LANTERN_INTEL_24H.""",
)

LANTERN_REASSURE = TimescaleRule(
    id="LANTERN-REASSURE",
    title="Broken reassurance flagged to the team manager",
    basis=Basis.CALENDAR_DAYS,
    amount=0,
    status=Status.SERVICE_STANDARD,
    setting=None,
    doc="""LANTERN-REASSURE (service standard). "A family reassurance or safety agreement recorded while an
    earlier one for the same child has been recorded as broken is flagged to the team manager the same day,
    with the history." Same day: 0 calendar days.""",
)

RULES: Mapping[str, TimescaleRule] = MappingProxyType(
    {
        timescale.id: timescale
        for timescale in (
            WT_REF_DECIDE_1,
            WT_ASSESS_45,
            WT_ICPC_15,
            WT_RCPC_3M,
            WT_RCPC_6M,
            WT_CORE_10,
            MISS_RHI_72H,
            LOCAL_STRAT_3,
            LOCAL_S47_15,
            LOCAL_CPVISIT_10,
            LOCAL_CORE_4W,
            LOCAL_OVERSIGHT_20,
            LOCAL_DRIFT_10,
            LANTERN_INTEL_24H,
            LANTERN_REASSURE,
        )
    }
)


def rule(rule_id: str) -> TimescaleRule:
    """The timescale rule with this id. A national rule with no number raises NoNationalNumberError naming the
    LOCAL rule that supplies it; any other unknown id raises UnknownRule listing the known ones."""
    try:
        return RULES[rule_id]
    except KeyError:
        pass
    if rule_id in NATIONAL_WITHOUT_NUMBER:
        local = NATIONAL_WITHOUT_NUMBER[rule_id]
        raise NoNationalNumberError(f"{rule_id} sets no national number: use the local rule {local}, which supplies it")
    raise UnknownRule(f"unknown rule {rule_id!r}; the known rules are: {', '.join(RULES)}")


def add_months(start: dt.date, months: int) -> dt.date:
    """CAL-MONTHS: the corresponding date `months` calendar months on, else the last day of that month
    (30 November + 3 months is 28 or 29 February). Never moved to a working day."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    month += 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_hours(start: dt.datetime, hours: int) -> dt.datetime:
    """CAL-HOURS: `hours` real elapsed hours after `start` (which must be aware), in London time: across a
    clock change the wall-clock time moves by an hour."""
    return (start.astimezone(dt.UTC) + dt.timedelta(hours=hours)).astimezone(LONDON)


def _in_london(moment: dt.datetime) -> dt.datetime:
    """An aware London datetime; a naive one is read as London wall-clock time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return moment.astimezone(dt.UTC).astimezone(LONDON)


def due(rule_id: str, start: dt.date | dt.datetime) -> Deadline:
    """When the rule's timescale, started at `start`, falls due.

    Day and month rules count from the London date of `start` (a time of day changes nothing) and are due by
    the end of the day returned. Hour rules count real hours from `start`; a date means 00:00 London, and a
    naive datetime is London time."""
    timescale = rule(rule_id)
    if isinstance(start, dt.datetime):
        start = _in_london(start)
    elif not isinstance(start, dt.date):
        raise TypeError(f"start must be a date or datetime, not {type(start).__name__}")
    amount = timescale.current_amount()
    basis = timescale.basis
    if basis is Basis.HOURS:
        if not isinstance(start, dt.datetime):
            start = dt.datetime.combine(start, dt.time(0), tzinfo=LONDON)
        return Deadline(rule=timescale.id, start=start, due=add_hours(start, amount), basis=basis)
    day = start.date() if isinstance(start, dt.datetime) else start
    if basis is Basis.WORKING_DAYS:
        due_day = add_working_days(day, amount)
    elif basis is Basis.CALENDAR_DAYS:
        due_day = day + dt.timedelta(days=amount)
    else:
        due_day = add_months(day, amount)
    return Deadline(rule=timescale.id, start=start, due=due_day, basis=basis)
