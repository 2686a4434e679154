"""The CSE training matrix, generated from the policy: every demo user against every member of staff's
completion (read) and every member of staff (record a completion), with the expected answer from `access.can`
on the row or its draft, never written out by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lantern.access.policy import AccessDenied, Action, Category, Draft, can
from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.demo.generator import ensure_organisation
from lantern.oversight.models import TrainingCourse, TrainingRecord
from lantern.oversight.selectors import training_list
from lantern.oversight.services import training_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_training_matrix() -> None:
    ensure_organisation()
    users = list(User.objects.filter(agency__isnull=False).order_by("username"))
    awareness = TrainingCourse.objects.get(code="cse-awareness")
    records = [
        TrainingRecord.objects.create(
            user=u,
            course=awareness,
            completed_on=dt.date(2025, 1, 1),
            lapses_on=dt.date(2028, 1, 1),
            source="imported",
            recorded_by=u,
        )
        for u in users
    ]
    checked = 0
    for reader in users:
        may_list = can(reader, Action.VIEW, Category.TRAINING)
        if not may_list:
            with pytest.raises(AccessDenied):
                training_list(actor=reader)
            continue
        seen = set(training_list(actor=reader).values_list("pk", flat=True))
        expected = {r.pk for r in records if can(reader, Action.VIEW, r)}
        assert seen == expected, reader.username
        # The policy's own reading: staff see only their own; a manager their agency's.
        assert all(r.user.agency_id == reader.agency_id for r in records if r.pk in seen)
        checked += 1
    assert checked >= 8  # every practitioner reads at least their own

    for actor in users:
        for trainee in users:
            allowed = can(actor, Action.CREATE, Draft(Category.TRAINING, trainee.agency_id))
            denied_before = AuditEvent.objects.filter(action="denied").count()
            try:
                training_record(actor=actor, user=trainee, course=awareness, completed_on=dt.date(2025, 6, 1))
            except AccessDenied:
                assert not allowed, (actor.username, trainee.username)
                assert AuditEvent.objects.filter(action="denied").count() == denied_before + 1
            else:
                assert allowed, (actor.username, trainee.username)
                assert actor.agency_id == trainee.agency_id
                assert actor.role in ("team_manager", "system_admin")
