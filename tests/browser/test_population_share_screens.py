"""The reach tables' "Local population %" column in a browser: the practice's shares beside its
referrals, no sideways scroll at 320 px. Screenshots: population-reach-1280.png and -320.png."""
from __future__ import annotations

from app.security import Role
from app.services.population import import_shares
from tests import factories
from tests.browser.conftest import SCREENSHOTS, sign_in


def _world():
    practice = factories.practice(ods_code="M87001", name="Canal Street Surgery",
                                  locality_=factories.locality("Brierley Hill"))
    for sex in ["female"] * 8 + ["male"] * 6:
        factories.referral(practice, sex=sex, ethnic_category="A", received_days_ago=20)
    import_shares(by=None, content=b"area,dimension,group,share\nM87001,sex,Female,51.2\nM87001,sex,Male,48.8\n"
                  b"Brierley Hill,ethnic_group,White,91.5\nBrierley Hill,ethnic_group,Asian or Asian British,4.1\n")
    return factories.user(Role.COMMISSIONER)


def test_local_population_column_at_1280_and_320(new_page, live_app):
    commissioner = _world()
    SCREENSHOTS.mkdir(exist_ok=True)
    for width, name in ((1280, "population-reach-1280.png"), (320, "population-reach-320.png")):
        page = new_page({"width": width, "height": 900})
        sign_in(page, commissioner.email, factories.PASSWORD)
        page.goto("/dashboard/?practice=M87001")
        page.wait_for_load_state("networkidle")
        table = page.locator("#table-reach_sex")
        assert "Local population %" in table.inner_text()
        assert "51.2" in table.inner_text()
        if width == 320:
            assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.locator("#who-is-reached").screenshot(path=str(SCREENSHOTS / name))
