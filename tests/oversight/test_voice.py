"""Voice and feedback: a young person's public page and a practitioner's form, named or anonymous (anonymous
leaves no user, agency, address or device anywhere: not in the row, not in the audit log); the board's inbox,
answer and publishing; the public answers page; and the board's counts, checked against an independent count
in SQL and suppressed for viewers without small numbers."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.demo.generator import ensure_organisation
from lantern.demo.oversight import _feedback
from lantern.intel.models import RateCount
from lantern.oversight import voice
from lantern.oversight.enums import FeedbackChannel, FeedbackTheme
from lantern.oversight.models import Feedback

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
AGENT = "Mozilla/5.0 (SyntheticPhone; test) YoungPersonBrowser/1.0"
SAID = "Nobody at the drop-in believed me when I said the taxi driver kept offering free rides."


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users() -> dict[str, User]:
    ensure_organisation()
    return {u.username: u for u in User.objects.all()}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def everything_stored_about(feedback: Feedback) -> str:
    """The feedback's row and every audit row about it, as one text to search for identifying traces."""
    rows = AuditEvent.objects.filter(object_type="feedback", object_id=str(feedback.pk))
    audit = [(e.actor_id, e.actor_username, e.agency, e.role, e.object_owner_id, e.purpose, e.detail) for e in rows]
    fields = [getattr(feedback, f.attname) for f in Feedback._meta.concrete_fields]
    return repr((fields, audit))


# --- A young person, with no account --------------------------------------------------------------------------


def test_a_young_person_sends_feedback_without_an_account_and_nothing_identifies_them(users: dict[str, User]) -> None:
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
    form = client.get("/have-your-say/")
    assert form.status_code == 200
    assert "0800 1111" in form.text
    assert "call 999" in form.text
    sent = client.post("/have-your-say/", {"theme": "listened_to", "text": SAID, "nickname_confirm": ""})
    assert sent.status_code == 200
    feedback = Feedback.objects.get()
    assert feedback.reference in sent.text
    assert "You said, we did" in sent.text
    assert (feedback.channel, feedback.theme, feedback.text, feedback.submitted_by) == (
        FeedbackChannel.YOUNG_PERSON, FeedbackTheme.LISTENED_TO, SAID, None,
    )  # fmt: skip
    assert feedback.submitted_on == timezone.localdate()  # the day only, never the time
    event = AuditEvent.objects.get(object_type="feedback", object_id=str(feedback.pk))
    assert (event.action, event.actor_id, event.actor_username, event.agency, event.role) == (
        "create", None, "public", "", "",
    )  # fmt: skip
    stored = everything_stored_about(feedback)
    assert ADDRESS not in stored
    assert "SyntheticPhone" not in stored
    # Nowhere else either: not in the audit log as a whole, not in a session, and the rate count is a hash.
    assert not AuditEvent.objects.filter(detail__contains=ADDRESS).exists()
    assert not Session.objects.exists()
    assert all(ADDRESS not in key for key in RateCount.objects.values_list("key", flat=True))


def test_the_public_form_refuses_nothing_filled_in_a_bot_and_too_many_messages(settings: Any) -> None:
    client = Client(REMOTE_ADDR=ADDRESS)
    empty = client.post("/have-your-say/", {})
    assert empty.status_code == 422
    assert "Choose what it is about" in empty.text
    assert "Write what you want to tell them" in empty.text
    bot = client.post("/have-your-say/", {"theme": "online", "text": "Buy now", "nickname_confirm": "x"})
    assert bot.status_code == 422
    settings.LANTERN_PUBLIC_RATE_LIMIT = 1
    assert client.post("/have-your-say/", {"theme": "online", "text": "One."}).status_code == 200
    refused = client.post("/have-your-say/", {"theme": "online", "text": "Two."})
    assert refused.status_code == 429
    assert "Please wait a few minutes" in refused.text
    assert list(Feedback.objects.values_list("text", flat=True)) == ["One."]


def test_the_public_form_needs_its_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/have-your-say/", {"theme": "online", "text": "Hello."}).status_code == 403
    assert not Feedback.objects.exists()


# --- Practitioners ------------------------------------------------------------------------------------------


def test_a_practitioner_sends_feedback_anonymously_and_nothing_names_them(users: dict[str, User]) -> None:
    sw1 = users["sw1"]
    client = signed_in(sw1)
    client.defaults.update(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)
    page = client.get("/oversight/feedback/new/")
    assert page.status_code == 200
    assert "can still identify you" in page.text
    sent = client.post("/oversight/feedback/new/", {"who": "anonymous", "theme": "sharing", "text": SAID})
    assert sent.status_code == 200
    feedback = Feedback.objects.get()
    assert feedback.reference in sent.text
    assert (feedback.channel, feedback.submitted_by) == (FeedbackChannel.PRACTITIONER, None)
    event = AuditEvent.objects.get(object_type="feedback", object_id=str(feedback.pk))
    assert (event.actor_id, event.actor_username, event.agency, event.role) == (None, "anonymous", "", "")
    stored = everything_stored_about(feedback)
    assert event.object_owner_id is None
    for trace in (sw1.username, sw1.agency.code, sw1.get_full_name(), sw1.role, ADDRESS, "SyntheticPhone"):
        assert trace not in stored, trace
    # No audit row of sw1's points at it, and the reference is not kept in sw1's session.
    assert not AuditEvent.objects.filter(actor_id=sw1.pk, object_type="feedback").exists()
    assert not AuditEvent.objects.filter(actor_id=sw1.pk, detail__contains=feedback.reference).exists()
    assert all(feedback.reference not in s.session_data for s in Session.objects.all())


def test_named_feedback_keeps_its_author_and_is_audited_as_theirs(users: dict[str, User]) -> None:
    sent = signed_in(users["youth1"]).post(
        "/oversight/feedback/new/", {"who": "named", "theme": "training", "text": "More CSE training, please."}
    )
    assert sent.status_code == 200
    feedback = Feedback.objects.get()
    assert feedback.submitted_by == users["youth1"]
    event = AuditEvent.objects.get(object_type="feedback", object_id=str(feedback.pk))
    assert (event.actor_id, event.agency) == (users["youth1"].pk, "youth")


def test_the_practitioner_form_shows_every_problem(users: dict[str, User]) -> None:
    refused = signed_in(users["sw1"]).post("/oversight/feedback/new/", {"text": " "})
    assert refused.status_code == 422
    for message in ("Choose whether to put your name to it", "Choose what it is about",
                    "Write what you want to tell the board"):  # fmt: skip
        assert message in refused.text
    assert not Feedback.objects.exists()


# --- The board ----------------------------------------------------------------------------------------------


def test_the_board_reads_answers_and_publishes_and_only_the_answer_goes_public(users: dict[str, User]) -> None:
    named = voice.feedback_submit(actor=users["nurse1"], theme="help_quickly", text="Referrals wait too long.",
                                  named=True)  # fmt: skip
    hidden = voice.feedback_submit(actor=users["sw2"], theme="language", text=SAID, named=False)
    board = signed_in(users["board1"])

    inbox = board.get("/oversight/feedback/")
    assert inbox.status_code == 200
    assert named.reference in inbox.text
    assert hidden.reference in inbox.text
    assert "Grace Obi" in inbox.text
    assert users["sw2"].get_full_name() not in inbox.text
    only = board.get("/oversight/feedback/?theme=language&answered=no")
    assert hidden.reference in only.text
    assert named.reference not in only.text

    detail = board.get(f"/oversight/feedback/{hidden.reference}/")
    assert SAID in detail.text
    assert "anonymously" in detail.text
    assert board.get(f"/oversight/feedback/{named.reference}/").text.count("Grace Obi") == 1

    empty = board.post(f"/oversight/feedback/{hidden.reference}/", {"response": "", "publish": "on"})
    assert empty.status_code == 422
    assert "Write the board&#x27;s answer" in empty.text
    answer = "You told us reports call children names. We now check every report against the language guide."
    saved = board.post(f"/oversight/feedback/{hidden.reference}/", {"response": answer, "publish": "on"})
    assert saved.status_code == 302
    hidden.refresh_from_db()
    assert (hidden.response, hidden.published, hidden.responded_by) == (answer, True, users["board1"])
    assert AuditEvent.objects.filter(action="update", object_type="feedback", object_id=str(hidden.pk),
                                     actor_id=users["board1"].pk).exists()  # fmt: skip
    voice.feedback_respond(actor=users["board1"], feedback=named, response="We are looking at it.", publish=False)

    public = Client().get("/have-your-say/answers/")
    assert public.status_code == 200
    assert answer in public.text
    assert hidden.reference in public.text
    assert SAID not in public.text  # what was said is never published
    assert "We are looking at it." not in public.text  # answered, not published
    assert f"{hidden.submitted_on:%B %Y}" in public.text
    found = Client().get(f"/have-your-say/answers/?reference={hidden.reference.lower().replace('-', '')}")
    assert answer in found.text
    assert "There is no published answer" in Client().get(f"/have-your-say/answers/?reference={named.reference}").text


def test_who_may_do_what(users: dict[str, User]) -> None:
    feedback = voice.feedback_submit_public(theme="online", text="More help online.")
    assert signed_in(users["sw1"]).get("/oversight/feedback/").status_code == 403
    assert signed_in(users["sw1"]).get(f"/oversight/feedback/{feedback.reference}/").status_code == 403
    assert signed_in(users["board1"]).get("/oversight/feedback/new/").status_code == 403
    assert signed_in(users["admin1"]).get("/oversight/feedback/new/").status_code == 403
    assert signed_in(users["board1"]).get("/oversight/feedback/FB-NONE-NONE/").status_code == 404
    assert Client().get("/oversight/feedback/new/").status_code == 302  # to sign in


# --- Counts for the board dashboard -------------------------------------------------------------------------


def counted_in_sql(since: dt.date | None, until: dt.date | None) -> dict[str, Any]:
    """The same counts, written independently: SQL over the table, months worked out in Python."""
    where, params = "WHERE submitted_on BETWEEN %s AND %s", [since or dt.date.min, until or dt.date.max]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT channel, theme, submitted_on, response, published FROM oversight_feedback {where}",
                       params)  # fmt: skip
        rows = cursor.fetchall()
    day = lambda value: value if isinstance(value, dt.date) else dt.date.fromisoformat(value)  # noqa: E731
    return {
        "received": len(rows),
        "answered": sum(1 for r in rows if r[3]),
        "published": sum(1 for r in rows if r[4] and r[3]),
        "channels": Counter(r[0] for r in rows),
        "themes": Counter(r[1] for r in rows),
        "months": Counter(day(r[2]).replace(day=1) for r in rows),
    }


@pytest.mark.parametrize("window", ["ever", "half-year", "between"])
def test_the_summary_equals_an_independent_count_over_the_demo(users: dict[str, User], window: str) -> None:
    made = _feedback(random.Random("oversight-test"), lambda _stage, _n: None)
    assert made == Feedback.objects.count() >= 15
    today = timezone.localdate()
    start, end = {
        "ever": (None, None),
        "half-year": (today - dt.timedelta(days=182), None),
        "between": (today - dt.timedelta(days=300), today - dt.timedelta(days=100)),
    }[window]
    expected = counted_in_sql(start, end)
    summary = voice.feedback_summary(actor=users["tm1"], since=start, until=end)  # small numbers: none suppressed
    assert not summary.suppressed
    assert (summary.received, summary.answered, summary.published) == (
        expected["received"], expected["answered"], expected["published"],
    )  # fmt: skip
    assert dict(summary.by_channel) == {FeedbackChannel(c).label: expected["channels"][c] for c in FeedbackChannel}
    assert dict(summary.by_theme) == {FeedbackTheme(t).label: expected["themes"][t] for t in FeedbackTheme}
    assert {m: n for m, n in summary.monthly if n} == dict(expected["months"])
    months = [m for m, _n in summary.monthly]
    assert months == sorted(months)
    assert months[-1] == (end or today).replace(day=1)
    assert months[0] == (start or min(expected["months"])).replace(day=1)
    assert len(months) == len(set(months))
    assert all(m.day == 1 for m in months)
    # Every month from the first counted to this one, none skipped.
    assert all((b - a).days <= 31 for a, b in itertools.pairwise(months))
    assert not AuditEvent.objects.filter(object_type="feedback", action="view").exists()  # an aggregate


def test_small_counts_are_suppressed_for_the_board_and_not_for_social_care(users: dict[str, User]) -> None:
    for _ in range(3):
        voice.feedback_submit_public(theme="online", text="Online.")
    for _ in range(10):
        voice.feedback_submit(actor=users["sw1"], theme="help_quickly", text="Quicker.", named=True)
    full = voice.feedback_summary(actor=users["tm1"])
    board = voice.feedback_summary(actor=users["board1"])
    online = FeedbackTheme.ONLINE.label
    assert (full.received, dict(full.by_channel)["A young person"], dict(full.by_theme)[online]) == (13, 3, 3)
    assert board.suppressed
    assert not full.suppressed
    assert dict(board.by_channel)["A young person"] == "c"
    assert dict(board.by_theme)[FeedbackTheme.ONLINE.label] == "c"
    # 13 received and 10 from practitioners would give the young people's 3 away: one more is hidden.
    assert "c" in (board.received, dict(board.by_channel)["A practitioner"])
    assert dict(board.by_theme)[FeedbackTheme.OTHER.label] == 0  # zero is shown
    html = render_to_string("oversight/voice/_board_panel.html", {"summary": board})
    assert "Voice and feedback" in html
    assert "shown as <strong>c</strong>" in html
    assert "<svg" not in html  # both themes with feedback are hidden, so there is no bar to draw
    html = render_to_string("oversight/voice/_board_panel.html", {"summary": full})
    assert "<svg" in html
    assert "shown as" not in html
    assert html.count(">13<") == 1
