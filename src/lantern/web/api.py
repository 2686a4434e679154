from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from lantern.access.policy import Action, Category, require
from lantern.access.registry import guards
from lantern.people.selectors import people_count_by_kind
from lantern.web.actor import signed_in_user

router = Router(tags=["overview"])


class OverviewOut(Schema):
    children: int
    adults: int


@router.get("/overview", response=OverviewOut, summary="Borough figures with no person in them")
@guards(Category.AGGREGATE)
def overview(request: HttpRequest) -> OverviewOut:
    require(signed_in_user(request), Action.VIEW, Category.AGGREGATE, purpose="borough overview")
    counts = people_count_by_kind()
    return OverviewOut(children=counts["child"], adults=counts["adult"])
