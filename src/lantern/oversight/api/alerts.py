"""Alerts over the JSON API: the caller's digest for today, as the page and the email give it."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from lantern.access.policy import Category
from lantern.access.registry import guards
from lantern.oversight import alerts
from lantern.web.actor import signed_in_user

router = Router()


class DigestWorkOut(Schema):
    key: str = Field(description="stable id of the piece of work, e.g. 'referral:12'")
    case: int
    rule: str = Field(description="the rulebook id that sets the timescale")
    label: str
    due_on: dt.date
    status: Literal["overdue", "due soon"]
    working_days: int = Field(description="working days to the due day: 0 when due today, negative when overdue")
    whose: Literal["yours", "team", "agency"] = Field(
        description="a case you lead, one of your team's, or (a manager of no team) one of your agency's"
    )


class DigestEscalationOut(Schema):
    escalation: int
    case: int | None
    rule: str
    key: str
    level: int
    title: str = Field(description="the level's post in your agency's escalation chain")
    raised_on: dt.date
    label: str


class DigestOut(Schema):
    day: dt.date
    overdue: int
    due_soon: int
    made_at: dt.datetime
    emailed_at: dt.datetime | None
    items: list[DigestWorkOut] = Field(description="overdue first (the longest overdue first), then due soon")
    escalations: list[DigestEscalationOut] = Field(description="escalated to you and not acknowledged when made")


@router.get(
    "/alerts/digest",
    response=DigestOut,
    summary="My digest for today: what is overdue and due soon on my work (a manager's also their team's)",
)
@guards(Category.CASE)
def digest(request: HttpRequest) -> DigestOut:
    view = alerts.digest_for(actor=signed_in_user(request))
    if view is None:
        raise HttpError(404, "Lantern has made no digest for you today: it makes one each morning when your work has "
                        "something overdue, due soon or escalated to you.")  # fmt: skip
    made = view.digest
    return DigestOut(
        day=made.day, overdue=made.overdue, due_soon=made.due_soon, made_at=made.created_at,
        emailed_at=made.emailed_at,
        items=[DigestWorkOut(**asdict(entry)) for entry in [*view.overdue, *view.due_soon]],
        escalations=[DigestEscalationOut(**asdict(entry)) for entry in view.escalations],
    )  # fmt: skip
