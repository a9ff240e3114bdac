"""A commissioner opens the outcomes dashboard, narrows it to a locality, downloads the
figures and opens the printable report for a board paper."""
from __future__ import annotations

from tests.browser.conftest import DESKTOP, SCROLLING_TABLES, TABLET, screenshot, sign_in


def test_commissioner_reads_filters_downloads_and_prints_the_dashboard(live_app, new_page, tmp_path):
    from seed.demo import load

    load(people=120, seed=7)
    page = new_page(DESKTOP)
    sign_in(page, "commissioner@hearthlink.example", "hearthlink-demo")
    page.goto("/dashboard/")
    referred = page.locator('[data-figure="referred"]')
    before = referred.inner_text()
    assert int(before) > 5
    assert page.locator('[data-figure="saving"]').inner_text().startswith(("£", "−£"))
    page.wait_for_function("document.querySelectorAll('.hl-chart .main-svg').length >= 4")
    assert page.locator(".hl-chart .main-svg").count() >= 4
    assert page.get_by_text("Small numbers are suppressed").is_visible()
    screenshot(page, "dashboard-commissioner-1280")

    page.select_option("#locality", "Stourbridge")
    page.click("button:has-text('Apply filters')")
    page.wait_for_load_state()
    assert "locality=Stourbridge" in page.url
    after = page.locator('[data-figure="referred"]').inner_text()
    assert after != before and page.locator("#dashboard-scope").inner_text() == "All referrals · Stourbridge"
    page.wait_for_function("document.querySelectorAll('.hl-chart .main-svg').length >= 4")

    with page.expect_download() as csv_download:
        page.click("text=Download the headline figures: >> a:has-text('CSV')")
    csv_path = tmp_path / "headline.csv"
    csv_download.value.save_as(csv_path)
    text = csv_path.read_text(encoding="utf-8-sig")
    assert text.startswith("Measure,Value,Detail") and f"People referred,{after}" in text
    assert "stourbridge" in csv_download.value.suggested_filename

    page.click("#chart-needs summary")
    with page.expect_download() as xlsx_download:
        page.click("#chart-needs a:has-text('Excel (XLSX)')")
    xlsx_path = tmp_path / "needs.xlsx"
    xlsx_download.value.save_as(xlsx_path)
    assert xlsx_path.read_bytes()[:2] == b"PK"

    page.click("text=Printable report")
    page.wait_for_load_state()
    assert "/dashboard/report?locality=Stourbridge" in page.url
    assert page.get_by_text("Regression to the mean.").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".nhsuk-header").is_visible()
    screenshot(page, "dashboard-report-print")
    page.emulate_media(media="screen")

    tablet = new_page(TABLET)
    sign_in(tablet, "commissioner@hearthlink.example", "hearthlink-demo")
    tablet.goto("/dashboard/")
    tablet.wait_for_function("document.querySelectorAll('.hl-chart .main-svg').length >= 4")
    screenshot(tablet, "dashboard-commissioner-768")


_CHART_AND_BOX = """figure => { const chart = figure.querySelector('.hl-chart');
  return [chart.getBoundingClientRect().height, chart.querySelector('.main-svg').getBoundingClientRect().height]; }"""
_DRAWN_WIDTH = "figure => figure.querySelector('.main-svg').getBoundingClientRect().width"


def _wait_until_drawn(page, figure, test: str) -> None:
    """Wait (up to 5 s) until the chart's drawing is as wide as `test` ("w => w > 800") says."""
    page.wait_for_function(f"figure => ({test})(({_DRAWN_WIDTH})(figure))", arg=figure.element_handle(), timeout=5000)


def test_a_charts_table_opened_on_a_desktop_takes_the_whole_width_and_fits(live_app, new_page):
    """At 1280 px the charts sit two to a row. Each chart's "Show as table", opened, widens its figure
    to the row so its table (up to nine columns) fits without scrolling sideways; the chart is
    redrawn at the new width and keeps its height, and both come back when the table is closed."""
    from seed.demo import load

    load(people=120, seed=7)
    page = new_page(DESKTOP)
    sign_in(page, "commissioner@hearthlink.example", "hearthlink-demo")
    page.goto("/dashboard/")
    page.wait_for_function("[...document.querySelectorAll('.hl-chart')].every(chart => chart.querySelector('.main-svg'))")
    figures = page.locator(".hl-chart-grid > .hl-chart-figure:has(.hl-chart)")
    assert figures.count() >= 8
    for index in range(figures.count()):
        figure = figures.nth(index)
        figure.scroll_into_view_if_needed()  # as a reader scrolls down to it
        half, drawn = figure.bounding_box()["width"], figure.evaluate(_DRAWN_WIDTH)
        chart_height, drawn_height = figure.evaluate(_CHART_AND_BOX)
        assert chart_height == drawn_height
        figure.locator("summary").click()
        _wait_until_drawn(page, figure, f"w => w > {1.9 * drawn}")  # redrawn across the whole row
        assert figure.bounding_box()["width"] > 1.9 * half
        assert page.evaluate(SCROLLING_TABLES) == [], figure.locator("h3").inner_text()
        assert figure.evaluate(_CHART_AND_BOX) == [chart_height, chart_height], figure.locator("h3").inner_text()
        figure.locator("summary").click()
        _wait_until_drawn(page, figure, f"w => w === {drawn}")
        assert figure.bounding_box()["width"] == half
        assert figure.evaluate(_CHART_AND_BOX) == [chart_height, chart_height]
    screenshot(page, "dashboard-table-open-1280")
