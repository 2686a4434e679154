"""Kestrelmoor's oversight: staff's CSE training, the agencies' escalation chains, practitioners' and young
people's feedback to the board with its answers, the DfE's comparator figures, and today's digests."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone


def generate_oversight(*, seed: int, progress: Callable[[str, int], None]) -> dict[str, int]:
    """Make each part with a random of its own, so the borough made before it is the same with or without it."""
    rng = random.Random(f"oversight-{seed}")
    return {
        "training_records": _training(rng, progress),
        "escalation_levels": _chains(rng, progress),
        "feedback": _feedback(rng, progress),
        "comparator_figures": _comparators(rng, progress),
        "digests": _digests(rng, progress),
    }


# Where each demo member of staff stands on the courses their role needs, so a manager's gaps and the board's
# coverage have something to show; sw3 has never done one. A course not named here was never completed.
TRAINING_PLAN: dict[str, dict[str, str]] = {
    "sw1": {"cse-awareness": "current"},
    "sw2": {"cse-awareness": "lapsing"},
    "tm1": {"cse-awareness": "current", "cse-leading": "lapsed"},
    "cse1": {"cse-awareness": "current"},
    "analyst1": {"cse-awareness": "lapsed"},
    "nurse1": {"cse-awareness": "current"},
    "dsl1": {"cse-awareness": "lapsing"},
    "youth1": {"cse-awareness": "current"},
}


def _completed_on(state: str, months: int, today: dt.date, rng: random.Random) -> dt.date:
    """A completion date that leaves the course in `state` today."""
    from lantern.calendar.deadlines import add_months  # noqa: PLC0415 - each part imports what it uses, beside it

    if state == "lapsing":  # lapses within the next 90 days
        return add_months(today, -months) + dt.timedelta(days=rng.randint(10, 80))
    if state == "lapsed":
        return add_months(today, -months) - dt.timedelta(days=rng.randint(20, 300))
    return today - dt.timedelta(days=rng.randint(30, 700))


def _training(rng: random.Random, progress: Callable[[str, int], None]) -> int:
    """Staff's completions as imported from their agencies' learning systems (by csc's administrator for csc; the
    other demo agencies have none, so their exports are recorded as their staff's own). Some who are current
    renewed a completion that had lapsed, so the history shows a later completion counting instead."""
    from lantern.accounts.models import User  # noqa: PLC0415 - each part imports what it uses, beside it
    from lantern.calendar.deadlines import add_months  # noqa: PLC0415
    from lantern.oversight.enums import TrainingSource  # noqa: PLC0415
    from lantern.oversight.models import TrainingCourse, TrainingRecord  # noqa: PLC0415

    today = timezone.localdate()
    courses = {c.code: c for c in TrainingCourse.objects.all()}
    staff = {u.username: u for u in User.objects.filter(username__in=[*TRAINING_PLAN, "admin1"])}
    made = []
    for username, plan in TRAINING_PLAN.items():
        user = staff[username]
        recorded_by = staff["admin1"] if user.agency_id == staff["admin1"].agency_id else user
        for code, state in plan.items():
            course = courses[code]
            done = _completed_on(state, course.valid_months, today, rng)
            dates = [done]
            if state == "current" and rng.random() < 0.5:  # renewed: the completion before it had lapsed
                dates.append(add_months(done, -course.valid_months) - dt.timedelta(days=rng.randint(5, 60)))
            made += [
                TrainingRecord(user=user, course=course, completed_on=on, lapses_on=add_months(on, course.valid_months),
                               source=TrainingSource.IMPORTED, recorded_by=recorded_by)
                for on in dates
            ]  # fmt: skip
    TrainingRecord.objects.bulk_create(made)
    progress("CSE training records", len(made))
    return len(made)


# Children's social care's second- and third-line managers, whom its chain reaches when work stays overdue. They are
# made with the borough rather than in DEMO_USERS, which every test's organisation is built from: there, a third and
# fourth manager in csc would change who hears of strategy requests and how many managers each count finds.
# (username, post, first name, last name)
SENIOR_MANAGERS: tuple[tuple[str, str, str, str], ...] = (
    ("sm1", "Service manager", "Farah", "Nadeem"),
    ("hos1", "Head of service", "Gareth", "Pilling"),
)
# csc's chain: (post, username or None for the case's team manager, working days overdue)
CSC_CHAIN: tuple[tuple[str, str | None, int], ...] = (
    ("Team manager", None, 0),
    ("Service manager", "sm1", 5),
    ("Head of service", "hos1", 10),
)


def _chains(rng: random.Random, progress: Callable[[str, int], None]) -> int:
    return 0


# Invented feedback in the words practitioners and young people use: no real person, place or service.
# (channel, theme, who put their name to it or "" for anonymous, what was said, the board's answer or "", published)
# fmt: off
FEEDBACK: tuple[tuple[str, str, str, str, str, bool], ...] = (
    ("young_person", "listened_to", "", "When I told my worker about the man at the bus station she wrote it down "
     "but nobody came back to me.", "You told us you were not told what happened after you spoke up. Every worker "
     "now tells a young person what they will do next, and when, before the meeting ends.", True),
    ("young_person", "help_quickly", "", "It took weeks to get a new worker after mine left and I had to tell "
     "everything again.", "You told us that changing worker meant starting again. A new worker now reads your file "
     "and meets you with your old worker before they leave.", True),
    ("young_person", "safe_places", "", "The takeaway on the high street lets older lads give us free food and lifts "
     "home. Everyone knows.", "You told us about places where adults hang around young people. The police and "
     "licensing team now visit late-night takeaways and taxi firms together every month.", True),
    ("young_person", "online", "", "School only talks about online safety once a year and it is always about "
     "strangers, not people you know.", "", False),
    ("young_person", "language", "", "In my meeting they said I was putting myself at risk. I was not choosing "
     "any of it.", "You told us the words used about you made it sound like your fault. Every report is now "
     "checked against the partnership's language guide before it is shared.", True),
    ("young_person", "listened_to", "", "I want to be in my own meetings, not just told after.", "", False),
    ("young_person", "other", "", "There is nowhere to go in the evenings that is free and warm.", "You told us "
     "there was nowhere safe to go in the evening. The youth centre now opens three evenings a week until 9pm.",
     True),
    ("young_person", "help_quickly", "", "When I went missing the police found me but nobody talked to me after.",
     "", False),
    ("practitioner", "sharing", "youth1", "Youth workers see the same cars outside the park every week but we do not "
     "know whether anyone has told the police before.", "You told us you could not tell whether the police already "
     "knew. Partners can now see in Lantern that intelligence is held, and ask for it.", True),
    ("practitioner", "training", "", "Half my team have not had CSE training since they started and the course is "
     "always full.", "You told us CSE training was hard to get onto. We have doubled the courses this year and "
     "managers can now see who in their team needs one.", True),
    ("practitioner", "help_quickly", "", "Strategy discussions for CSE take too long to arrange when police are "
     "short-staffed.", "We have asked the police and social care to report how long strategy discussions take, "
     "every month, to the board.", False),
    ("practitioner", "language", "dsl1", "Some referrals we receive still describe pupils as promiscuous. It "
     "changes how the next person reads the case.", "", False),
    ("practitioner", "sharing", "", "Health information only reaches us after a strategy meeting, which is too late "
     "to plan a visit.", "", False),
    ("practitioner", "listened_to", "nurse1", "Young people tell us at clinic that they stopped talking to workers "
     "who did not believe them.", "You told us young people stop talking when they are not believed. The "
     "partnership has written to every agency to ask that a young person's account is recorded in their own "
     "words.", True),
    ("practitioner", "other", "", "Supervision is often cancelled in busy weeks, which is when we need it most.", "",
     False),
    ("practitioner", "safe_places", "sw2", "Several children mention the same car park behind the shopping centre.",
     "You told us about a place several children mention. The police and the council now patrol it on Friday and "
     "Saturday nights.", True),
    ("practitioner", "training", "", "New starters do not know how to use the screening tool and nobody shows "
     "them.", "", False),
    ("young_person", "online", "", "Adults message us on games and nobody checks.", "You told us adults contact "
     "young people through games. Schools now run a session on games and apps every term, and youth workers talk "
     "about it at every club.", True),
    ("practitioner", "sharing", "", "Schools are not invited to strategy discussions even when we made the "
     "referral.", "", False),
    ("young_person", "listened_to", "", "My youth worker was the only one who asked what I wanted.", "", False),
)
# fmt: on


def _feedback(rng: random.Random, progress: Callable[[str, int], None]) -> int:
    """Feedback to the board over the last year, some answered and published by board1; dated by day only."""
    from lantern.accounts.models import User  # noqa: PLC0415 - each part imports what it uses, beside it
    from lantern.oversight.models import Feedback  # noqa: PLC0415
    from lantern.oversight.voice import REFERENCE_ALPHABET  # noqa: PLC0415

    users = {u.username: u for u in User.objects.filter(username__in=["board1", "youth1", "dsl1", "nurse1", "sw2"])}
    today = timezone.localdate()
    made = []
    for channel, theme, author, text, response, published in FEEDBACK:
        sent = today - dt.timedelta(days=rng.randint(0, 360))
        body = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
        answered = sent + dt.timedelta(days=rng.randint(7, 40))
        answered_at = (
            timezone.make_aware(dt.datetime.combine(min(answered, today), dt.time(11, 0))) if response else None
        )
        made.append(Feedback(
            reference=f"FB-{body[:4]}-{body[4:]}", channel=channel, theme=theme, text=text, submitted_on=sent,
            submitted_by=users.get(author), response=response, published=published,
            responded_by=users["board1"] if response else None, responded_at=answered_at,
        ))  # fmt: skip
    Feedback.objects.bulk_create(made)
    progress("feedback to the board", len(made))
    return len(made)


def _comparators(rng: random.Random, progress: Callable[[str, int], None]) -> int:
    return 0


def _digests(rng: random.Random, progress: Callable[[str, int], None]) -> int:
    return 0
