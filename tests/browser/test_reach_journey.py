"""Issue 15's "Done when" in a browser: a practice refers one person with ethnicity and sex given
and another with neither; the manager accepts both; the officer records "no known risks" for one
and a dog for the other, then ends the dog risk; the manager enters a self-referral; the
commissioner's dashboard shows the new counts by group, groups under 5 suppressed, and never a
person's details. Screenshots: the "who is reached" section at 1280 and 320, the printable
report's part."""
from __future__ import annotations

from datetime import date, timedelta

from app.extensions import db
from app.models import DeprivationArea
from app.models.base import uk_today
from app.security import Role
from tests import factories
from tests.browser.conftest import DESKTOP, SCREENSHOTS, TABLET, go, sign_in

PHONE_320 = {"width": 320, "height": 720}
PEOPLE = {"Maureen": ("Hollis", factories.nhs_number(301)), "Stanley": ("Cope", factories.nhs_number(302)),
          "Gloria": ("Okafor", factories.nhs_number(303))}



def _fill_date(page, name: str, day: date) -> None:
    page.fill(f"input[name='{name}-day']", str(day.day))
    page.fill(f"input[name='{name}-month']", str(day.month))
    page.fill(f"input[name='{name}-year']", str(day.year))


def _fill_person(page, given: str, *, postcode: str) -> None:
    family, nhs = PEOPLE[given]
    page.fill("#given_name", given)
    page.fill("#family_name", family)
    _fill_date(page, "date_of_birth", date(1948, 3, 27))
    page.fill("#nhs_number", nhs)
    page.fill("#address", "12 Canal Street\nBrierley Hill")
    page.fill("#postcode", postcode)
    page.fill("#phone", "01384 456789")
    page.check("input[name='contact_method'][value='phone']")
    page.check("input[name='need_areas'][value='loneliness']")
    page.fill("#concerns", "Lonely since moving; sees the GP most weeks.")
    page.check("#consent_to_referral")
    page.check("#consent_to_share")


def _world():
    """Earlier referrals (so some groups reach 5) and the deprivation lookup."""
    db.session.add_all([DeprivationArea(postcode="DY1 1AA", imd_decile=1), DeprivationArea(postcode="DY3 3CC", imd_decile=5),
                        DeprivationArea(postcode="DY5 3AB", imd_decile=3)])
    db.session.commit()
    locality = factories.locality("Brierley Hill")
    practice = factories.practice(ods_code="M87001", name="Canal Street Surgery", locality_=locality)
    for _ in range(8):
        factories.referral(practice, sex="female", ethnic_category="A", postcode="DY1 1AA", received_days_ago=20)
    for _ in range(5):
        factories.referral(practice, sex="male", ethnic_category="A", postcode="DY3 3CC", received_days_ago=20)
    factories.referral(practice, sex="other", ethnic_category="A", postcode="DY1 1AA", received_days_ago=20)
    return {"practice": practice, "gp": factories.user(Role.GP_PRACTICE, practice_=practice),
            "manager": factories.user(Role.MANAGER, name="Maria Kowalski"),
            "officer": factories.user(Role.LINK_OFFICER, name="Olu Adeyemi", locality_=locality),
            "commissioner": factories.user(Role.COMMISSIONER)}


def _table(page, name: str) -> dict[str, list[str]]:
    rows = page.locator(f"#table-{name} tbody tr")
    out = {}
    for i in range(rows.count()):
        cells = [c.strip() for c in rows.nth(i).locator("th, td").all_inner_texts()]
        out[cells[0]] = cells[1:]
    return out


def test_who_is_reached_after_referrals_risks_and_a_self_referral(new_page, live_app):
    world = _world()
    meeting = uk_today() - timedelta(days=1)

    # The practice: Maureen with sex and ethnic group given, Stanley with neither.
    gp = new_page(DESKTOP)
    sign_in(gp, world["gp"].email, factories.PASSWORD)
    gp.goto("/referrals/new")
    _fill_person(gp, "Maureen", postcode="dy5 3ab")
    gp.fill("#referrer_name", "Dr Priya Shah")
    gp.fill("#referrer_role", "GP partner")
    _fill_date(gp, "mdt_meeting_date", meeting)
    gp.click("#equality-detail summary")
    gp.check("input[name='sex'][value='female']")
    gp.select_option("#ethnic_category", "H")
    go(gp, "button:has-text('Send and refer another')")
    assert "Referral for Maureen Hollis sent" in gp.locator(".nhsuk-notification-banner").inner_text()
    _fill_person(gp, "Stanley", postcode="dy5 3ab")
    go(gp, "button:has-text('Send referral')")
    assert gp.locator("h1").inner_text() == "Stanley Cope"

    # The manager accepts both for the officer.
    manager = new_page(DESKTOP)
    sign_in(manager, world["manager"].email, factories.PASSWORD)
    people = {}
    for given in ("Maureen", "Stanley"):
        manager.goto("/triage/")
        go(manager, f"text={given} {PEOPLE[given][0]}")
        option = manager.locator("#accept-officer_id option", has_text="Olu Adeyemi")
        manager.select_option("#accept-officer_id", label=option.inner_text())
        go(manager, "button:has-text('Accept referral')")
        assert "allocated to Olu Adeyemi" in manager.locator(".nhsuk-notification-banner").inner_text()
        from app.models import Person
        db.session.expire_all()
        people[given] = db.session.query(Person).filter_by(nhs_number=PEOPLE[given][1]).one().id

    # The officer: no known risks for Maureen; a dog for Stanley, then the dog risk ended.
    officer = new_page(TABLET)
    sign_in(officer, world["officer"].email, factories.PASSWORD)
    officer.goto(f"/people/{people['Maureen']}")
    go(officer, "#risks a:has-text('Record no known risks')")
    go(officer, "button:has-text('Record no known risks')")
    assert "No known risks (recorded" in officer.locator("#risks").inner_text()
    officer.goto(f"/people/{people['Stanley']}/risks/new")
    officer.check("input[name='risk'][value='dog']")
    officer.fill("#detail", "Large dog; ask for it to be shut away.")
    go(officer, "button:has-text('Add risk')")
    officer.goto(f"/people/{people['Stanley']}")
    go(officer, "#risks a:has-text('End')")
    officer.fill("#reason", "The dog was rehomed.")
    go(officer, "button:has-text('End this risk')")
    assert officer.locator("#risks .nhsuk-card--warning").count() == 0 or \
        "Dog or other animal" not in officer.locator("#risks .nhsuk-card--warning").first.inner_text()

    # The manager enters a self-referral: Gloria gives no sex or ethnic group; her postcode is not in the lookup.
    manager.goto("/referrals/other-source")
    manager.check("input[name='source'][value='self']")
    manager.select_option("#practice_id", label="Canal Street Surgery (M87001)")
    manager.fill("#referrer_name", "Gloria Okafor")
    manager.fill("#referrer_role", "Self")
    _fill_date(manager, "mdt_meeting_date", meeting)
    _fill_person(manager, "Gloria", postcode="B1 1AA")
    go(manager, "button:has-text('Send referral'), button:has-text('Add referral'), form button[type='submit']")
    assert "Referral for Gloria Okafor from" in manager.locator(".nhsuk-notification-banner").inner_text()

    # The commissioner's dashboard: 17 referrals in all, by group, small groups as <5.
    page = new_page(DESKTOP)
    sign_in(page, world["commissioner"].email, factories.PASSWORD)
    page.goto("/dashboard/")
    section = page.locator("#who-is-reached")
    sex = _table(page, "reach_sex")
    # Female 8 earlier + Maureen = 9; male 5; other 1 and not stated 2 (Stanley, Gloria) hidden together.
    assert [sex[g][0] for g in ("Female", "Male", "In another way", "Not stated", "Total")] == ["9", "5", "<5", "<5", "17"]
    ethnic = _table(page, "reach_ethnic_group")
    assert [ethnic[g][0] for g in ("White", "Asian or Asian British", "Black or Black British", "Not stated", "Total")] \
        == ["14", "<5", "0", "<5", "17"]
    imd = _table(page, "reach_imd_quintile")
    # Quintile 1: 9 (DY1 1AA); 2: Maureen and Stanley (decile 3); 3: 5 (decile 5); Gloria's postcode is not held.
    assert [imd[g][0] for g in ("Quintile 1 (most deprived)", "Quintile 2", "Quintile 3", "Postcode not in the lookup", "Total")] \
        == ["9", "<5", "5", "<5", "17"]
    # Accepted: only Maureen and Stanley (quintile 2), so the column is 0 except a hidden 2 and its total.
    assert imd["Quintile 2"][2] == "<5" and imd["Quintile 1 (most deprived)"][2] == "0"
    assert "53%" in section.locator("[data-figure='most-deprived']").inner_text()  # 9 of 17
    text = page.locator("main").inner_text()
    for given, (family, nhs) in PEOPLE.items():
        assert f"{given} {family}" not in text and nhs not in text and family not in text
    assert "B1 1AA" not in text and "DY5 3AB" not in text
    SCREENSHOTS.mkdir(exist_ok=True)
    section.screenshot(path=str(SCREENSHOTS / "reach-section-1280.png"))
    phone = new_page(PHONE_320)  # loaded at 320 px, as a phone would (not resized after drawing)
    sign_in(phone, world["commissioner"].email, factories.PASSWORD)
    phone.goto("/dashboard/")
    phone.wait_for_load_state("networkidle")
    wide = phone.evaluate("""[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 321)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320, wide
    phone.locator("#who-is-reached").screenshot(path=str(SCREENSHOTS / "reach-section-320.png"))

    page.goto("/dashboard/report")
    part = page.locator("#report-reach")
    assert "Who the service reaches" in part.inner_text() and "Maureen" not in page.locator("main").inner_text()
    part.screenshot(path=str(SCREENSHOTS / "reach-report-1280.png"))
    csv = page.request.get("/dashboard/export/reach_sex.csv").text()
    assert "Not stated,<5" in csv and "Female,9" in csv
    assert all(family not in csv for family, _ in PEOPLE.values())
