"""Role-aware navigation: each item shows only if `access` would let the user do what it leads to."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from lantern.access.policy import Action, Category, Draft, can, role_of
from lantern.access.roles import PRACTITIONERS, Role

if TYPE_CHECKING:
    from lantern.accounts.models import User


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    description: str
    shown: Callable[[User], bool]


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("Home", "web:home", "What you can do in Lantern.", lambda _user: True),
    NavItem(
        "Find a person",
        "people:search",
        "Search the shared index for a child or adult of concern, by name.",
        lambda u: can(u, Action.SEARCH, Category.PERSON),
    ),
    NavItem(
        "Record a person",
        "people:create",
        "Add a child or adult of concern your agency holds information about.",
        lambda u: can(u, Action.CREATE, Category.PERSON),
    ),
    NavItem(
        "Possible matches",
        "people:reviews",
        "Decide whether records the linkage model was unsure of are the same person.",
        lambda u: can(u, Action.LINK, Category.PERSON),
    ),
    NavItem(
        "Linkage runs",
        "people:linkage",
        "Resolve identities across every agency's records, and watch a run's progress.",
        lambda u: can(u, Action.VIEW, Category.LINKAGE_RUN),
    ),
    NavItem(
        "Cases",
        "cases:my_work",
        "Your statutory casework: what is overdue, due soon and on time, and your notifications.",
        lambda u: can(u, Action.VIEW, Category.CASE),
    ),
    NavItem(
        "CSE screening",
        "screening:tasks",
        "Screenings triggers opened and strategy discussions screenings need, with their due dates.",
        lambda u: can(u, Action.UPDATE, Category.SCREENING),
    ),
    NavItem(
        "Team dashboard",
        "oversight:team",
        "What needs you in the teams you manage: caseloads, overdue work, decisions to sign off, children missing "
        "and break glass to review, each to act on.",
        lambda u: role_of(u) == Role.TEAM_MANAGER,
    ),
    NavItem(
        "Your alerts",
        "oversight:alerts",
        "What is overdue and due soon on your work, work escalated to you, and your notifications.",
        lambda u: role_of(u) in PRACTITIONERS,
    ),
    NavItem(
        "Intelligence",
        "intel:search",
        "Submit soft intelligence, search what you may read, and see what became of what you sent.",
        lambda u: can(u, Action.SEARCH, Category.INTELLIGENCE_EXISTENCE),
    ),
    NavItem(
        "Triage",
        "intel:triage",
        "Grade, link and decide on intelligence from partners and the public: high risk and oldest first.",
        lambda u: can(u, Action.UPDATE, Category.INTELLIGENCE),
    ),
    NavItem(
        "Intelligence requests",
        "intel:requests",
        "Release or refuse other agencies' requests to see your agency's intelligence.",
        lambda u: can(u, Action.SHARE, Category.INTELLIGENCE),
    ),
    NavItem(
        "Network",
        "network:chart",
        "Who and what is linked to a person, phone, vehicle or place; adults linked to several children.",
        lambda u: can(u, Action.VIEW, Category.NETWORK),
    ),
    NavItem(
        "Localities",
        "locality:borough",
        "Each ward's published figures beside Lantern's own counts: a map, trends, and which areas stand out.",
        lambda u: can(u, Action.VIEW, Category.AGGREGATE),
    ),
    NavItem(
        "Partnership dashboard",
        "oversight:board",
        "How the partnership is doing: timeliness under each rule beside England and the region, who shares, "
        "screening levels, training and what practitioners and young people tell the board.",
        lambda u: can(u, Action.VIEW, Category.AGGREGATE),
    ),
    NavItem(
        "Feedback to the board",
        "oversight:feedback_inbox",
        "Read, answer and publish what practitioners and young people tell the partnership board.",
        lambda u: can(u, Action.VIEW, Category.FEEDBACK),
    ),
    NavItem(
        "Have your say",
        "oversight:feedback_new",
        "Tell the partnership board what helps and what gets in the way, with your name or anonymously.",
        lambda u: can(u, Action.CREATE, Category.FEEDBACK),
    ),
    NavItem(
        "CSE training",
        "oversight:training",
        "The CSE courses your role needs, where you stand and when each lapses; a manager's team's gaps.",
        lambda u: can(u, Action.VIEW, Category.TRAINING),
    ),
    NavItem(
        "Team CSE training",
        "oversight:training_team",
        "Your staff's CSE training gaps; record completions, or import them from your learning system.",
        lambda u: can(u, Action.CREATE, Draft(Category.TRAINING, u.agency_id)),
    ),
    NavItem(
        "Overview",
        "web:overview",
        "Figures for the borough, with no person in them.",
        lambda u: can(u, Action.VIEW, Category.AGGREGATE),
    ),
    NavItem(
        "Audit log",
        "audit:search",
        "Search who did what to which record, when and why.",
        lambda u: can(u, Action.SEARCH, Category.AUDIT_LOG),
    ),
    NavItem(
        "Who looked at my records",
        "audit:my_records",
        "See every time someone opened a record you own.",
        lambda u: role_of(u) in PRACTITIONERS,
    ),
    NavItem(
        "Break-glass reviews",
        "access:break_glass_review",
        "Review emergency access your team members opened outside their normal access.",
        lambda u: role_of(u) in {Role.TEAM_MANAGER, Role.INFORMATION_GOVERNANCE},
    ),
    NavItem(
        "Escalation chain",
        "oversight:escalation_chain",
        "Who hears of overdue work, and after how many working days.",
        lambda u: can(u, Action.VIEW, Draft(Category.ESCALATION_CHAIN, u.agency_id)),
    ),
    NavItem(
        "Users",
        "accounts:user_list",
        "Manage user accounts, roles and teams.",
        lambda u: can(u, Action.VIEW, Category.USER_ACCOUNT),
    ),
)


def navigation_for(user: User, current_path: str) -> list[dict[str, object]]:
    """The items the user may use; the one whose address is the longest prefix of the page is current."""
    items: list[dict[str, object]] = [
        {"label": item.label, "url": reverse(item.url_name), "description": item.description, "current": False}
        for item in NAVIGATION
        if item.shown(user)
    ]
    matches = [
        i for i in items if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(str(i["url"])))
    ]
    if matches:
        max(matches, key=lambda i: len(str(i["url"])))["current"] = True
    return items
