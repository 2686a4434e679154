"""Kestrelmoor's oversight: staff's CSE training, the agencies' escalation chains, practitioners' and young
people's feedback to the board with its answers, the DfE's comparator figures, and today's digests."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping

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


def _chains(rng: random.Random, progress: Callable[[str, int], None]) -> int:  # noqa: ARG001 - draws nothing
    """csc's chain climbs from the case's team manager to its service manager after 5 working days overdue and its
    head of service after 10. Every other agency that works with children has the default written out (the case's
    team manager from the first day), so its administrator sees it and can add to it."""
    import zlib  # noqa: PLC0415 - only for the managers' invented registration numbers

    from django.conf import settings  # noqa: PLC0415

    from lantern.access.roles import Role  # noqa: PLC0415
    from lantern.accounts.enums import AgencyKind  # noqa: PLC0415
    from lantern.accounts.models import Agency, User  # noqa: PLC0415
    from lantern.oversight.models import EscalationLevel  # noqa: PLC0415

    csc = Agency.objects.get(code="csc")
    for username, _post, first_name, last_name in SENIOR_MANAGERS:
        manager, _ = User.objects.update_or_create(username=username, defaults={
            "agency": csc, "team": None, "role": Role.TEAM_MANAGER, "first_name": first_name, "last_name": last_name,
            "email": f"{username}@kestrelmoor.example", "is_active": True,
            "swe_registration": f"SW{zlib.crc32(username.encode()) % 10**6:06d}",
            "swe_registration_expires": dt.date(timezone.localdate().year + 1, 11, 30),
        })  # fmt: skip
        manager.set_password(settings.LANTERN_DEMO_PASSWORD)
        manager.save(update_fields=["password"])
    made = 0
    for agency in Agency.objects.exclude(kind=AgencyKind.PARTNERSHIP).order_by("code"):
        levels = CSC_CHAIN if agency.pk == csc.pk else CSC_CHAIN[:1]
        for number, (title, named, days) in enumerate(levels, start=1):
            recipient = User.objects.get(username=named) if named else None
            EscalationLevel.objects.update_or_create(
                agency=agency, level=number,
                defaults={"title": title, "recipient": recipient, "after_working_days": days},
            )  # fmt: skip
            made += 1
    progress("escalation chains", made)
    return made


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


# ILLUSTRATIVE FIGURES, NOT THE DfE's: invented to look like a real "Children in need" release (England about 650,000
# completed assessments a year, most within 45 working days; about 80,000 initial conferences, most within 15
# working days of the section 47 enquiry starting). For real comparisons, download the C2 and C4 files from
# explore-education-statistics and run `lantern import children-in-need FILE`.
# (region code, region name, assessments a year, initial child protection conferences a year)
DEMO_REGIONS: tuple[tuple[str, str, int, int], ...] = (
    ("E12000001", "North East", 37_000, 5_200),
    ("E12000002", "North West", 100_000, 12_800),
    ("E12000003", "Yorkshire and The Humber", 68_000, 8_400),
    ("E12000004", "East Midlands", 51_000, 6_100),
    ("E12000005", "West Midlands", 72_000, 8_900),
    ("E12000006", "East of England", 58_000, 6_900),
    ("E12000007", "London", 90_000, 9_600),
    ("E12000008", "South East", 95_000, 10_200),
    ("E12000009", "South West", 55_000, 6_300),
)
# Invented local authorities (codes in no real range), so the files look as downloaded; only LANTERN_LA_CODE's row
# is kept. (new_la_code, old_la_code, name, region code, assessments a year, initial conferences a year)
DEMO_AUTHORITIES: tuple[tuple[str, str, str, str, int, int], ...] = (
    ("E06900001", "901", "Kestrelmoor", "E12000003", 2_100, 160),
    ("E08900002", "902", "Harrowdale", "E12000003", 3_400, 260),
    ("E10900003", "903", "Fellbridge", "E12000008", 900, 45),
)
# Shares of each year's work in each duration band, before each area's own variation.
Row = dict[str, object]  # one row of a DfE file, by column
C2_BANDS = {"Same_day": 0.17, "1-10_days": 0.12, "11-20_days": 0.17, "21-30_days": 0.16, "31-40_days": 0.20,
            "41-45_days": 0.04, "46-50_days": 0.05, "51-60_days": 0.04, "61+_days": 0.05}  # fmt: skip
C4_BANDS = {"Duration_0-10_days": 0.47, "Duration_11-15_days": 0.31, "Duration_16-20_days": 0.10,
            "Duration_21+_days": 0.12}  # fmt: skip


def _banded(rng: random.Random, total: int, bands: dict[str, float], within: tuple[str, ...]) -> dict[str, int]:
    """Split a year's work across the duration bands, the share within the timescale varied by a few points."""
    base_within = sum(bands[b] for b in within)
    target = min(max(base_within + rng.uniform(-0.08, 0.06), 0.5), 0.97)
    shares = {b: share * (target / base_within if b in within else (1 - target) / (1 - base_within))
              for b, share in bands.items()}  # fmt: skip
    return {b: round(total * share) for b, share in shares.items()}


def _comparator_rows(rng: random.Random, year: int) -> tuple[list[Row], list[Row]]:
    """One year's C2 and C4 rows: England, the nine regions and the invented authorities."""
    from lantern.oversight.comparators import C2, C4  # noqa: PLC0415 - the demo's one use of the importer's layouts

    def place(level: str, region: tuple[str, str] = ("", ""), la: tuple[str, str, str] = ("", "", "")) -> Row:
        return {"time_period": str(year), "time_identifier": "Reporting year", "geographic_level": level,
                "country_code": "E92000001", "country_name": "England", "region_code": region[0],
                "region_name": region[1], "old_la_code": la[0], "new_la_code": la[1], "la_name": la[2]}  # fmt: skip

    def rounded(counts: dict[str, int]) -> dict[str, int]:
        return {k: int(round(v, -1)) for k, v in counts.items()}  # the DfE rounds England and regions to 10

    def suppressed(counts: dict[str, int]) -> Row:
        return {k: "c" if 1 <= v <= 5 else v for k, v in counts.items()}  # and suppresses an authority's 1 to 5

    def c2(counts: Mapping[str, object], total: int) -> Row:
        return {"category": "Duration of assessment", "Assessments_completed": total, **counts,
                "25th_Percentile_days": rng.randint(14, 19), "Median_days": rng.randint(29, 35),
                "75th_Percentile_days": rng.randint(41, 44)}  # fmt: skip

    def c4(counts: Mapping[str, object], icpcs: int) -> Row:
        enquiries = round(icpcs * rng.uniform(2.3, 2.8))
        return {"category": "Section 47 enquiries and initial child protection conferences", "Section47": enquiries,
                "Section47_child": round(enquiries * 0.93), "ICPC": icpcs, "ICPC_child": round(icpcs * 0.97),
                **counts, "Duration_25th_Percentile": rng.randint(7, 9), "Duration_median": rng.randint(11, 13),
                "Duration_75th_Percentile": rng.randint(15, 18)}  # fmt: skip

    c2_rows, c4_rows = [], []
    england2: dict[str, int] = dict.fromkeys(C2_BANDS, 0)
    england4: dict[str, int] = dict.fromkeys(C4_BANDS, 0)
    for code, name, assessments, icpcs in DEMO_REGIONS:
        size = rng.uniform(0.94, 1.06)
        bands2 = _banded(rng, round(assessments * size), C2_BANDS, C2.within)
        bands4 = _banded(rng, round(icpcs * size), C4_BANDS, C4.within)
        england2 = {k: england2[k] + v for k, v in bands2.items()}
        england4 = {k: england4[k] + v for k, v in bands4.items()}
        c2_rows.append({**place("Regional", (code, name)), **c2(rounded(bands2), round(sum(bands2.values()), -1))})
        c4_rows.append({**place("Regional", (code, name)), **c4(rounded(bands4), round(sum(bands4.values()), -1))})
    c2_rows.insert(0, {**place("National"), **c2(rounded(england2), round(sum(england2.values()), -1))})
    c4_rows.insert(0, {**place("National"), **c4(rounded(england4), round(sum(england4.values()), -1))})
    for new_code, old_code, name, region, assessments, icpcs in DEMO_AUTHORITIES:
        where = place("Local authority", (region, {r[0]: r[1] for r in DEMO_REGIONS}[region]),
                      (old_code, new_code, name))  # fmt: skip
        bands2 = _banded(rng, round(assessments * rng.uniform(0.9, 1.1)), C2_BANDS, C2.within)
        bands4 = _banded(rng, round(icpcs * rng.uniform(0.9, 1.1)), C4_BANDS, C4.within)
        c2_rows.append({**where, **c2(suppressed(bands2), sum(bands2.values()))})
        c4_rows.append({**where, **c4(suppressed(bands4), sum(bands4.values()))})
    return c2_rows, c4_rows


def _comparators(rng: random.Random, progress: Callable[[str, int], None]) -> int:
    """Three years of illustrative C2 and C4 files in the DfE's layouts, written out and imported through the
    importer exactly as downloaded files are."""
    import csv  # noqa: PLC0415 - the demo's only files
    import tempfile  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from lantern.oversight.comparators import C2, C4, import_path  # noqa: PLC0415

    today = timezone.localdate()
    latest = today.year if today.month >= 4 else today.year - 1  # the last year ending 31 March
    files: dict[str, list[Row]] = {"c2": [], "c4": []}
    for year in range(latest - 2, latest + 1):
        c2_rows, c4_rows = _comparator_rows(rng, year)
        files["c2"] += c2_rows
        files["c4"] += c4_rows
    figures = 0
    with tempfile.TemporaryDirectory() as folder:
        for name, layout, rows in (("c2", C2, files["c2"]), ("c4", C4, files["c4"])):
            path = Path(folder) / f"{name}_children_in_need_illustrative.csv"
            with path.open("w", newline="", encoding="utf-8") as out:
                columns = list(rows[0])
                writer = csv.DictWriter(out, fieldnames=columns)
                writer.writeheader()
                writer.writerows(rows)
            result = import_path(path=path, actor=None)
            if result.errors:
                raise ValueError(f"the demo's {layout.title} file did not import: {result.errors[:3]}")
            figures += result.created + result.updated + result.unchanged
    progress("DfE comparator figures (illustrative)", figures)
    return figures


def _digests(rng: random.Random, progress: Callable[[str, int], None]) -> int:  # noqa: ARG001 - draws nothing
    """Today's digests, as the morning job makes them, emailed through the demo's mail backend."""
    from lantern.oversight.alerts import digests_send  # noqa: PLC0415 - the borough exists by the time this runs

    made = digests_send().made
    progress("daily digests", made)
    return made
