"""Voice and feedback over the JSON API: a practitioner's feedback to the partnership board (named or anonymous),
the board's inbox and its answers, and the counts partners' reporting tools chart (small numbers suppressed as on
the board dashboard)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from lantern.access.policy import Category
from lantern.access.registry import guards
from lantern.oversight import voice
from lantern.oversight.enums import FeedbackChannel, FeedbackTheme
from lantern.oversight.models import Feedback
from lantern.web.actor import signed_in_user

router = Router()
PAGE, MAX_PAGE = 50, 500


class FeedbackIn(Schema):
    theme: str = Field(description="one of the themes: listened_to, help_quickly, sharing, language, training, "
                       "safe_places, online, other")  # fmt: skip
    text: str
    named: bool = Field(description="true puts your name to it; false sends it with nothing that identifies you")


class SentOut(Schema):
    reference: str
    channel: str
    theme: str
    named: bool


class FeedbackOut(Schema):
    reference: str
    channel: str
    theme: str
    text: str
    submitted_on: dt.date
    author: str | None = Field(description="the author's name and agency, only where they put their name to it")
    response: str
    responded_at: dt.datetime | None
    published: bool


class FeedbackList(Schema):
    items: list[FeedbackOut]
    count: int


class ListParams(Schema):
    theme: str = ""
    channel: str = ""
    answered: bool | None = None
    limit: int = Field(default=PAGE, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


class ResponseIn(Schema):
    response: str
    publish: bool = Field(description="show the answer (never what was said) on the public “You said, we did” page")


class LabelCount(Schema):
    key: str
    label: str
    count: int | str = Field(description='a number, or "c" where a count of 1 to 5 is suppressed')


class MonthCount(Schema):
    month: dt.date
    count: int | str


class SummaryOut(Schema):
    since: dt.date | None
    until: dt.date | None
    received: int | str
    answered: int | str
    published: int | str
    by_channel: list[LabelCount]
    by_theme: list[LabelCount]
    monthly: list[MonthCount]
    suppressed: bool


class SummaryParams(Schema):
    since: dt.date | None = Field(default=None, description="count feedback sent on or after this day")
    until: dt.date | None = Field(default=None, description="and on or before this day")


def _out(feedback: Feedback) -> FeedbackOut:
    author = feedback.submitted_by
    named = None
    if author is not None:
        named = author.get_full_name() or author.username
        named += f", {author.agency.name}" if author.agency else ""
    return FeedbackOut(
        reference=feedback.reference, channel=feedback.channel, theme=feedback.theme, text=feedback.text,
        submitted_on=feedback.submitted_on, author=named, response=feedback.response,
        responded_at=feedback.responded_at, published=feedback.published,
    )  # fmt: skip


@router.get("/feedback", response=FeedbackList, summary="Feedback to the partnership board, newest first (the board)")
@guards(Category.FEEDBACK)
def feedback_list(request: HttpRequest, params: Query[ListParams]) -> FeedbackList:
    rows = voice.feedback_list(actor=signed_in_user(request), theme=params.theme, channel=params.channel,
                               answered=params.answered)  # fmt: skip
    page = rows[params.offset : params.offset + params.limit]
    return FeedbackList(items=[_out(f) for f in page], count=rows.count())


@router.post("/feedback", response={201: SentOut}, summary="Tell the partnership board something, named or anonymously")
@guards(Category.FEEDBACK)
def feedback_send(request: HttpRequest, payload: FeedbackIn) -> Status[SentOut]:
    feedback = voice.feedback_submit(actor=signed_in_user(request), theme=payload.theme, text=payload.text,
                                     named=payload.named)  # fmt: skip
    return Status(201, SentOut(reference=feedback.reference, channel=feedback.channel, theme=feedback.theme,
                               named=feedback.submitted_by_id is not None))  # fmt: skip


@router.post("/feedback/{reference}/response", response=FeedbackOut, summary="The board answers, and publishes or not")
@guards(Category.FEEDBACK)
def feedback_response(request: HttpRequest, reference: str, payload: ResponseIn) -> FeedbackOut:
    actor = signed_in_user(request)
    purpose = "answer feedback to the partnership board"
    feedback = voice.feedback_get(actor=actor, reference=reference, purpose=purpose)
    voice.feedback_respond(actor=actor, feedback=feedback, response=payload.response, publish=payload.publish)
    return _out(feedback)


@router.get("/feedback/summary", response=SummaryOut, summary="Counts of feedback by channel, theme and month")
@guards(Category.AGGREGATE)
def feedback_summary(request: HttpRequest, params: Query[SummaryParams]) -> SummaryOut:
    summary = voice.feedback_summary(actor=signed_in_user(request), since=params.since, until=params.until)
    return SummaryOut(
        since=summary.since, until=summary.until, received=summary.received, answered=summary.answered,
        published=summary.published,
        by_channel=[LabelCount(key=key, label=label, count=n)
                    for key, (label, n) in zip(FeedbackChannel.values, summary.by_channel, strict=True)],
        by_theme=[LabelCount(key=key, label=label, count=n)
                  for key, (label, n) in zip(FeedbackTheme.values, summary.by_theme, strict=True)],
        monthly=[MonthCount(month=month, count=n) for month, n in summary.monthly],
        suppressed=summary.suppressed,
    )  # fmt: skip
