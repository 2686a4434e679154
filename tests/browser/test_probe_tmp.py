import datetime as dt
import pytest
from axe_playwright_python.sync_playwright import Axe
from tests.browser.conftest import sign_in

AXE = Axe()
PAGES = {
    "sw1": ["/", "/people/?q=Testperson", "PERSON", "RECORD", "/people/new/", "NEWPOST", "/audit/my-records/", "/access/agreements/", "/account/", "/account/password/", "/people/00000000-0000-0000-0000-000000000000/"],
    "tm1": ["/overview/", "/access/break-glass/review/"],
    "ig1": ["/audit/"],
    "admin1": ["/manage/users/", "/manage/users/new/"],
    "youth1": ["/overview/"],
    "board1": ["/overview/"],
}

def report(page, label):
    r = AXE.run(page)
    print(f"\n##### {label} {page.url} -> {r.violations_count}")
    if r.violations_count:
        print(r.generate_report())

@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_probe(page, demo_org, demo_password, browser, live_server):
    from lantern.accounts.models import User
    from lantern.people.services import person_create, record_create
    sw1 = User.objects.get(username="sw1")
    p = person_create(actor=sw1, kind="child", given_name="Alpha", family_name="Testperson", date_of_birth=dt.date(2012, 1, 2))
    person_create(actor=sw1, kind="child", given_name="Beta", family_name="Testperson", date_of_birth=dt.date(2013, 1, 2))
    rec = record_create(actor=sw1, person=p, category="agency_record", title="Synthetic test record", summary="Invented.", handling_code="P")
    page.goto("/account/sign-in/"); report(page, "signin")
    page.get_by_role("button", name="Sign in").click(); page.wait_for_load_state(); report(page, "signin-empty")
    page.fill("#id_username", "sw1"); page.fill("#id_password", "nope"); page.get_by_role("button", name="Sign in").click(); page.wait_for_load_state(); report(page, "signin-wrong")
    for user, urls in PAGES.items():
        ctx = browser.new_context(base_url=str(live_server)); pg = ctx.new_page()
        sign_in(pg, user, demo_password) if False else None
        pg.goto("/account/sign-in/"); pg.fill("#id_username", user); pg.fill("#id_password", demo_password); pg.get_by_role("button", name="Sign in").click(); pg.wait_for_load_state()
        report(pg, user + " home")
        pg.screenshot(path=f"/tmp/probe/{user}-home.png", full_page=True)
        for u in urls:
            if u == "PERSON": u = f"/people/{p.pk}/"
            if u == "RECORD": u = f"/records/{rec.pk}/"
            if u == "NEWPOST":
                pg.goto("/people/new/"); pg.get_by_role("button", name="Save").click(); pg.wait_for_load_state(); report(pg, user + " newpost")
                pg.screenshot(path=f"/tmp/probe/newpost.png", full_page=True)
                continue
            resp = pg.goto(u); print("status", resp.status)
            report(pg, user)
        pg.get_by_role("button", name="Sign out").click(); pg.wait_for_load_state(); report(pg, user + " signout")
        ctx.close()
