from __future__ import annotations

from collections.abc import Hashable

from django.http import HttpRequest
from ninja import Router, Schema

from lantern.access.policy import Action, Category, can, require
from lantern.access.registry import guards
from lantern.locality.suppression import suppress
from lantern.people.selectors import people_count_by_kind
from lantern.web.actor import signed_in_user

router = Router(tags=["overview"])


class OverviewOut(Schema):
    children: int | None
    adults: int | None
    suppressed: list[str]


@router.get("/overview", response=OverviewOut, summary="Borough figures with no person in them")
@guards(Category.AGGREGATE)
def overview(request: HttpRequest) -> OverviewOut:
    actor = signed_in_user(request)
    require(actor, Action.VIEW, Category.AGGREGATE, purpose="borough overview")
    counts = people_count_by_kind()
    figures: dict[Hashable, int | None] = {"children": counts["child"], "adults": counts["adult"]}
    hidden = set() if can(actor, Action.VIEW, Category.SMALL_NUMBERS) else suppress(figures, [])
    shown = {key: None if key in hidden else n for key, n in figures.items()}
    return OverviewOut(children=shown["children"], adults=shown["adults"], suppressed=sorted(map(str, hidden)))
