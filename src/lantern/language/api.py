"""The language guide over the JSON API: the check (POST text, get suggestions) and the guide's entries.

Everyone signed in may check text and read the guide; only board members change it (`access`, LANGUAGE_GUIDE).
The check is also open to the signed-in page's own script, through the browser session with Django's CSRF check
(`ScriptSession`), so a writer sees better words as they type; agency systems use their bearer token.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.security import SessionAuth

from lantern.access.policy import Action, Category
from lantern.access.registry import guards
from lantern.accounts.middleware import LAST_SEEN
from lantern.language import selectors, services
from lantern.language.models import Phrase
from lantern.language.rules import Suggestion
from lantern.language.schemas import CheckIn, CheckOut, PhraseIn, PhraseList, PhraseOut, PhrasePatch, SuggestionOut
from lantern.web.actor import signed_in_user

router = Router(tags=["language"])

PAGE = 100
MAX_PAGE = 500


class ScriptSession(SessionAuth):
    """A signed-in page's own script: the browser session under the rules every page obeys (two-factor verified
    where required, not idle past the timeout) and Django's CSRF check on anything but a read."""

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None  # no session: answered 401 like a missing token, not as a failed CSRF check
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, _key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if settings.LANTERN_REQUIRE_2FA and not user.is_verified():  # type: ignore[attr-defined]  # set by django-otp middleware
            return None
        last_seen = request.session.get(LAST_SEEN)
        idle_limit = settings.LANTERN_IDLE_TIMEOUT_MINUTES * 60
        if last_seen is not None and time.time() - float(last_seen) > idle_limit:
            return None  # as IdleTimeoutMiddleware decides for pages (which /api/ is exempt from)
        return user


def _suggestion_out(s: Suggestion) -> SuggestionOut:
    return SuggestionOut(
        phrase_id=s.phrase_id, found=s.found, start=s.start, end=s.end, phrase=s.phrase, better=s.better,
        applies_when=s.applies_when, advice=s.advice, explanation=s.explanation, rule=s.rule,
    )  # fmt: skip


def _phrase_out(p: Phrase) -> PhraseOut:
    return PhraseOut(
        id=p.pk, phrase=p.phrase, variants=p.wordings[1:], better=p.better, applies_when=p.applies_when,
        explanation=p.explanation, rule_id=p.rule_id, changed_by=p.changed_by.username if p.changed_by else None,
        changed_at=p.changed_at,
    )  # fmt: skip


@router.post("/check", response=CheckOut, url_name="language_check", summary="Check free text for victim-blaming "
             "language (rule LANG-VICTIM-BLAMING): each match, where it is, and the better phrase")  # fmt: skip
@guards(Category.LANGUAGE_GUIDE)
def check(request: HttpRequest, payload: CheckIn) -> CheckOut:
    found = selectors.check(actor=signed_in_user(request), text=payload.text)
    return CheckOut(items=[_suggestion_out(s) for s in found], count=len(found))


class PageParams(Schema):
    limit: int = Field(default=PAGE, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0)


@router.get("/phrases", response=PhraseList, summary="The language guide: words to avoid and better phrases")
@guards(Category.LANGUAGE_GUIDE)
def phrases(request: HttpRequest, params: Query[PageParams]) -> PhraseList:
    found = selectors.phrase_list(actor=signed_in_user(request))
    page = found[params.offset : params.offset + params.limit]
    return PhraseList(items=[_phrase_out(p) for p in page], count=found.count())


@router.get("/phrases/{int:phrase_id}", response=PhraseOut, summary="One entry of the language guide")
@guards(Category.LANGUAGE_GUIDE)
def phrase(request: HttpRequest, phrase_id: int) -> PhraseOut:
    return _phrase_out(selectors.phrase_get(actor=signed_in_user(request), phrase_id=phrase_id))


@router.post("/phrases", response={201: PhraseOut}, summary="Add to the language guide (board members)")
@guards(Category.LANGUAGE_GUIDE)
def phrase_create(request: HttpRequest, payload: PhraseIn) -> Status[PhraseOut]:
    fields = services.PhraseFields(**{**payload.dict(), "variants": "\n".join(payload.variants)})
    made = services.phrase_create(actor=signed_in_user(request), fields=fields)
    return Status(201, _phrase_out(made))


@router.patch("/phrases/{int:phrase_id}", response=PhraseOut, summary="Change an entry (board members)")
@guards(Category.LANGUAGE_GUIDE)
def phrase_update(request: HttpRequest, phrase_id: int, payload: PhrasePatch) -> PhraseOut:
    actor = signed_in_user(request)
    row = selectors.phrase_for_change(actor=actor, phrase_id=phrase_id, action=Action.UPDATE,
                                      purpose="change the language guide")  # fmt: skip
    current = {name: getattr(row, name) for name in services.FIELDS}
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    if "variants" in changes:
        changes["variants"] = "\n".join(changes["variants"])
    done = services.phrase_update(actor=actor, phrase=row, fields=services.PhraseFields(**{**current, **changes}))
    return _phrase_out(done)


@router.delete("/phrases/{int:phrase_id}", response={204: None}, summary="Remove an entry (board members)")
@guards(Category.LANGUAGE_GUIDE)
def phrase_delete(request: HttpRequest, phrase_id: int) -> Status[None]:
    actor = signed_in_user(request)
    row = selectors.phrase_for_change(actor=actor, phrase_id=phrase_id, action=Action.DELETE,
                                      purpose="remove from the language guide")  # fmt: skip
    services.phrase_delete(actor=actor, phrase=row)
    return Status(204, None)
