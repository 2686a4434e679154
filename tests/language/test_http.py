"""The check over real HTTP: agency systems with a token, the page's own script with the signed-in session and
its CSRF token; and after a save, the next page's banner lists the better phrases while the record keeps exactly
what was written."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from lantern.accounts.middleware import LAST_SEEN
from lantern.accounts.models import Agency, User
from lantern.audit.models import AuditEvent
from lantern.cases import services as case_services
from lantern.cases.models import Contact
from lantern.intel.models import IntelReport
from lantern.language.defaults import seed_defaults
from lantern.language.models import Phrase
from tests.access.test_matrix import Http
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

PROMISCUOUS = "Seen at the chip shop most nights; staff describe her as promiscuous and streetwise."


@pytest.fixture
def seeded(org: dict[str, User]) -> dict[str, User]:
    seed_defaults(Phrase)  # a transactional test empties every table, the migration's seed with them
    return org


@pytest.fixture
def http(live_server: Any, seeded: dict[str, User]) -> Any:
    clients = Http(live_server.url, seeded["sw1"])
    yield clients
    clients.close()


def latest_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_an_agency_system_checks_text_with_its_token(http: Http) -> None:
    before = latest_seq()
    answer = http.api.post("/language/check", json={"text": "He is her Boyfriend, and says it is consensual."})
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 2
    first = body["items"][0]
    assert (first["found"], first["start"], first["end"], first["better"]) == (
        "Boyfriend",
        10,
        19,
        "adult who is exploiting the child",
    )
    assert first["advice"].startswith("If this is an adult who is abusing or exploiting the child, then write")
    assert first["rule"] == "LANG-VICTIM-BLAMING"
    # The text is about a child and is neither stored nor logged; reading the guide holds no personal data.
    assert latest_seq() == before


def test_the_page_script_checks_with_the_session_and_its_csrf_token(http: Http) -> None:
    page = http.ui.get("/language/")
    assert page.status_code == 200
    body = {"text": "She keeps putting herself at risk."}
    refused = http.ui.post("/api/v1/language/check", json=body)
    assert refused.status_code == 403  # a signed-in session without the CSRF token is refused
    answered = http.ui.post("/api/v1/language/check", json=body,
                            headers={"X-CSRFToken": http.ui.cookies["csrftoken"]})  # fmt: skip
    assert answered.status_code == 200
    assert [i["better"] for i in answered.json()["items"]] == ["being exposed to risk by adults"]


def script_check(http: Http) -> httpx.Response:
    headers = {"X-CSRFToken": http.ui.cookies["csrftoken"]}
    return http.ui.post("/api/v1/language/check", json={"text": "streetwise"}, headers=headers)


def test_the_page_script_is_refused_once_the_session_has_been_idle_too_long(http: Http, settings: Any) -> None:
    assert script_check(http).status_code == 200
    session = SessionStore(session_key=http.ui.cookies["sessionid"])
    session[LAST_SEEN] = time.time() - settings.LANTERN_IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    assert script_check(http).status_code == 401


def test_the_page_script_needs_a_session_verified_by_two_factor_where_that_is_required(
    http: Http, settings: Any
) -> None:
    settings.LANTERN_REQUIRE_2FA = True  # sw1 signed in with a password only
    assert script_check(http).status_code == 401
    assert http.api.post("/language/check", json={"text": "streetwise"}).status_code == 200  # tokens are not sessions


def test_nobody_signed_in_is_told_to_authenticate(live_server: Any, seeded: dict[str, User]) -> None:
    with httpx.Client(base_url=live_server.url) as anonymous:
        assert anonymous.post("/api/v1/language/check", json={"text": "promiscuous"}).status_code == 401
        assert anonymous.get("/api/v1/language/phrases").status_code == 401
        guide = anonymous.get("/language/")
        assert guide.status_code == 302
        assert guide.headers["location"].startswith("/account/sign-in/")


def test_text_longer_than_any_box_is_refused(http: Http) -> None:
    assert http.api.post("/language/check", json={"text": "a" * 50_001}).status_code == 422


def test_intelligence_with_promiscuous_is_saved_as_written_and_the_next_page_offers_better_words(http: Http) -> None:
    form = {
        "what": PROMISCUOUS, "occurred_on": timezone.localdate().strftime("%d/%m/%Y"), "location": "Chip shop",
        "knowledge": "seen", "urgency": "soon", "people": "", "vehicles": "", "phones": "", "occurred_time": "",
    }  # fmt: skip
    sent = http.post("/intel/new/", form)
    assert sent.status_code == 302, sent.text[:2000]
    report = IntelReport.objects.get()
    assert report.what == PROMISCUOUS
    shown = http.ui.get(sent.headers["location"])
    banner = shown.text[shown.text.index("govuk-notification-banner") :]
    assert "Saved exactly as you wrote it." in banner
    assert "“promiscuous”: Write “being sexually exploited” instead." in banner
    assert "“streetwise”: Write “a child with unmet needs” instead." in banner


def test_a_case_note_with_promiscuous_is_saved_as_written_and_the_case_offers_better_words(
    http: Http, seeded: dict[str, User]
) -> None:
    child = PersonFactory(owning_agency=Agency.objects.get(code="csc"))
    referral = case_services.referral_record(
        actor=seeded["sw1"], child=child, received_at=timezone.now(), source_kind="police", source_agency=None,
        source_person="DC Test", concerns="Synthetic concerns.",
    )  # fmt: skip
    note = "Mother says her boyfriend is 26 and that she is promiscuous."
    form = {
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "source_kind": "family",
        "source_person": "Mother", "summary": note,
    }  # fmt: skip
    sent = http.post(f"/cases/{referral.case_id}/contact/", form)
    assert sent.status_code == 302, sent.text[:2000]
    assert Contact.objects.get(case_id=referral.case_id).summary == note
    shown = http.ui.get(sent.headers["location"])
    assert "Contact recorded." in shown.text
    assert "“promiscuous”: Write “being sexually exploited” instead." in shown.text
    assert ("“boyfriend”: If this is an adult who is abusing or exploiting the child, then write “adult who is "
            "exploiting the child” instead.") in shown.text  # fmt: skip


def test_a_screening_indicator_with_victim_blaming_words_is_saved_as_written_and_offers_better_words(
    http: Http, seeded: dict[str, User]
) -> None:
    from lantern.screening.models import Indicator

    child = PersonFactory(owning_agency=Agency.objects.get(code="csc"))
    detail = "School says she keeps putting herself at risk with older lads in cars."
    form = {
        "kind": "cars", "observed_on": timezone.localdate().isoformat(), "evidence": "school_record", "detail": detail,
    }  # fmt: skip
    sent = http.post(f"/screening/child/{child.pk}/indicator/", form)
    assert sent.status_code == 302, sent.text[sent.text.find("govuk-error-summary") :][:1500]
    assert Indicator.objects.get(screening__child=child).detail == detail
    shown = http.ui.get(sent.headers["location"])
    assert "Indicator added to the screening." in shown.text
    assert "being exposed to risk by adults" in shown.text


def test_a_save_with_nothing_to_offer_shows_no_language_banner(http: Http) -> None:
    form = {
        "what": "A silver car waits outside the school at 3pm.", "occurred_on": timezone.localdate().isoformat(),
        "location": "School gate", "knowledge": "seen", "urgency": "soon",
    }  # fmt: skip
    sent = http.post("/intel/new/", form)
    assert sent.status_code == 302
    shown = http.ui.get(sent.headers["location"])
    assert "submitted" in shown.text
    assert "Saved exactly as you wrote it." not in shown.text


def test_the_guide_checks_pasted_text_without_the_script(http: Http) -> None:
    found = http.post("/language/", {"text": "Her boyfriend is 30. She is streetwise."})
    assert found.status_code == 200
    result = found.text[found.text.index('id="check-result"') :]
    assert "“boyfriend”: If this is an adult who is abusing or exploiting the child, then write" in result
    assert "“streetwise”: Write “a child with unmet needs” instead." in result
    clean = http.post("/language/", {"text": "She walked home."})
    assert "None of the words in the guide." in clean.text
    empty = http.post("/language/", {"text": ""})
    assert empty.status_code == 422
    assert "There is a problem" in empty.text
    assert "Enter the words to check" in empty.text
