"""The directory's search a page at a time: the search kept across pages, beyond the end, and
the same number of queries for a short or a full page."""
from __future__ import annotations

import re

import pytest

from app.security import Role
from app.services import directory_search
from tests import factories
from tests.test_people_query_count import counting_queries


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(directory_search, "PER_PAGE", 3)


def _services(n: int, *, prefix: str = "Walk", need: str = "physical_activity", **kwargs) -> None:
    for i in range(n):
        factories.directory_service(f"{prefix} group {i:02d}", organisation=f"{prefix} org {i:02d}",
                                    need_areas=(need,), **kwargs)


def _shown(html: str) -> list[str]:
    return re.findall(r">((?:Walk|Debt) group \d\d)<", html)


def test_directory_pages_the_search_results_by_name(app, client, sign_in, small_pages):
    _services(7)
    _services(2, prefix="Debt", need="debt")
    sign_in.as_role(Role.LINK_OFFICER)
    html = client.get("/directory/?need=physical_activity&page=2").get_data(as_text=True)
    assert _shown(html) == ["Walk group 03", "Walk group 04", "Walk group 05"]
    assert "Showing 4 to 6 of 7 services (page 2 of 3)" in html
    links = set(re.findall(r'href="(/directory/\?[^"]*page=\d)"', html))
    assert links == {f"/directory/?need=physical_activity&amp;page={n}" for n in (1, 2, 3)}


def test_directory_page_links_keep_the_words_and_filters(app, client, sign_in, small_pages):
    _services(5)
    sign_in.as_role(Role.LINK_OFFICER)
    html = client.get("/directory/?q=walk&need=physical_activity&sector=voluntary&locality=0&_external=1")\
        .get_data(as_text=True)
    assert _shown(html) == ["Walk group 00", "Walk group 01", "Walk group 02"]
    assert 'href="/directory/?q=walk&amp;need=physical_activity&amp;sector=voluntary&amp;locality=0&amp;page=2"' in html
    assert "http://" not in "".join(re.findall(r'href="([^"]*page=\d[^"]*)"', html))


def test_directory_beyond_the_end_and_not_a_number(app, client, sign_in, small_pages):
    _services(4)
    sign_in.as_role(Role.LINK_OFFICER)
    beyond = client.get("/directory/?page=12").get_data(as_text=True)
    assert _shown(beyond) == ["Walk group 03"] and "There are only 2 pages, so this is the last one." in beyond
    for page in ("abc", "-4", "0", "7" * 30):
        response = client.get(f"/directory/?page={page}")
        assert response.status_code == 200, page
        assert _shown(response.get_data(as_text=True)) == ["Walk group 00", "Walk group 01", "Walk group 02"]


def _query_count(client, url: str) -> int:
    with counting_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_directory_runs_the_same_number_of_queries_for_few_or_a_full_page(app, client, sign_in):
    sign_in.as_role(Role.LINK_OFFICER)
    _services(2, schedule="MO 10:00-12:00")
    few = _query_count(client, "/directory/?need=physical_activity")
    _services(25, prefix="Debt", schedule="TU,WE 09:00-17:00")
    many = _query_count(client, "/directory/?need=physical_activity")
    assert few == many
