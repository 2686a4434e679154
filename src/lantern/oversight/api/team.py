"""A team manager's dashboard over the JSON API: the same figures as the page, counted the same way, for the
manager's own reporting; anyone who is not a team manager is refused (403)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from lantern.access.policy import Category
from lantern.access.registry import guards
from lantern.oversight import team
from lantern.web.actor import signed_in_user

router = Router()


class CaseloadOut(Schema):
    worker: str
    username: str | None  # None: the cases not allocated
    open_cases: int


class RuleOut(Schema):
    rule: str
    title: str
    overdue: int
    due_soon: int


class TeamDashboardOut(Schema):
    team: str
    caseloads: list[CaseloadOut]
    deadlines: list[RuleOut]
    overdue: int
    due_soon: int
    drift_alerts: int
    nfa_awaiting_sign_off: int
    unqualified_awaiting_authorisation: int
    repeated_reassurances: int
    missing_now: int
    return_interviews_overdue: int
    break_glass_to_review: int
    training_gaps: int


@router.get("/team", response=TeamDashboardOut, summary="A team manager's dashboard: the figures for their teams")
@guards(Category.CASE, Category.TRAINING)
def dashboard(request: HttpRequest) -> TeamDashboardOut:
    board = team.dashboard(actor=signed_in_user(request))
    counts = board.counts
    return TeamDashboardOut(
        team=board.team,
        caseloads=[
            CaseloadOut(worker=load.name, username=load.worker.username if load.worker else None,
                        open_cases=len(load.cases))
            for load in board.caseloads
        ],
        deadlines=[RuleOut(rule=r.rule, title=r.title, overdue=r.overdue, due_soon=r.due_soon)
                   for r in board.deadlines],
        overdue=board.overdue,
        due_soon=board.due_soon,
        drift_alerts=counts["drift"],
        nfa_awaiting_sign_off=counts["nfa"],
        unqualified_awaiting_authorisation=counts["unqualified"],
        repeated_reassurances=counts["reassurances"],
        missing_now=counts["missing"],
        return_interviews_overdue=counts["interviews"],
        break_glass_to_review=counts["break-glass"],
        training_gaps=len(board.training_gaps),
    )  # fmt: skip
