"""The one access-control module: may this user do this to this thing?

The policy is data (`POLICY`): grants of roles x object categories x actions, each with the conditions
under which it applies. `can`, `require` and `scope` are all derived from that table, so the rule that
filters a search is the rule that guards a record. Anything not granted is denied.

A protected model describes where the facts live, so every decision is one database filter:
- `ACCESS_CATEGORY` (every row's category), or `ACCESS_CATEGORY_FIELD` + `ACCESS_CATEGORIES`;
- `ACCESS_FIELDS`: Condition value -> query paths to the fact, e.g. {"same_agency": ("agency_id",)};
- `ACCESS_BREAK_GLASS`: audit object type -> query path of the id that break glass on it opens;
- `ACCESS_PARENT`: the attribute holding the row a user must see to know this one exists;
- `AUDIT_TYPE` and, optionally, `audit_owner_id` for the audit log.
`Draft` stands for a record not yet created.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lantern.access.models import AccessGrant, BreakGlass
from lantern.access.roles import PRACTITIONERS, QUALIFIED_PRACTITIONERS, Role
from lantern.access.sharing import providers_for
from lantern.audit.services import AuditAction, Outcome, audit_record

if TYPE_CHECKING:
    from lantern.accounts.models import User


class Category(StrEnum):
    PERSON = "person"
    AGENCY_RECORD = "agency_record"
    SEXUAL_HEALTH = "sexual_health"
    AUDIT_LOG = "audit_log"
    AGGREGATE = "aggregate"
    USER_ACCOUNT = "user_account"
    LINKAGE_RUN = "linkage_run"
    INTELLIGENCE = "intelligence"
    INTELLIGENCE_SANITISED = "intelligence_sanitised"
    INTELLIGENCE_EXISTENCE = "intelligence_existence"
    CASE = "case"
    SCREENING = "screening"
    SMALL_NUMBERS = "small_numbers"
    LANGUAGE_GUIDE = "language_guide"
    NETWORK = "network"
    ESCALATION_CHAIN = "escalation_chain"
    TRAINING = "training"
    FEEDBACK = "feedback"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS: Mapping[Category, str] = {
    Category.PERSON: "a person's identity (name, date of birth, which agencies know them)",
    Category.AGENCY_RECORD: "an agency's record about a person",
    Category.SEXUAL_HEALTH: "sexual-health detail (clinic attendance, test results)",
    Category.AUDIT_LOG: "the audit log",
    Category.AGGREGATE: "aggregate figures with no person in them",
    Category.USER_ACCOUNT: "user accounts",
    Category.LINKAGE_RUN: "identity-resolution runs (their progress and counts; never a person)",
    Category.INTELLIGENCE: "an intelligence report in full, with its source",
    Category.INTELLIGENCE_SANITISED: "the sanitised version of an intelligence report (source removed)",
    Category.INTELLIGENCE_EXISTENCE: "the fact that an agency holds graded intelligence, without its content",
    Category.CASE: "a child's statutory case (referrals, meetings, enquiries, assessments, plans, visits)",
    Category.SCREENING: "a child's CSE risk screening (the indicators agencies raised, the level and its reasons)",
    Category.SMALL_NUMBERS: "counts of 1 to 5 in aggregate figures (shown to others as suppressed)",
    Category.LANGUAGE_GUIDE: "the partnership's guide to language that blames children, with better phrases",
    Category.ESCALATION_CHAIN: "an agency's escalation chain (who hears of overdue work, after how many working days)",
    Category.TRAINING: "staff's CSE training records (which course each completed, and when it lapses)",
    Category.FEEDBACK: "feedback to the partnership board from practitioners and young people (the author named "
    "only where they chose to be)",
    Category.NETWORK: "network analysis (links between people, phones, vehicles, places and reports, each shown only "
    "as far as you may see the records behind it)",
}


class Action(StrEnum):
    VIEW = "view"
    SEARCH = "search"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    SHARE = "share"
    EXPORT = "export"
    LINK = "link"  # decide that records are, or are not, the same person (merge and unmerge)


class Condition(StrEnum):
    SAME_AGENCY = "same_agency"
    SHARING_AGREEMENT = "sharing_agreement"
    HANDLING_P = "handling_p"
    ALLOCATED = "allocated"
    STATUTORY_TRIGGER = "statutory_trigger"
    RECORD_OWNER = "record_owner"
    GRANTED = "granted"

    @property
    def label(self) -> str:
        return CONDITION_LABELS[self]


CONDITION_LABELS: Mapping[Condition, str] = {
    Condition.SAME_AGENCY: "your agency holds it",
    Condition.SHARING_AGREEMENT: "an information-sharing agreement in force lets the holding agency share it "
    "with yours",
    Condition.HANDLING_P: "its handling code is P (may be shared)",
    Condition.ALLOCATED: "you are allocated to the child or case",
    Condition.STATUTORY_TRIGGER: "the child is subject to a section 47 enquiry or CSE strategy meeting",
    Condition.RECORD_OWNER: "it is about a record you own",
    Condition.GRANTED: "the agency holding it released it to you, for a time, with a reason",
}


@dataclass(frozen=True)
class Grant:
    roles: frozenset[Role]
    category: Category
    actions: frozenset[Action]
    when: tuple[Condition, ...] = ()


def _grant(roles: Iterable[Role], category: Category, actions: Iterable[Action], *when: Condition) -> Grant:
    return Grant(frozenset(roles), category, frozenset(actions), tuple(when))


_R = Role
_A = Action
_C = Condition
_HEALTH_SHARERS = {_R.SOCIAL_WORKER, _R.TEAM_MANAGER, _R.POLICE_CSE_OFFICER}
_SMALL_NUMBER_READERS = {_R.SOCIAL_WORKER, _R.TEAM_MANAGER, _R.POLICE_CSE_OFFICER, _R.INTELLIGENCE_ANALYST}
_SIGNED_IN = frozenset(_R)

POLICY: tuple[Grant, ...] = (
    # The shared person index: people your agency holds, and people held by agencies sharing with yours.
    _grant(PRACTITIONERS, Category.PERSON, {_A.VIEW, _A.SEARCH}, _C.SAME_AGENCY),
    _grant(PRACTITIONERS, Category.PERSON, {_A.VIEW, _A.SEARCH}, _C.SHARING_AGREEMENT),
    _grant(PRACTITIONERS, Category.PERSON, {_A.CREATE, _A.UPDATE}, _C.SAME_AGENCY),
    # Identity decisions (merge, unmerge, review) by qualified staff who may see the person.
    _grant(QUALIFIED_PRACTITIONERS, Category.PERSON, {_A.LINK}, _C.SAME_AGENCY),
    _grant(QUALIFIED_PRACTITIONERS, Category.PERSON, {_A.LINK}, _C.SHARING_AGREEMENT),
    # Agency records: qualified staff see their agency's; unqualified staff only what they are allocated.
    _grant(QUALIFIED_PRACTITIONERS, Category.AGENCY_RECORD, {_A.VIEW, _A.UPDATE}, _C.SAME_AGENCY),
    _grant({_R.SOCIAL_CARE_ASSISTANT}, Category.AGENCY_RECORD, {_A.VIEW, _A.UPDATE}, _C.SAME_AGENCY, _C.ALLOCATED),
    _grant(PRACTITIONERS, Category.AGENCY_RECORD, {_A.CREATE}, _C.SAME_AGENCY),
    _grant(PRACTITIONERS, Category.AGENCY_RECORD, {_A.VIEW}, _C.SHARING_AGREEMENT, _C.HANDLING_P),
    _grant(PRACTITIONERS, Category.AGENCY_RECORD, {_A.VIEW}, _C.ALLOCATED),
    # Sexual-health detail stays with health unless a s47 enquiry or CSE strategy meeting is under way.
    _grant({_R.SEXUAL_HEALTH_NURSE}, Category.SEXUAL_HEALTH, {_A.VIEW, _A.CREATE, _A.UPDATE}, _C.SAME_AGENCY),
    _grant(_HEALTH_SHARERS, Category.SEXUAL_HEALTH, {_A.VIEW}, _C.SHARING_AGREEMENT, _C.STATUTORY_TRIGGER),
    # The audit log: information governance searches it; everyone sees who looked at what they own.
    _grant({_R.INFORMATION_GOVERNANCE}, Category.AUDIT_LOG, {_A.VIEW, _A.SEARCH}),
    _grant(PRACTITIONERS, Category.AUDIT_LOG, {_A.VIEW}, _C.RECORD_OWNER),
    # Aggregates: the partnership board and every practitioner. Counts of 1 to 5 could point at a child, so only
    # those whose work already names children (social care, police CSE officers and analysts) see them unsuppressed.
    _grant(PRACTITIONERS | {_R.BOARD_MEMBER}, Category.AGGREGATE, {_A.VIEW}),
    _grant(_SMALL_NUMBER_READERS, Category.SMALL_NUMBERS, {_A.VIEW}),
    # Linkage runs re-resolve everyone's identities, so analysts and managers start them; they show counts only.
    _grant({_R.TEAM_MANAGER, _R.INTELLIGENCE_ANALYST}, Category.LINKAGE_RUN, {_A.VIEW, _A.CREATE}),
    # Intelligence. The submitter and their agency read the report in full; analysts read in full what agencies
    # share with theirs, because they triage it. Others see the sanitised version when the handling code is
    # P, or only that the agency holds graded intelligence; the holder may release more to a named person.
    _grant(PRACTITIONERS, Category.INTELLIGENCE, {_A.CREATE}, _C.SAME_AGENCY),
    _grant(QUALIFIED_PRACTITIONERS, Category.INTELLIGENCE, {_A.VIEW}, _C.SAME_AGENCY),
    _grant(PRACTITIONERS, Category.INTELLIGENCE, {_A.VIEW}, _C.RECORD_OWNER),
    _grant(PRACTITIONERS, Category.INTELLIGENCE, {_A.VIEW}, _C.GRANTED),
    _grant({_R.INTELLIGENCE_ANALYST}, Category.INTELLIGENCE, {_A.VIEW, _A.UPDATE}, _C.SAME_AGENCY),
    _grant({_R.INTELLIGENCE_ANALYST}, Category.INTELLIGENCE, {_A.VIEW, _A.UPDATE}, _C.SHARING_AGREEMENT),
    _grant(QUALIFIED_PRACTITIONERS, Category.INTELLIGENCE, {_A.SHARE}, _C.SAME_AGENCY),
    _grant(PRACTITIONERS, Category.INTELLIGENCE_SANITISED, {_A.VIEW}, _C.SAME_AGENCY),
    _grant(PRACTITIONERS, Category.INTELLIGENCE_SANITISED, {_A.VIEW}, _C.SHARING_AGREEMENT, _C.HANDLING_P),
    _grant(PRACTITIONERS, Category.INTELLIGENCE_SANITISED, {_A.VIEW}, _C.GRANTED),
    _grant(PRACTITIONERS, Category.INTELLIGENCE_EXISTENCE, {_A.VIEW}, _C.SAME_AGENCY),
    _grant(PRACTITIONERS, Category.INTELLIGENCE_EXISTENCE, {_A.VIEW}, _C.SHARING_AGREEMENT),
    _grant(PRACTITIONERS, Category.INTELLIGENCE_EXISTENCE, {_A.SEARCH}),
    # Statutory cases. Registered social workers and managers of the holding agency do the casework; assistants
    # contribute to the cases they are allocated. Partners see a case they are allocated to (core group), or
    # one under a s47 enquiry or CSE strategy discussion where an agreement lets the holder share it.
    _grant({_R.SOCIAL_WORKER, _R.TEAM_MANAGER}, Category.CASE, {_A.VIEW, _A.CREATE, _A.UPDATE}, _C.SAME_AGENCY),
    _grant({_R.SOCIAL_CARE_ASSISTANT}, Category.CASE, {_A.VIEW, _A.UPDATE}, _C.SAME_AGENCY, _C.ALLOCATED),
    _grant(PRACTITIONERS, Category.CASE, {_A.VIEW}, _C.ALLOCATED),
    _grant(PRACTITIONERS, Category.CASE, {_A.VIEW}, _C.SHARING_AGREEMENT, _C.STATUTORY_TRIGGER),
    # CSE screening. Any practitioner raises an indicator for a child (their agency holds it; sexual-health
    # indicators fall under SEXUAL_HEALTH instead). Social care leads: its registered social workers and managers
    # decide the level. CSE officers and analysts see a screening an agreement shares; whoever raised an indicator
    # or is allocated to the child sees the result.
    _grant(PRACTITIONERS, Category.SCREENING, {_A.CREATE}, _C.SAME_AGENCY),
    _grant({_R.SOCIAL_WORKER, _R.TEAM_MANAGER}, Category.SCREENING, {_A.VIEW, _A.UPDATE}, _C.SAME_AGENCY),
    _grant(_SMALL_NUMBER_READERS, Category.SCREENING, {_A.VIEW}, _C.SHARING_AGREEMENT),
    _grant(PRACTITIONERS, Category.SCREENING, {_A.VIEW}, _C.ALLOCATED),
    _grant(PRACTITIONERS, Category.SCREENING, {_A.VIEW}, _C.RECORD_OWNER),
    # The language guide holds no personal data: everyone reads it, the partnership board keeps it.
    _grant(_SIGNED_IN, Category.LANGUAGE_GUIDE, {_A.VIEW}),
    _grant({_R.BOARD_MEMBER}, Category.LANGUAGE_GUIDE, {_A.CREATE, _A.UPDATE, _A.DELETE}),
    # Network analysis is for those who work CSE cases and intelligence; every node and link in it is still scoped
    # by the records behind it. Analysts and CSE officers export charts for their own tools; managers and analysts
    # rebuild the graph.
    _grant(_SMALL_NUMBER_READERS, Category.NETWORK, {_A.VIEW}),
    _grant({_R.INTELLIGENCE_ANALYST, _R.POLICE_CSE_OFFICER, _R.TEAM_MANAGER}, Category.NETWORK, {_A.EXPORT}),
    _grant({_R.INTELLIGENCE_ANALYST, _R.TEAM_MANAGER}, Category.NETWORK, {_A.CREATE}),
    # CSE training: staff see their own; a team manager sees and records their agency's staff; system administrators
    # import completions from the agency's learning system. Coverage by agency and role is an aggregate.
    _grant(PRACTITIONERS, Category.TRAINING, {_A.VIEW}, _C.RECORD_OWNER),
    _grant({_R.TEAM_MANAGER}, Category.TRAINING, {_A.VIEW, _A.CREATE}, _C.SAME_AGENCY),
    _grant({_R.SYSTEM_ADMIN}, Category.TRAINING, {_A.CREATE}, _C.SAME_AGENCY),
    # Voice: any practitioner tells the partnership board something, named or anonymously; the board reads it
    # and answers. Young people use the public page, which needs no account and so no grant.
    _grant(PRACTITIONERS, Category.FEEDBACK, {_A.CREATE}),
    _grant({_R.BOARD_MEMBER}, Category.FEEDBACK, {_A.VIEW, _A.UPDATE}),
    # System administrators manage accounts and see no personal data.
    _grant({_R.SYSTEM_ADMIN}, Category.USER_ACCOUNT, {_A.VIEW, _A.CREATE, _A.UPDATE}),
    # Escalation chains name posts and staff, never a child: a system administrator keeps their agency's, and its
    # managers read it, because they are its first levels.
    _grant({_R.SYSTEM_ADMIN}, Category.ESCALATION_CHAIN, {_A.VIEW, _A.CREATE, _A.UPDATE, _A.DELETE}, _C.SAME_AGENCY),
    _grant({_R.TEAM_MANAGER}, Category.ESCALATION_CHAIN, {_A.VIEW}, _C.SAME_AGENCY),
)

BREAK_GLASS_ROLES: frozenset[Role] = PRACTITIONERS
BREAK_GLASS_CATEGORIES: frozenset[Category] = frozenset({Category.PERSON, Category.AGENCY_RECORD})
"""Break glass opens a person and their agency records for viewing; never sexual-health detail."""


@dataclass(frozen=True)
class Draft:
    """A record about to be created, so a create can be checked before anything is written."""

    category: Category
    agency_id: int | None
    parent: Any = None
    AUDIT_TYPE: ClassVar[str] = "draft"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    visible: bool = True
    reason: str = ""
    break_glass_possible: bool = False
    grants: tuple[Grant, ...] = field(default=())


class AccessDenied(Exception):  # noqa: N818 - the domain word, mapped to HTTP 403
    def __init__(self, decision: Decision, category: Category, action: Action, target: Any = None) -> None:
        super().__init__(decision.reason)
        self.decision = decision
        self.category = category
        self.action = action
        self.target = target


class NotVisible(Exception):  # noqa: N818 - the domain word, mapped to HTTP 404
    """The user may not know this exists: answered as 'not found'."""


def role_of(user: User | Any) -> Role | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return Role(user.role)
    except ValueError:
        return None


def grants_for(role: Role | None, category: Category, action: Action) -> tuple[Grant, ...]:
    if role is None:
        return ()
    return tuple(g for g in POLICY if role in g.roles and g.category == category and action in g.actions)


def category_of(target: Any) -> Category:
    if isinstance(target, Category):
        return target
    if isinstance(target, Draft):
        return target.category
    field_name = getattr(target, "ACCESS_CATEGORY_FIELD", None)
    if field_name:
        return Category(getattr(target, field_name))
    return Category(target.ACCESS_CATEGORY)


def _categories_of_model(model: type[models.Model]) -> tuple[Category, ...]:
    if getattr(model, "ACCESS_CATEGORY_FIELD", None):
        return tuple(Category(c) for c in model.ACCESS_CATEGORIES)  # type: ignore[attr-defined]
    return (Category(model.ACCESS_CATEGORY),)  # type: ignore[attr-defined]


def _condition_q(user: User, model: type[models.Model], category: Category, condition: Condition) -> Q:
    paths: tuple[str, ...] = model.ACCESS_FIELDS.get(condition, ())  # type: ignore[attr-defined]
    if not paths:
        return Q(pk__in=[])  # the fact does not exist for this model: the condition never holds
    if condition is Condition.SAME_AGENCY:
        values: Any = user.agency_id
        lookup = ""
    elif condition is Condition.SHARING_AGREEMENT:
        values = sorted(providers_for(recipient_id=user.agency_id, category=category))
        lookup = "__in"
    elif condition is Condition.HANDLING_P:
        values, lookup = "P", ""
    elif condition is Condition.GRANTED:
        object_type: str = model.AUDIT_TYPE  # type: ignore[attr-defined]
        granted = AccessGrant.objects.filter(user=user, object_type=object_type, expires_at__gt=timezone.now())
        values = list(granted.values_list("object_id", flat=True))
        lookup = "__in"
    elif condition in (Condition.ALLOCATED, Condition.RECORD_OWNER):
        values, lookup = user.pk, ""
    else:
        values, lookup = True, ""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{path}{lookup}": values})
    return q


def _break_glass_q(user: User, model: type[models.Model], category: Category) -> Q:
    if category not in BREAK_GLASS_CATEGORIES or role_of(user) not in BREAK_GLASS_ROLES:
        return Q(pk__in=[])
    q = Q(pk__in=[])
    for object_type, path in getattr(model, "ACCESS_BREAK_GLASS", {}).items():
        ids = BreakGlass.objects.filter(user=user, object_type=object_type, expires_at__gt=timezone.now()).values_list(
            "object_id", flat=True
        )
        q |= Q(**{f"{path}__in": list(ids)})
    return q


def _grants_q(user: User, model: type[models.Model], action: Action, *, break_glass: bool) -> Q:
    role = role_of(user)
    category_field = getattr(model, "ACCESS_CATEGORY_FIELD", None)
    total = Q(pk__in=[])
    for category in _categories_of_model(model):
        per_category = Q(pk__in=[])
        for grant in grants_for(role, category, action):
            # Not Q(): OR-ing an empty Q is a no-op in Django, which would drop an unconditional grant.
            q = Q(pk__isnull=False)
            for condition in grant.when:
                q &= _condition_q(user, model, category, condition)
            per_category |= q
        if break_glass and action is Action.VIEW:
            per_category |= _break_glass_q(user, model, category)
        total |= (Q(**{category_field: category.value}) & per_category) if category_field else per_category
    return total


_M = TypeVar("_M", bound=models.Model)


def scope(user: User, queryset: models.QuerySet[_M], action: Action | str = Action.VIEW) -> models.QuerySet[_M]:
    """Filter a queryset to the rows the user may act on; never widens it."""
    model = queryset.model
    allowed = model._default_manager.filter(_grants_q(user, model, Action(action), break_glass=False))
    return queryset.filter(pk__in=allowed.values("pk"))


def scope_filter(user: User, model: type[models.Model], action: Action | str = Action.VIEW, *, through: str = "") -> Q:
    """The condition `scope` applies, as a Q on `model`'s own rows, or on rows of another model that reach it by
    the path `through` (such as ``"report__"``). For large tables where `scope`'s semi-join over the whole table
    is too slow: the database combines this with other indexed conditions (a full-text match) instead. Only for
    models whose access paths are single-valued (no reverse relations), so no row is repeated."""
    q = _grants_q(user, model, Action(action), break_glass=False)
    return _prefixed(q, through) if through else q


def _prefixed(q: Q, prefix: str) -> Q:
    clone = Q()
    clone.connector, clone.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            clone.children.append(_prefixed(child, prefix))
        else:
            lookup, value = child  # type: ignore[misc]
            clone.children.append((f"{prefix}{lookup}", value))
    return clone


ALL_AGENCIES = None
"""``holder_scope``'s answer when a grant needs no condition: a row held by any agency will do."""


def holder_scope(user: User, model: type[models.Model], action: Action | str, *, through: str) -> frozenset[int] | None:
    """The agencies whose holding a row (through the model's access path ``through``, such as
    ``records__agency_id``) is by itself enough for the user to do ``action`` to it; ``ALL_AGENCIES`` when a
    grant has no condition. For indexes that filter by holding agency where a per-row ``scope`` would be too
    slow (person search): every row held by one of these agencies is within ``scope``. Grants that need a
    further fact (allocation, handling code) add nothing: holding alone does not satisfy them."""
    if getattr(model, "ACCESS_CATEGORY_FIELD", None):
        raise ValueError(f"{model.__name__} rows fall under several categories: holding alone is not a scope")
    agencies: set[int] = set()
    for category in _categories_of_model(model):
        for grant in grants_for(role_of(user), category, Action(action)):
            if not grant.when:
                return ALL_AGENCIES
            if len(grant.when) > 1 or through not in model.ACCESS_FIELDS.get(grant.when[0], ()):  # type: ignore[attr-defined]
                continue
            if grant.when[0] is Condition.SAME_AGENCY and user.agency_id is not None:
                agencies.add(user.agency_id)
            elif grant.when[0] is Condition.SHARING_AGREEMENT and user.agency_id is not None:
                agencies |= providers_for(recipient_id=user.agency_id, category=category)
    return frozenset(agencies)


def _draft_fact(user: User, draft: Draft, condition: Condition) -> bool:
    if condition is Condition.SAME_AGENCY:
        return draft.agency_id is not None and draft.agency_id == user.agency_id
    return False


def _allows(user: User, action: Action, target: Any, category: Category) -> bool:
    role = role_of(user)
    if isinstance(target, Category):
        return bool(grants_for(role, category, action))
    if isinstance(target, Draft):
        return any(all(_draft_fact(user, target, c) for c in g.when) for g in grants_for(role, category, action))
    model = type(target)
    q = _grants_q(user, model, action, break_glass=True)
    return bool(model._default_manager.filter(q, pk=target.pk).exists())


def can(user: User, action: Action | str, target: Any) -> bool:
    """May `user` do `action` to `target` (a row, a Draft, or a whole Category)?"""
    return _allows(user, Action(action), target, category_of(target))


def _visible(user: User, target: Any) -> bool:
    """Whether the user may know the target exists: they can view it or the row it belongs to."""
    if isinstance(target, Category):
        return True
    if isinstance(target, Draft):
        return target.parent is None or can(user, Action.VIEW, target.parent)
    if can(user, Action.VIEW, target):
        return True
    parent_attr: str | None = getattr(target, "ACCESS_PARENT", None)
    return parent_attr is not None and can(user, Action.VIEW, getattr(target, parent_attr))


def explain_refusal(role: Role | None, category: Category, action: Action) -> str:
    if role is None:
        return "You need to sign in with a role that may do this."
    grants = grants_for(role, category, action)
    if not grants:
        return f"Your role ({role.label}) cannot {action.value} {category.label}."
    if any(not g.when for g in grants):
        return f"Your role ({role.label}) may {action.value} {category.label}."
    options = [" and ".join(c.label for c in g.when) for g in grants]
    return f"You may {action.value} {category.label} only when " + ", or when ".join(options) + "."


def decide(user: User, action: Action | str, target: Any) -> Decision:
    action = Action(action)
    category = category_of(target)
    role = role_of(user)
    if _allows(user, action, target, category):
        return Decision(allowed=True, grants=grants_for(role, category, action))
    visible = _visible(user, target)
    return Decision(
        allowed=False,
        visible=visible,
        reason=explain_refusal(role, category, action) if visible else "",
        break_glass_possible=(
            visible
            and action is Action.VIEW
            and category in BREAK_GLASS_CATEGORIES
            and role in BREAK_GLASS_ROLES
            and not isinstance(target, Draft | Category)
        ),
    )


def require(user: User, action: Action | str, target: Any, *, purpose: str) -> None:
    """Raise NotVisible (404) or AccessDenied (403) unless allowed; a refusal is audited here.

    Successful reads and writes are audited by the selector or service that performs them, so that one
    request leaves one row. Call this before opening the write transaction, so a refusal is kept.
    """
    decision = decide(user, action, target)
    if decision.allowed:
        return
    category = category_of(target)
    audit_record(
        actor=user,
        action=AuditAction.DENIED,
        target=None if isinstance(target, Category | Draft) else target,
        object_type=category.value if isinstance(target, Category | Draft) else "",
        purpose=purpose,
        outcome=Outcome.DENIED,
        detail={"attempted": Action(action).value, "category": category.value},
    )
    if not decision.visible:
        raise NotVisible
    raise AccessDenied(decision, category, Action(action), target)


def require_row(user: User, action: Action | str, queryset: models.QuerySet[_M], pk: object, *, purpose: str) -> _M:
    """Fetch one row and require `action` on it. A missing row is refused and audited exactly as a row
    the user may not know exists, so the answer never tells the two apart."""
    try:
        row = queryset.filter(pk=pk).first()
    except (ValidationError, ValueError):
        row = None
    if row is None:
        refuse_missing(user, action, queryset.model.AUDIT_TYPE, pk, purpose=purpose)  # type: ignore[attr-defined]
    require(user, action, row, purpose=purpose)
    return row


def refuse_missing(user: User, action: Action | str, object_type: str, pk: object, *, purpose: str) -> NoReturn:
    """Refuse a row that does not exist exactly as one the user may not know exists: audited, then 404."""
    audit_record(
        actor=user,
        action=AuditAction.DENIED,
        object_type=object_type,
        object_id=str(pk)[:64],
        purpose=purpose,
        outcome=Outcome.DENIED,
        detail={"attempted": Action(action).value, "reason": "not found"},
    )
    raise NotVisible
