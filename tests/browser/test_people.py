"""People and identity in a real browser: a person made of two agencies' records, why the records are one
person (chart and table), what another agency may see, and deciding the pairs the linkage model was unsure of.

axe-core checks every page visited. The people, records and pairs are synthetic, made here with the factories.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from lantern.accounts.models import Agency, User
from lantern.audit.models import AuditEvent
from lantern.people.enums import AliasKind, IdentifierScheme, LinkOrigin, PersonStatus, ReviewStatus
from lantern.people.identity import review_decide
from lantern.people.models import Alias, Identifier, LinkReview, Merge, Person, RecordLink, SourceRecord
from tests.browser.helpers import assert_accessible, path_of, sign_in_to_home, sign_out, submit, visit
from tests.factories import PersonFactory, RecordFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVIEWS_PATH = "/people/reviews/"
CHART_NAME = "Match weight by comparison; the table below has the same numbers"
DECISION = "Are these the same person?"
SAME = "Yes, the same person"
DIFFERENT = "No, different people"
REASON = "Why?"
RECORD_DECISION = "Record decision"

# The linked person: a school record and a health record (health and schools have no sharing agreement).
LINKED_GIVEN, LINKED_FAMILY = "Corinne", "Testlinked"
SCHOOL_TITLE = "Synthetic school concern: missed lessons"
SCHOOL_SUMMARY = "Invented for a browser test: seen leaving school at lunchtime."
HEALTH_TITLE = "Synthetic clinic attendance note"
HEALTH_SUMMARY = "Invented for a browser test: attended a drop-in clinic."
SCHOOL_ALIAS, HEALTH_ALIAS = "Rinny", "Corrie"
UPN, NHS_NUMBER = "A999000000001", "9990000018"
EVIDENCE: list[dict[str, Any]] = [
    {"comparison": "Given name", "level": "Exact match", "weight": 4.2},
    {"comparison": "Date of birth", "level": "Exact match", "weight": 5.1},
    {"comparison": "Postcode", "level": "Different", "weight": -1.2},
]

# The pair to review: a social-care record and a police record that may be the same child.
REVIEW_FAMILY = "Testreview"
CSC_TITLE = "Synthetic social-care referral"
POLICE_TITLE = "Synthetic police missing-person report"
# As a linkage run stores it: comparisons named by the model's columns, which the page must put into words.
REVIEW_EVIDENCE: list[dict[str, Any]] = [
    {"comparison": "family name", "level": "Exact", "weight": 3.4},
    {"comparison": "given name", "level": "Similar spelling", "weight": 1.1},
    {"comparison": "dob", "level": "Same year and month", "weight": -2.5},
    {"comparison": "vrm", "level": "Vehicle registration missing", "weight": 0.0},
]
REVIEW_LABELS = ["Family name", "Given name", "Date of birth", "Vehicle registration"]
# Health and school records no school user may decide on: health shares nothing with schools.
HIDDEN_FAMILY = "Testhidden"


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def make_record(person: Person, code: str, source_id: str, title: str, summary: str, days_ago: int) -> SourceRecord:
    return RecordFactory(
        person=person,
        agency=agency(code),
        source_id=source_id,
        title=title,
        summary=summary,
        handling_code="P",
        dob_year=person.date_of_birth.year if person.date_of_birth else None,
        dob_month=person.date_of_birth.month if person.date_of_birth else None,
        dob_day=person.date_of_birth.day if person.date_of_birth else None,
        recorded_at=timezone.now() - dt.timedelta(days=days_ago),
    )


@dataclass(frozen=True)
class Linked:
    person: Person
    school: SourceRecord
    health: SourceRecord


@pytest.fixture
def linked(demo_org: None) -> Linked:
    """One child known to a school and to health, the two records joined by an automatic link."""
    person = PersonFactory(
        given_name=LINKED_GIVEN, family_name=LINKED_FAMILY, date_of_birth=dt.date(2011, 5, 17),
        owning_agency=agency("school"),
    )  # fmt: skip
    school = make_record(person, "school", "SCH-0001", SCHOOL_TITLE, SCHOOL_SUMMARY, days_ago=2)
    health = make_record(person, "health", "HLT-0001", HEALTH_TITLE, HEALTH_SUMMARY, days_ago=1)
    Alias.objects.create(record=school, name=SCHOOL_ALIAS, kind=AliasKind.NICKNAME)
    Alias.objects.create(record=health, name=HEALTH_ALIAS, kind=AliasKind.DIMINUTIVE)
    Identifier.objects.create(record=school, scheme=IdentifierScheme.UPN, value=UPN)
    Identifier.objects.create(record=health, scheme=IdentifierScheme.NHS_NUMBER, value=NHS_NUMBER)
    RecordLink.objects.create(
        record_a=school, record_b=health, match_probability=0.97, match_weight=8.1, evidence=EVIDENCE,
        origin=LinkOrigin.AUTOMATIC,
    )  # fmt: skip
    return Linked(person=person, school=school, health=health)


@dataclass(frozen=True)
class Pair:
    kept: Person  # the first record's person: the one a merge keeps
    other: Person
    kept_record: SourceRecord
    other_record: SourceRecord
    review: LinkReview
    hidden: LinkReview  # between health and a school: only agencies that see both may decide it


@pytest.fixture
def pair(demo_org: None) -> Pair:
    dob = dt.date(2010, 2, 3)
    kept = PersonFactory(given_name="Dana", family_name=REVIEW_FAMILY, date_of_birth=dob, owning_agency=agency("csc"))
    other = PersonFactory(
        given_name="Danielle", family_name=REVIEW_FAMILY, date_of_birth=dob.replace(day=4),
        owning_agency=agency("police"),
    )  # fmt: skip
    kept_record = make_record(kept, "csc", "CSC-0101", CSC_TITLE, "Invented for a browser test.", days_ago=3)
    other_record = make_record(other, "police", "POL-0101", POLICE_TITLE, "Invented for a browser test.", days_ago=2)
    review = LinkReview.objects.create(
        record_a=kept_record, record_b=other_record, match_probability=0.64, match_weight=0.8,
        evidence=REVIEW_EVIDENCE,
    )  # fmt: skip
    health_person = PersonFactory(given_name="Hana", family_name=HIDDEN_FAMILY, owning_agency=agency("health"))
    school_person = PersonFactory(given_name="Hannah", family_name=HIDDEN_FAMILY, owning_agency=agency("school"))
    hidden = LinkReview.objects.create(
        record_a=make_record(health_person, "health", "HLT-0202", "Synthetic health note", "Invented.", days_ago=5),
        record_b=make_record(school_person, "school", "SCH-0202", "Synthetic school note", "Invented.", days_ago=4),
        match_probability=0.51, match_weight=0.1, evidence=REVIEW_EVIDENCE[:1],
    )  # fmt: skip
    return Pair(
        kept=kept, other=other, kept_record=kept_record, other_record=other_record, review=review, hidden=hidden
    )


def card(page: Page, title: str) -> Locator:
    """The summary card of the record with this title on a person page."""
    return page.locator(".govuk-summary-card").filter(has=page.get_by_role("heading", level=3, name=title))


def number(locator: Locator, attribute: str) -> float:
    value = locator.get_attribute(attribute)
    assert value is not None, f"no {attribute}"
    return float(value)


def expect_error_summary(page: Page, errors: dict[str, str]) -> None:
    """A GOV.UK error summary, focused, linking each message to its field (field id -> message, in order)."""
    assert page.title().startswith("Error: "), page.title()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", level=2)).to_have_text("There is a problem")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_text(list(errors.values()))
    assert [link.get_attribute("href") for link in links.all()] == [f"#{field}" for field in errors]
    for field in errors:
        expect(page.locator(f"#{field}")).to_have_count(1)


def is_focused(locator: Locator) -> bool:
    return bool(locator.evaluate("element => element === document.activeElement"))


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until the target has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(target):
            return
    pytest.fail(f"Tab never reached {target} on {page.url}")


def press_and_wait(page: Page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


# 1. The person page ------------------------------------------------------------------------------------------


def test_person_page_shows_both_agencies_records_and_why_they_are_one_person(
    page: Page, linked: Linked, demo_password: str
) -> None:
    """Social care has agreements with health and schools: one card per record, and the link's evidence."""
    sign_in_to_home(page, "sw1", demo_password)
    visit(page, f"/people/{linked.person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{LINKED_GIVEN} {LINKED_FAMILY}")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=2, name="Records you can see")).to_be_visible()
    expect(page.locator(".govuk-summary-card")).to_have_count(2)

    health, school = card(page, HEALTH_TITLE), card(page, SCHOOL_TITLE)
    expect(health).to_contain_text("Kestrelmoor")
    expect(health).to_contain_text("reference HLT-0001")
    expect(health.get_by_role("definition").filter(has_text=HEALTH_ALIAS)).to_contain_text("Diminutive")
    expect(health).to_contain_text(f"NHS number {NHS_NUMBER}")
    expect(health).not_to_contain_text(SCHOOL_ALIAS)
    expect(school).to_contain_text("reference SCH-0001")
    expect(school).to_contain_text(SCHOOL_ALIAS)
    expect(school).to_contain_text(f"School unique pupil number {UPN}")
    expect(school).to_contain_text("2011-05-17")
    # Newest record first.
    expect(page.locator(".govuk-summary-card__title")).to_have_text([HEALTH_TITLE, SCHOOL_TITLE])

    expect(main.get_by_role("heading", level=2, name="Why these records are one person")).to_be_visible()
    expect(main.get_by_role("heading", level=3, name="school SCH-0001 and health HLT-0001")).to_contain_text(
        "linked automatically"
    )
    expect(main).to_contain_text("Match probability 0.97.")

    chart = page.get_by_role("img", name=CHART_NAME)
    expect(chart).to_have_count(1)
    expect(chart.locator("title")).to_have_text(CHART_NAME)
    labels = [e["comparison"] for e in EVIDENCE]
    expect(chart.locator("text")).to_have_text(labels)

    table = page.get_by_role("table", name="Evidence, comparison by comparison")
    rows = table.locator("tbody tr")
    expect(rows.locator("th")).to_have_text(labels)
    expect(rows.locator("td:nth-of-type(1)")).to_have_text([e["level"] for e in EVIDENCE])
    expect(rows.locator("td:nth-of-type(2)")).to_have_text([f"{e['weight']:.2f}" for e in EVIDENCE])

    # The bars draw the table's numbers: lengths in proportion to the weights, against ones to the left.
    zero = number(chart.locator("line"), "x1")
    bars = chart.locator("rect")
    expect(bars).to_have_count(len(EVIDENCE))
    pairs = list(zip(bars.all(), EVIDENCE, strict=True))
    per_unit = {round(number(bar, "width") / abs(float(e["weight"])), 1) for bar, e in pairs}
    assert len(per_unit) == 1, f"bar lengths are not in proportion to the weights: {per_unit}"
    for bar, e in pairs:
        x, width = number(bar, "x"), number(bar, "width")
        if float(e["weight"]) >= 0:
            assert x == pytest.approx(zero, abs=0.1), f"{e['comparison']} should start at the zero line"
        else:
            assert x + width == pytest.approx(zero, abs=0.1), f"{e['comparison']} should end at the zero line"
    # No bar runs into the labels, and nothing is drawn outside the picture.
    label_ends = chart.locator("text").evaluate_all("texts => texts.map(t => t.getBBox().x + t.getBBox().width)")
    for label_end, bar, e in zip(label_ends, bars.all(), EVIDENCE, strict=True):
        assert label_end <= number(bar, "x"), f"the {e['comparison']!r} bar covers its label"
        assert number(bar, "x") + number(bar, "width") <= float((chart.get_attribute("viewBox") or "").split()[2])
    assert_accessible(page)

    # On a phone-sized screen the chart shrinks to its column instead of making the page scroll sideways.
    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    box = page.get_by_role("img", name=CHART_NAME).bounding_box()
    assert box is not None
    assert 0 < box["width"] <= 320
    assert_accessible(page)


def test_school_sees_only_its_own_record_and_no_evidence(page: Page, linked: Linked, demo_password: str) -> None:
    """Health shares nothing with schools: the school sees the child and its own record, never health's."""
    sign_in_to_home(page, "dsl1", demo_password)
    visit(page, f"/people/{linked.person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{LINKED_GIVEN} {LINKED_FAMILY}")
    main = page.get_by_role("main")
    expect(page.locator(".govuk-summary-card")).to_have_count(1)
    expect(card(page, SCHOOL_TITLE)).to_contain_text(SCHOOL_ALIAS)
    for secret in (HEALTH_TITLE, HEALTH_SUMMARY, HEALTH_ALIAS, NHS_NUMBER, "HLT-0001"):
        expect(main).not_to_contain_text(secret)
    # A link must not reveal the record it joins: no evidence section at all.
    expect(main.get_by_role("heading", name="Why these records are one person")).to_have_count(0)
    expect(page.get_by_role("img", name=CHART_NAME)).to_have_count(0)
    assert_accessible(page)

    # Health's record itself is refused.
    response = visit(page, f"/records/{linked.health.pk}/")
    assert response.status in (403, 404)
    expect(page.get_by_role("main")).not_to_contain_text(HEALTH_SUMMARY)
    assert_accessible(page)


def test_agency_with_no_agreement_cannot_find_the_person(page: Page, linked: Linked, demo_password: str) -> None:
    """Youth services share with neither schools nor health: the person is simply not found."""
    sign_in_to_home(page, "youth1", demo_password)
    response = visit(page, f"/people/{linked.person.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    main = page.get_by_role("main")
    for secret in (LINKED_GIVEN, LINKED_FAMILY, SCHOOL_TITLE, HEALTH_TITLE, SCHOOL_ALIAS, HEALTH_ALIAS):
        expect(main).not_to_contain_text(secret)
    assert_accessible(page)


# 2. The review queue -----------------------------------------------------------------------------------------


def test_review_queue_lists_only_pairs_the_user_may_decide(page: Page, pair: Pair, demo_password: str) -> None:
    LinkReview.objects.create(  # an already-decided pair is not waiting
        record_a=pair.other_record, record_b=pair.hidden.record_b, match_probability=0.55, match_weight=0.2,
        status=ReviewStatus.REJECTED,
    )  # fmt: skip
    sign_in_to_home(page, "sw1", demo_password)
    visit(page, REVIEWS_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible matches to review")
    table = page.get_by_role("table", name="2 waiting")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    # Most likely match first.
    expect(rows.nth(0)).to_contain_text(f"Dana {REVIEW_FAMILY} (csc)")
    expect(rows.nth(0)).to_contain_text(f"Danielle {REVIEW_FAMILY} (police)")
    expect(rows.nth(0).locator("td").nth(2)).to_have_text("0.64")
    expect(rows.nth(1)).to_contain_text(f"Hana {HIDDEN_FAMILY} (health)")
    assert_accessible(page)

    # Each "Decide" link names both records, so a list of links read out of context still tells them apart.
    expect(table.get_by_role("link")).to_have_text(
        [
            f"Decide on Dana {REVIEW_FAMILY} (csc) and Danielle {REVIEW_FAMILY} (police)",
            f"Decide on Hana {HIDDEN_FAMILY} (health) and Hannah {HIDDEN_FAMILY} (school)",
        ]
    )
    rows.nth(0).get_by_role("link", name=re.compile(r"^Decide")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DECISION)
    assert path_of(page) == f"{REVIEWS_PATH}{pair.review.pk}/"
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=2, name="csc record CSC-0101")).to_be_visible()
    expect(main.get_by_role("heading", level=2, name="police record POL-0101")).to_be_visible()
    expect(page.get_by_role("img", name=CHART_NAME)).to_have_count(1)
    expect(page.get_by_role("img", name=CHART_NAME).locator("text")).to_have_text(REVIEW_LABELS)
    evidence = page.get_by_role("table", name="Evidence, comparison by comparison").locator("tbody tr")
    expect(evidence.locator("th")).to_have_text(REVIEW_LABELS)
    expect(evidence.locator("td:nth-of-type(2)")).to_have_text(["3.40", "1.10", "-2.50", "0.00"])
    assert_accessible(page)
    sign_out(page)

    # Social care and the police both share with schools, but health does not: the school is offered the
    # social-care/police pair and not the health/school one.
    sign_in_to_home(page, "dsl1", demo_password)
    visit(page, REVIEWS_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible matches to review")
    rows = page.get_by_role("table", name="1 waiting").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(f"Danielle {REVIEW_FAMILY} (police)")
    expect(page.get_by_role("main")).not_to_contain_text(HIDDEN_FAMILY)
    assert_accessible(page)
    response = visit(page, f"{REVIEWS_PATH}{pair.hidden.pk}/")
    assert response.status == 404
    expect(page.get_by_role("main")).not_to_contain_text(HIDDEN_FAMILY)
    assert_accessible(page)


def test_same_person_needs_a_reason_then_merges(page: Page, pair: Pair, demo_password: str) -> None:
    sign_in_to_home(page, "sw1", demo_password)
    visit(page, f"{REVIEWS_PATH}{pair.review.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(DECISION)
    assert_accessible(page)

    page.get_by_role("group", name=DECISION).get_by_label(SAME, exact=True).check()
    response = submit(page, RECORD_DECISION)
    assert response.status == 200
    expect_error_summary(page, {"id_reason": "Enter the reason for your decision"})
    expect(page.locator("#id_reason-error")).to_contain_text("Enter the reason for your decision")
    assert "id_reason-error" in (page.get_by_label(REASON).get_attribute("aria-describedby") or "").split()
    expect(page.get_by_label(SAME, exact=True)).to_be_checked()  # the answer given is kept
    assert_accessible(page)
    # Nothing changed.
    pair.review.refresh_from_db()
    assert pair.review.status == ReviewStatus.PENDING
    assert Person.objects.get(pk=pair.other.pk).status == PersonStatus.ACTIVE
    assert not Merge.objects.exists()
    assert not AuditEvent.objects.filter(action="merge").exists()

    # The error summary's link takes the user to the field.
    page.locator(".govuk-error-summary").get_by_role("link", name="Enter the reason for your decision").click()
    expect(page.get_by_label(REASON)).to_be_focused()
    reason = "Synthetic check: same school and same address; the police date of birth is a typing error."
    page.get_by_label(REASON).fill(reason)
    submit(page, RECORD_DECISION)
    assert path_of(page) == REVIEWS_PATH
    expect(page.get_by_role("alert")).to_contain_text("Decision recorded.")
    expect(page.get_by_role("main")).not_to_contain_text("Danielle")
    expect(page.get_by_role("table", name="1 waiting")).to_be_visible()
    assert_accessible(page)

    # The kept person now holds both records, and the link says it was accepted on review.
    visit(page, f"/people/{pair.kept.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dana {REVIEW_FAMILY}")
    expect(page.locator(".govuk-summary-card__title")).to_have_text([POLICE_TITLE, CSC_TITLE])
    expect(
        page.get_by_role("main").get_by_role("heading", level=3, name="csc CSC-0101 and police POL-0101")
    ).to_contain_text("accepted on review")
    expect(page.get_by_role("img", name=CHART_NAME)).to_have_count(1)
    assert_accessible(page)

    # The absorbed person's page says where the records went, and offers no changes.
    visit(page, f"/people/{pair.other.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Danielle {REVIEW_FAMILY}")
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("joined into another person")
    expect(page.get_by_role("link", name="Add a record")).to_have_count(0)
    expect(page.get_by_role("link", name="Change details")).to_have_count(0)
    expect(page.locator(".govuk-summary-card")).to_have_count(0)
    assert_accessible(page)
    banner.get_by_role("link", name=f"Dana {REVIEW_FAMILY}").click()
    assert path_of(page) == f"/people/{pair.kept.pk}/"

    # The pair's page now shows the decision, not the form.
    visit(page, f"{REVIEWS_PATH}{pair.review.pk}/")
    expect(page.get_by_role("main")).to_contain_text(f"sw1 decided these are the same person: “{reason}”")
    expect(page.get_by_role("button", name=RECORD_DECISION)).to_have_count(0)
    assert_accessible(page)

    merge = Merge.objects.get()
    assert (merge.kept_id, merge.absorbed_id, merge.reason) == (pair.kept.pk, pair.other.pk, reason)
    assert Person.objects.get(pk=pair.other.pk).status == PersonStatus.MERGED
    event = AuditEvent.objects.get(action="merge")
    assert (event.actor_username, event.object_type, event.object_id) == ("sw1", "person", str(pair.kept.pk))
    assert event.purpose == reason
    sign_out(page)

    # Information governance finds the merge in the audit log.
    sign_in_to_home(page, "ig1", demo_password)
    visit(page, "/audit/?action=merge")
    log = page.get_by_role("main").get_by_role("table")
    expect(log.locator("tbody tr")).to_have_count(1)
    expect(log.locator("tbody tr")).to_contain_text("sw1")
    expect(log.locator("tbody tr")).to_contain_text(str(pair.kept.pk))
    expect(log.locator("tbody tr")).to_contain_text(reason)
    assert_accessible(page)


def test_a_join_is_undone_from_the_person_page(page: Page, pair: Pair, demo_password: str) -> None:
    review_decide(actor=User.objects.get(username="sw1"), review=pair.review, same_person=True,
                  reason="Synthetic check: same school.")  # fmt: skip
    sign_in_to_home(page, "sw1", demo_password)
    visit(page, f"/people/{pair.kept.pk}/")
    page.get_by_role("link", name=re.compile(r"^Undo this join")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Undo a join")
    assert_accessible(page)

    submit(page, "Undo the join")
    expect_error_summary(page, {"id_reason": "Enter the reason these records are not the same person"})
    assert_accessible(page)
    assert Person.objects.get(pk=pair.other.pk).status == PersonStatus.MERGED

    page.get_by_label("Why are these not the same person?").fill("Synthetic check: different NHS numbers.")
    submit(page, "Undo the join")
    assert path_of(page) == f"/people/{pair.kept.pk}/"
    expect(page.get_by_role("alert")).to_contain_text("The join was undone")
    expect(page.locator(".govuk-summary-card__title")).to_have_text([CSC_TITLE])
    assert_accessible(page)
    assert Person.objects.get(pk=pair.other.pk).status == PersonStatus.ACTIVE
    assert Merge.objects.get().undo_reason == "Synthetic check: different NHS numbers."


def test_different_people_leaves_both_persons(page: Page, pair: Pair, demo_password: str) -> None:
    sign_in_to_home(page, "sw1", demo_password)
    visit(page, f"{REVIEWS_PATH}{pair.review.pk}/")
    page.get_by_label(DIFFERENT, exact=True).check()
    reason = "Synthetic check: the dates of birth differ and the schools are different."
    page.get_by_label(REASON).fill(reason)
    submit(page, RECORD_DECISION)
    assert path_of(page) == REVIEWS_PATH
    expect(page.get_by_role("alert")).to_contain_text("Decision recorded.")
    expect(page.get_by_role("table", name="1 waiting")).not_to_contain_text("Danielle")
    assert_accessible(page)

    for person, title in ((pair.kept, CSC_TITLE), (pair.other, POLICE_TITLE)):
        visit(page, f"/people/{person.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(person.display_name)
        expect(page.locator(".govuk-summary-card__title")).to_have_text([title])
        expect(page.get_by_role("main").get_by_role("heading", name="Why these records are one person")).to_have_count(
            0
        )
    assert_accessible(page)

    pair.review.refresh_from_db()
    assert (pair.review.status, pair.review.reason) == (ReviewStatus.REJECTED, reason)
    assert pair.review.decided_by is not None
    assert pair.review.decided_by.username == "sw1"
    assert set(Person.objects.filter(pk__in=[pair.kept.pk, pair.other.pk]).values_list("status", flat=True)) == {
        PersonStatus.ACTIVE
    }
    assert not Merge.objects.exists()
    assert not RecordLink.objects.exists()


def test_unqualified_staff_cannot_open_the_queue(page: Page, pair: Pair, demo_password: str) -> None:
    """Social care assistants see people but may not decide who is who."""
    sign_in_to_home(page, "sw3", demo_password)
    response = visit(page, REVIEWS_PATH)
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
    expect(page.get_by_role("main")).not_to_contain_text(REVIEW_FAMILY)
    assert_accessible(page)


# 3. Keyboard only --------------------------------------------------------------------------------------------


def test_review_decision_with_the_keyboard_only(page: Page, pair: Pair, demo_password: str) -> None:
    sign_in_to_home(page, "sw1", demo_password)
    visit(page, REVIEWS_PATH)
    decide = page.get_by_role("link", name=re.compile(rf"^Decide on Dana {REVIEW_FAMILY}"))
    tab_to(page, decide)
    press_and_wait(page, "Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(DECISION)
    assert_accessible(page)

    # Sending the form empty: the error summary takes the focus; its first link leads to the radios.
    button = page.get_by_role("button", name=RECORD_DECISION)
    tab_to(page, button)
    press_and_wait(page, "Enter")
    expect_error_summary(
        page,
        {
            "id_decision_0": "Select whether these are the same person",
            "id_reason": "Enter the reason for your decision",
        },
    )
    expect(page.get_by_role("group", name=DECISION)).to_have_accessible_description(
        re.compile(r"Error:\s+Select whether these are the same person")
    )
    expect(page.get_by_label(REASON)).to_have_accessible_description(re.compile(r"Error:\s+Enter the reason"))
    assert_accessible(page)
    page.keyboard.press("Tab")
    first_link = page.locator(".govuk-error-summary").get_by_role("link").first
    expect(first_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label(SAME, exact=True)).to_be_focused()

    # Arrow keys choose within the radios; Tab moves on to the reason, then to the button.
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label(DIFFERENT, exact=True)).to_be_focused()
    expect(page.get_by_label(DIFFERENT, exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label(REASON)).to_be_focused()
    page.keyboard.type("Synthetic check by keyboard: different dates of birth.")
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    press_and_wait(page, "Enter")

    assert path_of(page) == REVIEWS_PATH
    expect(page.get_by_role("alert")).to_contain_text("Decision recorded.")
    assert_accessible(page)
    pair.review.refresh_from_db()
    assert pair.review.status == ReviewStatus.REJECTED
    assert pair.review.reason == "Synthetic check by keyboard: different dates of birth."
