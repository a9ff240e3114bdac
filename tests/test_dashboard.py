"""The commissioners' outcomes dashboard: who may see it, filters in the URL, suppression on
the page and in every export, the shared cache, methods and the printable report."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import DashboardCache, Episode
from app.security import Role
from tests import factories, snapshot


@pytest.fixture
def service(app):
    """North (practice M81001): 10 people, 3 with housing ticked; South (M82002): 6 people; their
    episodes. Built once per worker and engine, copied after (tests/snapshot.py)."""
    return [db.session.get(Episode, ident) for ident in snapshot.built_once("dashboard-service", _build_service)]


def _build_service() -> list[int]:
    north, south = factories.locality("North"), factories.locality("South")
    p1 = factories.practice("M81001", name="Oak Surgery", locality_=north)
    p2 = factories.practice("M82002", name="Elm Surgery", locality_=south)
    start = date(2024, 1, 8)
    people = []
    for i in range(10):
        needs = ("loneliness", "housing") if i < 3 else ("loneliness",)
        people.append(factories.supported_person(p1, referred_on=start + timedelta(days=i), needs=needs,
                                                 first_contact_on=start + timedelta(days=i + 10)))
    for i in range(6):
        people.append(factories.supported_person(p2, referred_on=start + timedelta(days=i), needs=("debt",)))
    for episode in people:
        factories.activity(episode.person, date(2023, 6, 1), "gp_surgery", 4)
        factories.activity(episode.person, date(2024, 6, 1), "gp_surgery", 3)
    factories.activity(people[0].person, date(2025, 3, 31), "gp_surgery", 1)
    return [episode.id for episode in people]


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_practice_user_and_link_officer_are_refused_the_dashboard(client, sign_in, service):
    for role in (Role.GP_PRACTICE, Role.LINK_OFFICER):
        sign_in.as_role(role)
        for url in ("/dashboard/", "/dashboard/methods", "/dashboard/report", "/dashboard/export/needs.csv"):
            assert client.get(url).status_code == 403, (role, url)
        sign_in.out()


def test_manager_sees_the_caseload_chart_and_a_commissioner_does_not(client, sign_in, service):
    officer = factories.user(Role.LINK_OFFICER, name="Olive Officer")
    service[0].officer = officer
    db.session.commit()
    sign_in.as_role(Role.MANAGER)
    page = text_of(client.get("/dashboard/"))
    assert 'id="chart-caseloads"' in page and "Open caseload per link officer" in page
    assert client.get("/dashboard/export/caseloads.csv").status_code == 200
    sign_in.out()
    sign_in.as_role(Role.COMMISSIONER)
    page = text_of(client.get("/dashboard/"))
    assert "chart-caseloads" not in page and "Olive Officer" not in page
    assert client.get("/dashboard/export/caseloads.csv").status_code == 404


def test_headline_figures_follow_the_locality_filter_in_the_url(client, sign_in, service):
    sign_in.as_role(Role.COMMISSIONER)
    everyone = text_of(client.get("/dashboard/"))
    assert '<span class="hl-headline__value" data-figure="referred">16</span>' in everyone
    north = text_of(client.get("/dashboard/?locality=North"))
    assert '<span class="hl-headline__value" data-figure="referred">10</span>' in north
    assert "All referrals · North" in north
    # The export and report links carry the same filter, so a shared link shows the same view.
    assert "/dashboard/export/needs.csv?locality=North" in north
    assert "/dashboard/report?locality=North" in north
    # GP surgery: 16 people, 64 visits before and 48 after: down 25.0%.
    assert "down 25.0%" in everyone and "64 before, 48 after" in everyone


def test_an_unknown_filter_value_is_ignored_not_an_error(client, sign_in, service):
    sign_in.as_role(Role.COMMISSIONER)
    page = text_of(client.get("/dashboard/?locality=Atlantis&period=1999-77&practice=ZZZ"))
    assert "All referrals" in page and 'data-figure="referred">16<' in page


def test_a_year_outside_the_referrals_stays_chosen_in_the_period_list(client, sign_in, service):
    """A shared link to a financial year with no referrals: the figures are that year's (none), and
    the list shows that year chosen, not "All referrals" over figures that are not all referrals."""
    sign_in.as_role(Role.COMMISSIONER)
    page = text_of(client.get("/dashboard/?period=2015-16"))
    chosen = re.findall(r'<option value="([^"]*)"\s*selected', page)
    assert chosen == ["2015-16"]
    values = re.findall(r'<option value="(all|\d{4}-\d{2})"', page)
    assert values[0] == "all" and values[-1] == "2015-16" and "2023-24" in values
    assert values[1:] == sorted(values[1:], reverse=True), "latest year first"
    assert "Financial year 2015/16" in page and 'data-figure="referred">0<' in page


def test_period_choices_run_from_this_year_back_to_the_first_referral_and_add_a_chosen_year():
    from app.analytics.filters import period_choices

    assert period_choices(date(2026, 3, 31), None) == [("all", "All referrals")]
    assert [v for v, _ in period_choices(date(2026, 4, 1), date(2024, 3, 31))] == [
        "all", "2026-27", "2025-26", "2024-25", "2023-24"]
    assert [v for v, _ in period_choices(date(2026, 4, 1), date(2025, 4, 1), "2030-31")] == [
        "all", "2030-31", "2026-27", "2025-26"]
    assert [v for v, _ in period_choices(date(2026, 4, 1), None, "2019-20")] == ["all", "2019-20"]
    assert period_choices(date(2026, 4, 1), date(2025, 4, 1), "1999-77") == period_choices(
        date(2026, 4, 1), date(2025, 4, 1))
    assert ("2025-26", "Financial year 2025/26") in period_choices(date(2026, 4, 1), date(2025, 4, 1))


def test_a_count_of_three_is_shown_as_suppressed_on_the_page_and_in_the_exports(client, sign_in, service):
    sign_in.as_role(Role.COMMISSIONER)
    page = text_of(client.get("/dashboard/"))
    assert "Small numbers are suppressed" in page
    housing_row = page[page.index(">Housing<"):][:400]
    assert "&lt;5" in housing_row and ">3<" not in housing_row
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/export/needs.csv").get_data().decode("utf-8-sig"))))
    housing = next(row for row in rows if row[0] == "Housing")
    assert housing[2] == "<5" and housing[3] == ""  # its percentage would reveal it too
    loneliness = next(row for row in rows if row[0] == "Loneliness and isolation")
    assert loneliness[2] == "10"  # North's 10 (South ticked debt only)
    sheet = _xlsx_text(client.get("/dashboard/export/needs.xlsx").get_data())
    assert "&lt;5" in sheet or "<5" in sheet
    assert "Counts of people from 1 to 4 are shown as &lt;5" in sheet


def test_charts_do_not_plot_suppressed_cells(client, sign_in, service):
    import json
    import re

    sign_in.as_role(Role.COMMISSIONER)
    page = text_of(client.get("/dashboard/"))
    spec = json.loads(re.search(r'id="chart-data-needs">(.*?)</script>', page, re.S).group(1))
    bars = dict(zip(spec["data"][0]["y"], spec["data"][0]["x"]))
    assert bars["Housing"] is None and bars["Loneliness and isolation"] == 10


def test_every_table_downloads_as_csv_and_xlsx(client, sign_in, service):
    sign_in.as_role(Role.COMMISSIONER)
    for name in ("headline", "referrals_by_month", "needs", "need_pairs", "activity", "savings", "onward_sectors",
                 "onward_organisations", "wellbeing", "waits"):
        response = client.get(f"/dashboard/export/{name}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv", name
        assert "attachment" in response.headers["Content-Disposition"]
        xlsx = client.get(f"/dashboard/export/{name}.xlsx")
        assert zipfile.is_zipfile(io.BytesIO(xlsx.get_data())), name
    assert client.get("/dashboard/export/nothing.csv").status_code == 404
    activity = client.get("/dashboard/export/activity.csv").get_data().decode("utf-8-sig")
    assert "GP surgery consultations,16,64,48,-25.0" in activity


def test_figures_are_cached_in_the_database_and_recomputed_when_records_change(client, sign_in, service):
    sign_in.as_role(Role.COMMISSIONER)
    client.get("/dashboard/")
    client.get("/dashboard/")
    assert db.session.scalar(select(func.count(DashboardCache.key))) == 1
    factories.supported_person(service[0].referral.practice, referred_on=date(2024, 2, 1))
    page = text_of(client.get("/dashboard/"))
    assert 'data-figure="referred">17<' in page and "Records have changed" not in page
    # The newest figures of a view replace its older ones: one row per view, however often records change.
    assert db.session.scalar(select(func.count(DashboardCache.key))) == 1
    client.get("/dashboard/?locality=North")
    assert db.session.scalar(select(func.count(DashboardCache.key))) == 2


def test_after_records_change_the_last_figures_show_at_once_and_new_ones_follow(app, client, sign_in, service):
    from app.analytics import refresh

    app.config["DASHBOARD_BACKGROUND_REFRESH"] = True
    sign_in.as_role(Role.COMMISSIONER)
    first = text_of(client.get("/dashboard/"))  # never computed before: computed while the visitor waits
    assert 'data-figure="referred">16<' in first and "Records have changed" not in first
    factories.supported_person(service[0].referral.practice, referred_on=date(2024, 2, 1))
    page = text_of(client.get("/dashboard/"))
    assert 'data-figure="referred">16<' in page
    assert "Records have changed since these figures were calculated" in page
    report = text_of(client.get("/dashboard/report"))
    assert "Records have changed since these figures were calculated" in report
    assert refresh.wait(timeout=120)
    page = text_of(client.get("/dashboard/"))
    assert 'data-figure="referred">17<' in page and "Records have changed" not in page
    assert db.session.scalar(select(func.count(DashboardCache.key))) == 1


def test_methods_page_explains_windows_exclusions_costs_intervals_and_regression(client, sign_in, service):
    sign_in.as_role(Role.COMMISSIONER)
    page = text_of(client.get("/dashboard/methods"))
    for words in ("12 calendar months", "Who is left out", "regression to the mean", "95% interval",
                  "PSSRU Unit Costs of Health and Social Care 2013", "2012/13", "£45", "£114", "&lt;5",
                  "intervals of their own", "When the figures were calculated"):
        assert words in page, words


def test_printable_report_carries_the_caveats_and_a_print_stylesheet(client, sign_in, service, app):
    sign_in.as_role(Role.COMMISSIONER)
    page = text_of(client.get("/dashboard/report?locality=North"))
    assert "All referrals · North" in page
    assert "Regression to the mean" in page and "PSSRU" in page and "2012/13" in page
    assert "data-hl-print" in page  # static/js/hearthlink.js prints the page on a click
    css = (app.static_folder and open(f"{app.static_folder}/hearthlink.css").read())
    assert "@media print" in css and "@page { size: A4 portrait" in css


def _xlsx_text(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        return "".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))


def test_the_gp_practice_subtotal_has_its_own_interval(client, sign_in, service):
    # Every person: 4 GP surgery consultations before, 3 after, at £45: 16 × £45 = £720 in every resample.
    sign_in.as_role(Role.COMMISSIONER)
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/export/savings.csv").get_data().decode("utf-8-sig"))))
    subtotal = next(row for row in rows if row[0] == "GP practice activity")
    assert [float(v) for v in subtotal[3:6]] == [720.0, 720.0, 720.0]
    assert not any(row[0].startswith("Wider system") for row in rows)  # no hospital activity in these records
    page = text_of(client.get("/dashboard/"))
    gp_card = page[page.index('data-figure="gp_saving"'):][:400]
    assert "95% interval £720 to £720" in gp_card


def test_only_one_app_process_computes_a_view_at_a_time(app):
    from sqlalchemy import text

    from app.analytics import refresh
    from app.analytics.filters import Filters

    key = Filters(locality="North").key()
    if db.engine.dialect.name != "postgresql":
        assert refresh._claimed(key)  # one process on SQLite: nothing to share
        return
    with db.engine.connect() as other, other.begin():  # another app process, computing this view
        other.execute(text("SELECT pg_advisory_xact_lock(:n)"), {"n": refresh.lock_number(key)})
        assert not refresh._claimed(key)
        assert refresh._claimed(Filters(locality="South").key())
        db.session.rollback()
    assert refresh._claimed(key)
    db.session.rollback()


def test_each_chart_summary_is_read_once_as_its_caption_not_again_as_the_image_name(client, sign_in, service):
    sign_in.as_role(Role.COMMISSIONER.value)
    html = client.get("/dashboard/").get_data(as_text=True)
    names = re.findall(r'class="hl-chart" data-chart="[^"]*" role="img" aria-label="([^"]*)"', html)
    captions = re.findall(r'<figcaption[^>]*>([^<]+)</figcaption>', html)
    assert names and captions
    assert all(name.startswith("Chart: ") and name.endswith(", summarised below") for name in names), names
    assert not any(caption.strip() in name for caption in captions for name in names if caption.strip())
