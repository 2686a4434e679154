from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from lantern.access.policy import Category
from lantern.access.registry import guards, no_personal_data
from lantern.accounts import selectors
from lantern.web.actor import signed_in_user

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    agency: str
    role: str


class UserOut(Schema):
    id: int
    username: str
    agency: str
    team: str
    role: str
    is_active: bool


class UserList(Schema):
    items: list[UserOut]
    count: int


@router.get("/me", response=MeOut, summary="Who the token belongs to")
@no_personal_data
def me(request: HttpRequest) -> MeOut:
    user = signed_in_user(request)
    return MeOut(username=user.username, agency=user.agency_code, role=user.role)


@router.get("/users", response=UserList, summary="User accounts (system administrators)")
@guards(Category.USER_ACCOUNT)
def users(request: HttpRequest, limit: int = 100, offset: int = 0) -> UserList:
    found = selectors.user_list(actor=signed_in_user(request))
    page = found[offset : offset + min(limit, 500)]
    return UserList(
        items=[
            UserOut(
                id=u.pk,
                username=u.username,
                agency=u.agency_code,
                team=u.team.name if u.team else "",
                role=u.role,
                is_active=u.is_active,
            )
            for u in page
        ],
        count=found.count(),
    )
