"""Break glass: a reason, a time limit, an audit row, and a place on the manager's review list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from lantern.access.models import BreakGlass
from lantern.access.policy import AccessDenied, Action, can, decide
from lantern.access.services import BreakGlassError, break_glass_open, break_glass_review, break_glass_reviewable
from lantern.accounts.models import Team
from lantern.audit.models import AuditEvent
from tests.factories import AgencyFactory, AgreementFactory, PersonFactory, RecordFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "Child reported missing tonight; police need the last known address now."


@pytest.fixture
def world():
    home = AgencyFactory(code="bg-home")
    other = AgencyFactory(code="bg-other")
    AgreementFactory(provider=other, recipient=home)
    manager = UserFactory(username="bg-tm", agency=home, role="team_manager")
    team = Team.objects.create(agency=home, name="Duty", manager=manager)
    worker = UserFactory(username="bg-sw", agency=home, role="social_worker", team=team)
    person = PersonFactory(owning_agency=other)
    restricted = RecordFactory(person=person, agency=other, handling_code="C")
    health = RecordFactory(person=person, agency=other, category="sexual_health", handling_code="P")
    return {"worker": worker, "manager": manager, "person": person, "restricted": restricted, "health": health}


def test_refusal_offers_break_glass_only_for_known_records(world) -> None:
    decision = decide(world["worker"], Action.VIEW, world["restricted"])
    assert not decision.allowed
    assert decision.visible
    assert decision.break_glass_possible
    assert not decide(world["worker"], Action.VIEW, world["health"]).break_glass_possible


def test_break_glass_opens_for_a_limited_time_and_is_audited(world) -> None:
    worker, record = world["worker"], world["restricted"]
    grant = break_glass_open(actor=worker, target=record, reason=REASON)
    assert can(worker, Action.VIEW, record)
    assert not can(worker, Action.UPDATE, record)
    row = AuditEvent.objects.get(action="break-glass")
    assert (row.actor_username, row.object_id, row.purpose) == ("bg-sw", str(record.pk), REASON)
    BreakGlass.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert not can(worker, Action.VIEW, record)


def test_break_glass_never_opens_sexual_health_detail(world) -> None:
    with pytest.raises(AccessDenied):
        break_glass_open(actor=world["worker"], target=world["health"], reason=REASON)
    break_glass_open(actor=world["worker"], target=world["person"], reason=REASON)
    assert can(world["worker"], Action.VIEW, world["restricted"])  # the person's agency records open...
    assert not can(world["worker"], Action.VIEW, world["health"])  # ...but never sexual-health detail


@pytest.mark.parametrize("reason", ["", "   ", "because"])
def test_break_glass_needs_a_real_reason(world, reason: str) -> None:
    with pytest.raises(BreakGlassError, match="at least 20 characters"):
        break_glass_open(actor=world["worker"], target=world["restricted"], reason=reason)
    assert not BreakGlass.objects.exists()


def test_manager_reviews_it(world) -> None:
    grant = break_glass_open(actor=world["worker"], target=world["restricted"], reason=REASON)
    assert list(break_glass_reviewable(actor=world["manager"])) == [grant]
    with pytest.raises(AccessDenied):
        break_glass_reviewable(actor=world["worker"])
    with pytest.raises(BreakGlassError):
        break_glass_review(actor=world["manager"], event_id=grant.pk, note=" ")
    break_glass_review(actor=world["manager"], event_id=grant.pk, note="Justified: missing episode.")
    grant.refresh_from_db()
    assert grant.reviewer == world["manager"]
    assert grant.reviewed_at is not None


def test_break_glass_through_the_pages(world) -> None:
    client = Client()
    assert client.post("/account/sign-in/", {"username": "bg-sw", "password": "lantern-demo"}).status_code == 302
    refused = client.get(f"/records/{world['restricted'].pk}/")
    assert refused.status_code == 403
    assert "Open in an emergency (break glass)" in refused.content.decode()
    url = f"/access/break-glass/?type=agency_record&id={world['restricted'].pk}"
    short = client.post(url, {"reason": "urgent"})
    assert "There is a problem" in short.content.decode()
    opened = client.post(url, {"reason": REASON})
    assert opened.status_code == 302
    assert client.get(f"/records/{world['restricted'].pk}/").status_code == 200
    manager = Client()
    manager.post("/account/sign-in/", {"username": "bg-tm", "password": "lantern-demo"})
    review = manager.get("/access/break-glass/review/").content.decode()
    assert REASON in review
