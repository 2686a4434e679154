"""A team manager starts a linkage run from the page and watches it finish, without reloading."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from lantern.people.models import LinkageRun
from tests.browser.casework import Casework
from tests.browser.helpers import assert_accessible, sign_in_to_home, submit, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_run_queued_from_the_page_reports_its_progress_until_done(
    page: Page, casework: Casework, demo_password: str
) -> None:
    sign_in_to_home(page, "tm1", demo_password)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Linkage runs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Linkage runs")
    expect(page.get_by_role("main")).to_contain_text("No run yet.")
    assert_accessible(page)

    submit(page, "Start a linkage run")
    main = page.get_by_role("main")
    expect(main).to_contain_text("queued. This page shows its progress.")
    # Ids come from the database sequence, which earlier tests may have advanced.
    run = LinkageRun.objects.get()
    expect(page.get_by_role("heading", level=2, name=f"Run {run.pk}: queued")).to_be_visible()
    expect(page.get_by_role("progressbar", name=f"Progress of run {run.pk}")).to_be_visible()
    expect(page.get_by_role("button", name="Start a linkage run")).to_be_disabled()
    assert_accessible(page)

    # The real worker takes the queued run; the open page notices by itself.
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    expect(page.get_by_role("heading", level=2, name=f"Run {run.pk}: finished")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Start a linkage run")).to_be_enabled()
    expect(page.get_by_role("table", name="Latest runs")).to_contain_text("Finished")
    assert_accessible(page)


def test_a_practitioner_does_not_see_linkage_runs(page: Page, casework: Casework, demo_password: str) -> None:
    sign_in_to_home(page, "sw1", demo_password)
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Linkage runs")).to_have_count(0)
    assert visit(page, "/people/linkage/").status == 403
    assert_accessible(page)
