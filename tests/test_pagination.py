"""The shared pagination helper: a page of rows, the total from one COUNT, the page links."""
from __future__ import annotations

from hypothesis import given, strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import Practice
from app.pagination import Page, link_args, paginate
from tests import factories
from tests.test_people_query_count import counting_queries


def _page(page: int, pages: int) -> Page:
    return Page(items=[object()], total=pages * 10, page=page, per_page=10, asked_for=page)


def test_numbers_elide_the_middle_of_a_long_list():
    assert _page(6, 20).numbers() == [1, None, 5, 6, 7, None, 20]
    assert _page(1, 20).numbers() == [1, 2, None, 20]
    assert _page(20, 20).numbers() == [1, None, 19, 20]


def test_numbers_draw_a_gap_of_one_page_rather_than_an_ellipsis():
    assert _page(3, 5).numbers() == [1, 2, 3, 4, 5]
    assert _page(4, 7).numbers() == [1, 2, 3, 4, 5, 6, 7]


@given(pages=st.integers(1, 500), data=st.data())
def test_numbers_always_include_first_last_and_current_in_order(pages, data):
    page = data.draw(st.integers(1, pages))
    numbers = _page(page, pages).numbers()
    drawn = [n for n in numbers if n is not None]
    assert drawn == sorted(set(drawn))
    assert {1, page, pages} <= set(drawn)
    assert len(numbers) <= 7  # 1 … p-1 p p+1 … last: short enough for a phone
    for before, after in zip(numbers, numbers[1:]):
        assert not (before is None and after is None)
        if before is not None and after is not None:
            assert after == before + 1
        if after is None:
            # an ellipsis stands for at least two pages
            later = numbers[numbers.index(after, numbers.index(before)) + 1]
            assert later - before >= 3


def _practices(n: int) -> None:
    place = factories.locality()
    for i in range(n):
        db.session.add(Practice(ods_code=f"P{i:05d}", name=f"Practice {i:03d}", locality=place))
    db.session.commit()


def test_paginate_gives_the_page_asked_for_and_the_total(app):
    _practices(23)
    statement = select(Practice).order_by(Practice.name, Practice.id)
    page = paginate(statement, page=2, per_page=10)
    assert [p.name for p in page.items] == [f"Practice {i:03d}" for i in range(10, 20)]
    assert (page.total, page.pages, page.page, page.first_shown, page.last_shown) == (23, 3, 2, 11, 20)
    assert (page.prev_num, page.next_num, page.beyond_end) == (1, 3, False)
    last = paginate(statement, page=3, per_page=10)
    assert [p.name for p in last.items] == ["Practice 020", "Practice 021", "Practice 022"]
    assert (last.has_next, last.next_num, last.last_shown) == (False, None, 23)


def test_paginate_beyond_the_end_gives_the_last_page_flagged(app):
    _practices(23)
    page = paginate(select(Practice).order_by(Practice.name, Practice.id), page=99, per_page=10)
    assert page.page == 3 and page.asked_for == 99 and page.beyond_end
    assert len(page.items) == 3


def test_paginate_an_empty_list_is_one_empty_page_in_one_query(app):
    with counting_queries() as statements:
        page = paginate(select(Practice).order_by(Practice.id), page=4, per_page=10)
    assert (page.items, page.total, page.pages, page.page, page.first_shown) == ([], 0, 1, 1, 0)
    assert len(statements) == 1


def test_paginate_runs_one_count_and_one_page_query(app):
    _practices(30)
    with counting_queries() as statements:
        paginate(select(Practice).order_by(Practice.id), page=2, per_page=10)
    assert len(statements) == 2
    assert "count(" in statements[0].lower()
    assert "limit" in statements[1].lower()


def test_link_args_keep_filters_but_not_the_page_empty_values_or_url_for_keywords():
    args = MultiDict([("status", "received"), ("page", "3"), ("q", ""), ("area", "debt"), ("area", "housing"),
                      ("_external", "1"), ("_anchor", "x"), ("endpoint", "admin.index")])
    assert link_args(args) == {"status": "received", "area": ["debt", "housing"]}
    assert link_args(args, keep=("status",)) == {"status": "received"}


def test_page_arg_reads_garbage_as_page_one(app):
    from app.pagination import page_arg

    for text, expected in (("3", 3), ("abc", 1), ("-2", 1), ("0", 1), ("", 1), ("9" * 40, 1), ("٣", 1)):
        with app.test_request_context(f"/?page={text}"):
            assert page_arg() == expected, text
