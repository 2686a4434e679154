"""Kestrelmoor's CSE screenings: about a quarter of the children of casework age are screened, at all four levels,
with indicators raised by every agency (police, health, the school, the youth service and social care) and a
risk history of one to three level decisions over the last months. Some judgements move the level a step with
a reason; the triggers open tasks (an STI under 16, gifts reported by two agencies, missing episodes on the
cases); significant and serious screenings await a strategy discussion, some of them late.

Every step goes through `lantern.screening.services`, as the person who would take it, so the demo keeps the
rules the pages and the API keep. The services stamp the wall clock; after each step the demo moves those stamps
back to when the step happened (as `demo.cases` does), so the history chart has a history. Significant and
serious children are chosen among those with no open case or a case already under a strategy discussion, s47
enquiry or plan, so the cases the cases demo set at each stage stay there.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence

from django.utils import timezone

from lantern.access.policy import Action, can
from lantern.accounts.models import User
from lantern.calendar.deadlines import due
from lantern.calendar.workdays import LONDON
from lantern.cases.models import Case
from lantern.cases.workflow import STATUTORY_STAGES
from lantern.people.models import Person
from lantern.screening import selectors, services
from lantern.screening.models import Indicator, LevelDecision, ScreeningTask
from lantern.screening.rules import SCR_INDICATORS

SHARE = 4  # one child in SHARE of casework age is screened
LEVEL_MIX = ("at_risk",) * 3 + ("moderate",) * 3 + ("significant",) * 2 + ("serious",) * 2

# Indicator sets by level (weights: S 5, M 2), each raised by the agency that would see it.
SETS: dict[str, tuple[tuple[tuple[str, str], ...], ...]] = {
    "at_risk": ((("school", "dsl1"),), (("overnight", "youth1"), ("substances", "youth1")), (("clinic", "nurse1"),)),
    "moderate": (
        (("cars", "cse1"), ("school", "dsl1")),
        (("online", "dsl1"), ("gifts", "youth1"), ("gifts", "dsl1")),
        (("adults_of_concern", "cse1"), ("mental_health", "sw1")),
    ),
    "significant": (
        (("cars", "cse1"), ("older_boyfriend", "youth1"), ("school", "dsl1")),
        (("sti_pregnancy", "nurse1"), ("adults_of_concern", "analyst1"), ("overnight", "sw2")),
        (("online", "dsl1"), ("gifts", "youth1"), ("gifts", "cse1"), ("substances", "sw1"), ("school", "dsl1")),
    ),
    "serious": (
        (("cars", "cse1"), ("older_boyfriend", "sw1"), ("sti_pregnancy", "nurse1"), ("gifts", "dsl1")),
        (("adults_of_concern", "analyst1"), ("online", "dsl1"), ("cars", "cse1"), ("overnight", "youth1")),
        (("cars", "cse1"), ("online", "dsl1"), ("older_boyfriend", "youth1"), ("substances", "sw1")),
    ),
}

DETAIL = {
    "school": "Absent most Friday afternoons this term; seen leaving the gates at lunchtime.",
    "overnight": "Stayed out overnight twice; would not say where. Came back in clothes that were not hers.",
    "substances": "Smelled of cannabis at the youth club; said an older friend gives it to her free.",
    "clinic": "Attended the sexual health clinic with an older woman who answered for her.",
    "cars": "Seen getting into different cars with adult men outside the takeaway after dark.",
    "online": "Told staff an adult she met online asked for pictures and sent her money for a taxi.",
    "gifts": "Has a new phone and designer trainers the family cannot explain.",
    "adults_of_concern": "Linked in intelligence to adults already known for exploiting girls in the town centre.",
    "mental_health": "Self-harm disclosed to the school nurse; sudden change in mood since the summer.",
    "older_boyfriend": "Talks about a 'boyfriend' of about 24 who collects her in his car.",
    "sti_pregnancy": "Positive STI test at the clinic.",
}
EVIDENCE = {"dsl1": "school_record", "nurse1": "health_record", "cse1": "intelligence", "analyst1": "intelligence"}


def _settle(indicator: Indicator, at: dt.datetime) -> None:
    Indicator.objects.filter(pk=indicator.pk).update(raised_at=at)


def _settle_decision(decision: LevelDecision, at: dt.datetime) -> None:
    LevelDecision.objects.filter(pk=decision.pk).update(decided_at=at)
    done = ScreeningTask.objects.filter(
        screening=decision.screening, done_at__isnull=False, done_by=decision.decided_by, done_at__gte=at
    )
    # A task a trigger opened after the decision's back-dated day was not done by it: it waits for the next one.
    done.filter(opened_at__gt=at).update(done_at=None, done_by=None, done_note="")
    done.filter(opened_at__lte=at).update(done_at=at)
    for task in ScreeningTask.objects.filter(screening=decision.screening, rule="LOCAL-STRAT-3", done_at__isnull=True):
        task.opened_at, task.due_at = at, due("LOCAL-STRAT-3", at).due_at()
        task.save(update_fields=["opened_at", "due_at"])


def _moment(rng: random.Random, days_ago: int) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    moment = dt.datetime.combine(day, dt.time(rng.randrange(9, 17), rng.randrange(0, 60)), tzinfo=LONDON)
    return min(moment, timezone.now())  # today's steps happened in the part of today already gone


def _screen(rng: random.Random, users: dict[str, User], child: Person, level: str, *, strategy_ok: bool) -> bool:
    chosen = rng.choice(SETS[level])
    raisers = [(kind, users[name]) for kind, name in chosen if can(users[name], Action.VIEW, child)]
    under_16 = SCR_INDICATORS.under_16(child.date_of_birth, timezone.localdate())
    if len(raisers) < len(chosen) or (not under_16 and any(k in SCR_INDICATORS.UNDER_16 for k, _ in chosen)):
        return False
    # Two stages: the first indicators months ago, decided then; the rest lately, decided now.
    split = max(1, len(raisers) // 2)
    first_days = rng.randrange(45, 170)  # within 6 months: still counted in full (SCR-RECENCY)
    last_days = rng.randrange(0, 6)
    stages = (
        ((raisers[:split], first_days), (raisers[split:], last_days)) if len(raisers) > 1 else ((raisers, last_days),)
    )
    decider = users[rng.choice(("sw1", "sw2"))]
    screening = None
    for part, days in stages:
        for kind, actor in part:
            indicator = services.indicator_raise(
                actor=actor, child=child, kind=kind, observed_on=timezone.localdate() - dt.timedelta(days=days + 3),
                evidence=EVIDENCE.get(actor.username, "other"), detail=f"Synthetic: {DETAIL[kind]}",
                current=kind in ("school", "gifts") and days < 30,
            )  # fmt: skip
            _settle(indicator, _moment(rng, days + 2))
            screening = indicator.screening
        assert screening is not None  # noqa: S101 - an indicator was raised just above
        computed = selectors.assess(screening).level
        bump = strategy_ok and part is stages[-1][0] and computed == "moderate" and rng.random() < 0.3
        decision = services.level_decide(
            actor=decider, screening=screening, level="significant" if bump else "",
            reason="Two agencies describe the same older man; I judge the risk higher than the score." if bump else "",
        )  # fmt: skip
        _settle_decision(decision, _moment(rng, days))
    return True


def generate_screenings(
    children: Iterable[Person], *, seed: int, progress: Callable[[str, int], None] | None = None
) -> int:
    """Screenings for a share of `children`; nothing if any level has been decided already (a second run adds
    none). Returns how many children were screened."""
    if LevelDecision.objects.exists():
        return 0
    rng = random.Random(f"kestrelmoor-screening:{seed}")
    users = {u.username: u for u in User.objects.filter(username__in=("sw1", "sw2", "tm1", "cse1", "analyst1",
                                                                      "nurse1", "dsl1", "youth1"))}  # fmt: skip
    pool: Sequence[Person] = sorted(children, key=lambda p: str(p.pk))
    open_stage = dict(Case.objects.filter(closed_at__isnull=True).values_list("child_id", "stage"))
    screened = 0
    for child in pool:
        if rng.randrange(SHARE) != 0 or child.date_of_birth is None:
            continue
        level = rng.choice(LEVEL_MIX)
        stage = open_stage.get(child.pk)
        # A strategy request would move a case at referral, early help or assessment: keep the cases demo's stages.
        strategy_ok = stage is None or stage in STATUTORY_STAGES
        if level in ("significant", "serious") and not strategy_ok:
            level = "moderate"
        screened += 1 if _screen(rng, users, child, level, strategy_ok=strategy_ok) else 0
    if progress:
        progress("screenings", screened)
    return screened
