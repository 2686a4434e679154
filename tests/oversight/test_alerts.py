"""Alerts: overdue work climbing each agency's escalation chain by working days, once per level; the chain kept by a
system administrator (validated, renumbered, audited); daily digests made once per person per day and emailed once
with no child's name; the alerts page, the digest API and the `lantern digest` command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from lantern.access.policy import AccessDenied, NotVisible
from lantern.accounts.models import Agency, User
from lantern.audit.models import AuditEvent
from lantern.cases import services as case_services
from lantern.cases.escalation import escalate_overdue
from lantern.cases.models import Case, Notification
from lantern.cases.selectors import LONDON
from lantern.demo.generator import ensure_organisation
from lantern.oversight import alerts
from lantern.oversight.alerts import LevelFields
from lantern.oversight.chains import escalation_raise
from lantern.oversight.models import Digest, Escalation, EscalationLevel
from lantern.people.models import Person
from tests.api_clients import Api
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

RULE = "WT-REF-DECIDE-1"
# A referral received on Monday 2 March 2026 is due for its decision by the end of Tuesday 3 March (1 working day).
# No bank holiday falls in March 2026 before Good Friday, so the days below are plain weekdays.
RECEIVED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org() -> dict[str, User]:
    ensure_organisation()
    return {u.username: u for u in User.objects.select_related("agency", "team")}


@pytest.fixture
def seniors(org: dict[str, User]) -> dict[str, User]:
    """A service manager and a head of service in csc: managers of no team."""
    csc = Agency.objects.get(code="csc")
    return {
        "sm": UserFactory(username="sm-test", agency=csc, role="team_manager", team=None, email="sm@example.org"),
        "hos": UserFactory(username="hos-test", agency=csc, role="team_manager", team=None, email="hos@example.org"),
    }


@pytest.fixture
def three_levels(org: dict[str, User], seniors: dict[str, User]) -> list[EscalationLevel]:
    """csc's chain, set by its administrator: the team manager at once, the service manager after 5 working days
    overdue, the head of service after 10 (added out of order: Lantern orders them)."""
    admin = org["admin1"]
    alerts.chain_level_add(actor=admin, fields=LevelFields("Head of service", seniors["hos"].pk, 10))
    alerts.chain_level_add(actor=admin, fields=LevelFields("Service manager", seniors["sm"].pk, 5))
    return list(EscalationLevel.objects.filter(agency__code="csc").order_by("level"))


def undecided_referral(actor: User, received: dt.datetime = RECEIVED) -> Case:
    child = PersonFactory(owning_agency=Agency.objects.get(code="csc"))
    referral = case_services.referral_record(
        actor=actor, child=child, received_at=received, source_kind="education", source_agency=None,
        source_person="Designated safeguarding lead", concerns="Missing from school twice this week.",
        cse_indicators=[], names_exploiting_adults=False,
    )  # fmt: skip
    return Case.objects.get(pk=referral.case_id)


def raised(case: Case) -> set[tuple[int, str]]:
    return set(
        Escalation.objects.filter(case=case, rule=RULE).values_list("level", "recipient__username").order_by("level")
    )


# --- Escalation through the chain -----------------------------------------------------------------------------


def test_overdue_work_climbs_the_chain_by_working_days_once_per_level(
    org: dict[str, User], seniors: dict[str, User], three_levels: list[EscalationLevel],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    assert [(lv.level, lv.title, lv.after_working_days) for lv in three_levels] == [
        (1, "Team manager", 0), (2, "Service manager", 5), (3, "Head of service", 10),
    ]  # fmt: skip
    case = undecided_referral(org["sw1"])
    sm, hos = seniors["sm"].username, seniors["hos"].username
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_overdue(at(3)) == 0  # due by the end of today: not overdue yet
        escalate_overdue(at(4))  # 1 working day late: level 1
        assert raised(case) == {(1, "tm1")}
        escalate_overdue(at(9))  # 4 working days late: still level 1 only, and nothing sent again
        assert raised(case) == {(1, "tm1")}
        escalate_overdue(at(10))  # 5 working days late (4, 5, 6, 9, 10 March): level 2
        assert raised(case) == {(1, "tm1"), (2, sm)}
        escalate_overdue(at(16))  # 9 working days late
        assert raised(case) == {(1, "tm1"), (2, sm)}
        escalate_overdue(at(17))  # 10 working days late: level 3
        assert raised(case) == {(1, "tm1"), (2, sm), (3, hos)}
        assert escalate_overdue(at(17)) == 0
        assert escalate_overdue(at(20)) == 0
    notes = Notification.objects.filter(case=case, rule=RULE)
    assert sorted(notes.values_list("user__username", "item_key")) == sorted(
        [(hos, f"referral:{case.referrals.get().pk}:L3"), (sm, f"referral:{case.referrals.get().pk}:L2"),
         ("tm1", f"referral:{case.referrals.get().pk}:L1")]
    )  # fmt: skip
    assert "Escalated to level 2 (Service manager)" in notes.get(user=seniors["sm"]).message
    # Each notification was emailed once, with no child's name in it.
    assert sorted(m.to[0] for m in mail.outbox if RULE in m.subject) == sorted(
        [org["tm1"].email, seniors["sm"].email, seniors["hos"].email]
    )
    assert all(case.child.family_name not in m.body for m in mail.outbox)
    assert AuditEvent.objects.filter(object_type="escalation", action="create").count() == Escalation.objects.count()


def test_a_jump_past_several_thresholds_raises_every_level_reached_at_once(
    org: dict[str, User], seniors: dict[str, User], three_levels: list[EscalationLevel]
) -> None:
    case = undecided_referral(org["sw1"])
    escalate_overdue(at(31))  # 20 working days late the first time the job runs
    assert raised(case) == {(1, "tm1"), (2, seniors["sm"].username), (3, seniors["hos"].username)}


def test_an_agency_with_no_chain_tells_the_cases_team_manager_from_the_first_day(org: dict[str, User]) -> None:
    case = undecided_referral(org["sw1"])
    escalate_overdue(at(31))
    assert raised(case) == {(1, "tm1")}
    assert not EscalationLevel.objects.exists()


def test_a_case_whose_team_has_no_manager_reaches_every_manager_of_the_agency_once_each(
    org: dict[str, User], seniors: dict[str, User]
) -> None:
    case = undecided_referral(org["sw1"])
    Case.objects.filter(pk=case.pk).update(team=None)
    escalate_overdue(at(4))
    escalate_overdue(at(5))
    assert raised(case) == {(1, "tm1"), (1, seniors["sm"].username), (1, seniors["hos"].username)}


def test_drift_still_tells_the_lead_practitioner(org: dict[str, User], seniors: dict[str, User]) -> None:
    case = undecided_referral(org["sw1"], received=timezone.now() - dt.timedelta(days=40))
    Case.objects.filter(pk=case.pk).update(lead_practitioner=org["sw2"],
                                           last_activity_at=timezone.now() - dt.timedelta(days=40))  # fmt: skip
    escalate_overdue()
    drift = Notification.objects.filter(case=case, rule="LOCAL-DRIFT-10")
    assert set(drift.values_list("user__username", flat=True)) == {"tm1", "sw2"}


def test_a_managers_note_stays_in_lantern_when_they_raise_work(
    org: dict[str, User], three_levels: list[EscalationLevel], django_capture_on_commit_callbacks: Any
) -> None:
    case = undecided_referral(org["sw1"])
    key = f"referral:{case.referrals.get().pk}"
    with django_capture_on_commit_callbacks(execute=True):
        escalation_raise(actor=org["tm1"], case=case, rule=RULE, item_key=key, label="Decide on the referral",
                         note=f"Mother says {case.child.given_name} is staying with an uncle")  # fmt: skip
    (email,) = mail.outbox
    assert case.child.given_name not in email.body
    assert "escalated case" in email.body


# --- The chain: validation, order, audit -----------------------------------------------------------------------


def test_the_first_level_added_keeps_the_default_and_levels_stay_in_order_of_working_days(
    org: dict[str, User], seniors: dict[str, User]
) -> None:
    admin = org["admin1"]
    assert not alerts.chain_view(actor=admin).configured
    alerts.chain_level_add(actor=admin, fields=LevelFields("Head of service", seniors["hos"].pk, 10))
    middle = alerts.chain_level_add(actor=admin, fields=LevelFields("Service manager", seniors["sm"].pk, 5))
    assert middle.level == 2
    shown = alerts.chain_view(actor=admin)
    assert shown.configured
    assert [(lv.level, lv.title, lv.recipient_id, lv.after_working_days) for lv in shown.levels] == [
        (1, "Team manager", None, 0), (2, "Service manager", seniors["sm"].pk, 5),
        (3, "Head of service", seniors["hos"].pk, 10),
    ]  # fmt: skip
    # Moving the head of service before the service manager renumbers both.
    top = EscalationLevel.objects.get(title="Head of service")
    alerts.chain_level_change(actor=admin, level=top, fields=LevelFields("Head of service", seniors["hos"].pk, 3))
    assert list(EscalationLevel.objects.order_by("level").values_list("title", flat=True)) == [
        "Team manager", "Head of service", "Service manager",
    ]  # fmt: skip
    alerts.chain_level_remove(actor=admin, level=EscalationLevel.objects.get(title="Team manager"))
    assert list(EscalationLevel.objects.order_by("level").values_list("level", "title")) == [
        (1, "Head of service"), (2, "Service manager"),
    ]  # fmt: skip
    rows = AuditEvent.objects.filter(object_type="escalation_level").order_by("seq")
    assert list(rows.values_list("action", "actor_username")) == [
        ("create", "admin1"), ("create", "admin1"), ("update", "admin1"), ("delete", "admin1"),
    ]  # fmt: skip


def test_removing_every_level_brings_the_default_back(org: dict[str, User]) -> None:
    admin = org["admin1"]
    alerts.chain_level_add(actor=admin, fields=LevelFields("Service manager", org["tm1"].pk, 5))
    for level in EscalationLevel.objects.all():
        alerts.chain_level_remove(actor=admin, level=level)
    shown = alerts.chain_view(actor=admin)
    assert not shown.configured
    assert [(lv.level, lv.recipient_id, lv.after_working_days) for lv in shown.levels] == [(1, None, 0)]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (LevelFields("", None, 5), "title", "Enter the post"),
        (LevelFields("x" * 101, None, 5), "title", "100 characters or fewer"),
        (LevelFields("Service manager", None, None), "after_working_days", "Enter how many working days"),
        (LevelFields("Service manager", None, -1), "after_working_days", "0 or more"),
        (LevelFields("Service manager", None, 251), "after_working_days", "250 or fewer"),
        (LevelFields("Service manager", None, 0), "after_working_days", "Level 1 (Team manager) already hears at 0"),
    ],
    ids=["no-title", "long-title", "no-days", "negative", "too-many", "same-days-as-another"],
)
def test_a_level_is_refused_with_the_field_at_fault(
    org: dict[str, User], fields: LevelFields, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        alerts.chain_level_add(actor=org["admin1"], fields=fields)
    assert message in refused.value.message_dict[field][0]
    assert not EscalationLevel.objects.exists()


@pytest.mark.parametrize("who", ["admin1", "sw3", "cse1"], ids=["sees-no-cases", "unqualified", "other-agency"])
def test_a_level_names_only_someone_in_the_agency_who_works_its_cases(org: dict[str, User], who: str) -> None:
    with pytest.raises(ValidationError) as refused:
        alerts.chain_level_add(actor=org["admin1"], fields=LevelFields("Service manager", org[who].pk, 5))
    assert "Choose someone in your agency" in refused.value.message_dict["recipient"][0]
    staff = {u.username for u in alerts.recipient_choices(org["admin1"].agency_id)}
    assert staff == {"sw1", "sw2", "tm1"}


def test_a_chain_has_at_most_ten_levels(org: dict[str, User]) -> None:
    for days in range(1, alerts.LEVELS_LIMIT):
        alerts.chain_level_add(actor=org["admin1"], fields=LevelFields(f"Level at {days}", None, days))
    with pytest.raises(ValidationError) as refused:
        alerts.chain_level_add(actor=org["admin1"], fields=LevelFields("One too many", None, 99))
    assert "at most 10 levels" in refused.value.message_dict["level"][0]
    assert EscalationLevel.objects.count() == alerts.LEVELS_LIMIT


def test_a_manager_reads_the_chain_but_does_not_change_it(org: dict[str, User]) -> None:
    alerts.chain_level_add(actor=org["admin1"], fields=LevelFields("Service manager", org["tm1"].pk, 5))
    assert len(alerts.chain_view(actor=org["tm1"]).levels) == 2
    with pytest.raises(AccessDenied):
        alerts.chain_level_add(actor=org["tm1"], fields=LevelFields("Head of service", None, 10))
    with pytest.raises(AccessDenied):
        alerts.chain_view(actor=org["sw1"])


# --- Daily digests ---------------------------------------------------------------------------------------------


def test_a_digest_holds_the_overdue_and_due_soon_work_of_the_reader_and_their_team(
    org: dict[str, User], seniors: dict[str, User], three_levels: list[EscalationLevel]
) -> None:
    now = timezone.now()
    late = undecided_referral(org["sw1"], received=now - dt.timedelta(days=20))
    Case.objects.filter(pk=late.pk).update(lead_practitioner=org["sw1"])
    other = undecided_referral(org["sw2"], received=now - dt.timedelta(days=20))
    escalate_overdue()
    today = timezone.localdate()
    mine = alerts.digest_build(org["sw1"], today)
    late_key, other_key = f"referral:{late.referrals.get().pk}", f"referral:{other.referrals.get().pk}"
    assert [(i["key"], i["status"], i["whose"]) for i in mine.items] == [(late_key, "overdue", "yours")]
    assert (mine.overdue, mine.due_soon) == (1, 0)
    team = alerts.digest_build(org["tm1"], today)
    work = [i for i in team.items if i["kind"] == "work"]
    assert {(i["key"], i["whose"]) for i in work} == {(late_key, "team"), (other_key, "team")}
    escalated = [i for i in team.items if i["kind"] == "escalation"]
    assert {(i["key"], i["level"], i["title"], i["label"]) for i in escalated} == {
        (late_key, 1, "Team manager", "Decide on the referral"),
        (other_key, 1, "Team manager", "Decide on the referral"),
    }
    # The head of service manages no team: their digest is the whole agency's work and what reached them.
    top = alerts.digest_build(seniors["hos"], today)
    assert {(i["key"], i["whose"]) for i in top.items if i["kind"] == "work"} == {
        (late_key, "agency"), (other_key, "agency"),
    }  # fmt: skip
    assert {(i["key"], i["level"]) for i in top.items if i["kind"] == "escalation"} == {(late_key, 3), (other_key, 3)}
    # Staff of other agencies see none of csc's cases, and so have nothing in theirs.
    assert alerts.digest_build(org["cse1"], today).items == []


def test_digests_are_made_and_emailed_once_a_day_without_a_childs_name(
    org: dict[str, User], seniors: dict[str, User], three_levels: list[EscalationLevel]
) -> None:
    case = undecided_referral(org["sw1"], received=timezone.now() - dt.timedelta(days=20))
    Case.objects.filter(pk=case.pk).update(lead_practitioner=org["sw1"])
    escalate_overdue()
    mail.outbox.clear()
    first = alerts.digests_send()
    digests = Digest.objects.filter(day=timezone.localdate())
    assert set(digests.values_list("user__username", flat=True)) == {"sw1", "tm1", "sm-test", "hos-test"}
    assert (first.made, first.emailed) == (4, 4)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(d.user.email for d in digests)
    assert all(d.emailed_at is not None for d in digests)
    body = next(m.body for m in mail.outbox if m.to == [org["sw1"].email])
    assert f"Case {case.pk}: Decide on the referral, due " in body
    assert "rule WT-REF-DECIDE-1" in body
    assert "Sign in to Lantern" in body
    child = case.child
    for message in mail.outbox:
        for name in (child.given_name, child.family_name, child.display_name):
            assert name not in message.body
            assert name not in message.subject
    audit = AuditEvent.objects.filter(object_type="digest", action="create")
    assert sorted(audit.values_list("object_id", flat=True)) == sorted(str(d.pk) for d in digests)
    again = alerts.digests_send()
    assert (again.made, again.emailed) == (0, 0)
    assert len(mail.outbox) == 4
    assert Digest.objects.count() == 4


def test_a_digest_not_yet_emailed_is_sent_by_the_next_run(org: dict[str, User]) -> None:
    case = undecided_referral(org["sw1"], received=timezone.now() - dt.timedelta(days=20))
    made = alerts.digest_build(org["tm1"])
    made.save()
    assert alerts.digests_send().emailed == 1
    assert [m.to for m in mail.outbox] == [[org["tm1"].email]]
    assert f"Case {case.pk}" in mail.outbox[0].body


def test_another_days_digest_counts_the_work_as_that_day_began(org: dict[str, User]) -> None:
    undecided_referral(org["sw1"])  # due by the end of 3 March 2026
    assert [i["status"] for i in alerts.digest_build(org["tm1"], dt.date(2026, 3, 3)).items] == ["due soon"]
    assert [i["status"] for i in alerts.digest_build(org["tm1"], dt.date(2026, 3, 4)).items] == ["overdue"]
    (entry,) = alerts.digest_build(org["tm1"], dt.date(2026, 3, 10)).items
    assert entry["working_days"] == -5


def test_the_command_makes_the_days_digests_once(org: dict[str, User]) -> None:
    undecided_referral(org["sw1"])
    out = StringIO()
    call_command("digest", "--day", "2026-03-05", stdout=out)
    assert "made 1 digest, emailed 1" in out.getvalue()
    assert Digest.objects.get().day == dt.date(2026, 3, 5)
    again = StringIO()
    call_command("digest", "--day", "2026-03-05", stdout=again)
    assert "made 0 digests, emailed 0" in again.getvalue()
    with pytest.raises(CommandError, match="does not go with --every"):
        call_command("digest", "--day", "2026-03-05", "--every", "1")


# --- Escalations raised to you, and the page -------------------------------------------------------------------


def test_acknowledging_an_escalation_reads_its_notification(org: dict[str, User]) -> None:
    undecided_referral(org["sw1"])
    escalate_overdue(at(4))
    (escalation,) = Escalation.objects.all()
    with pytest.raises(NotVisible):
        alerts.escalation_acknowledge(actor=org["sw1"], escalation_id=escalation.pk)
    assert [view.escalation for view in alerts.escalations_for(org["tm1"])] == [escalation]
    assert alerts.unread_notifications(org["tm1"], besides=alerts.escalations_for(org["tm1"])) == []
    alerts.escalation_acknowledge(actor=org["tm1"], escalation_id=escalation.pk)
    assert alerts.escalations_for(org["tm1"]) == []
    assert not Notification.objects.filter(user=org["tm1"], read_at__isnull=True).exists()
    assert AuditEvent.objects.filter(object_type="escalation", action="update", actor_username="tm1").count() == 1


def test_the_alerts_page_shows_the_digest_escalations_and_notifications(org: dict[str, User]) -> None:
    case = undecided_referral(org["sw1"], received=timezone.now() - dt.timedelta(days=20))
    escalate_overdue()
    alerts.digests_send()
    client = Client()
    client.force_login(org["tm1"])
    page = client.get("/oversight/alerts/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 overdue" in text
    assert f"/cases/{case.pk}/" in text
    assert "Escalated to you (1)" in text
    assert case.child.family_name not in text  # the digest names cases, not children
    escalation = Escalation.objects.get()
    done = client.post(f"/oversight/alerts/escalations/{escalation.pk}/acknowledge/")
    assert done.status_code == 302
    assert "Escalated to you (0)" in client.get("/oversight/alerts/").content.decode()
    assert AuditEvent.objects.filter(object_type="digest", action="view", actor_username="tm1").count() == 2


@pytest.fixture
def api(live_server: Any) -> Iterator[Api]:
    clients = Api(f"{live_server.url}/api/v1/oversight")
    yield clients
    clients.close()


@pytest.mark.django_db(transaction=True)
def test_the_digest_over_the_api(api: Api, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_organisation()
    sw1 = User.objects.get(username="sw1")
    case = undecided_referral(sw1, received=timezone.now() - dt.timedelta(days=20))
    Case.objects.filter(pk=case.pk).update(lead_practitioner=sw1)
    escalate_overdue()
    alerts.digests_send()
    answer = api("tm1").get("/alerts/digest")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["day"], body["overdue"], body["due_soon"]) == (timezone.localdate().isoformat(), 1, 0)
    key = f"referral:{case.referrals.get().pk}"
    assert [(i["key"], i["case"], i["rule"], i["status"], i["whose"]) for i in body["items"]] == [
        (key, case.pk, RULE, "overdue", "team")
    ]
    assert [(e["key"], e["level"], e["title"]) for e in body["escalations"]] == [(key, 1, "Team manager")]
    assert api("sw1").get("/alerts/digest").json()["items"][0]["whose"] == "yours"
    nothing = api("cse1").get("/alerts/digest")
    assert nothing.status_code == 404
    assert "no digest" in nothing.json()["detail"]


def test_no_child_in_the_digest_is_named_anywhere_in_its_stored_items(org: dict[str, User]) -> None:
    case = undecided_referral(org["sw1"], received=timezone.now() - dt.timedelta(days=20))
    alerts.digests_send()
    stored = str(list(Digest.objects.values_list("items", flat=True)))
    child: Person = case.child
    assert child.family_name not in stored
    assert child.given_name not in stored
