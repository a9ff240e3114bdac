"""Our written-out pager (templates/macros/pagination.html) prints what the NHS.UK design
system's `pagination` macro printed for the same page, links and label, on every page of a list."""
from __future__ import annotations

import re

import pytest
from flask import render_template_string

from app.pagination import Page
from tests.conftest import make_app

# The pager as it was, through the design system's macro: the reference.
DESIGN_SYSTEM = """{% from "nhsuk/components/pagination/macro.jinja" import pagination %}
{% macro _href(endpoint, args, param, number, anchor) -%}
  {%- set values = dict(args) %}{% set _ = values.update({param: number}) -%}
  {{ url_for(endpoint, _anchor=anchor, **values) if anchor else url_for(endpoint, **values) }}
{%- endmacro %}
{%- if page.pages > 1 %}
  {%- set items = [] %}
  {%- for number in page.numbers() %}
    {%- if number is none %}{% set _ = items.append({"ellipsis": true}) %}
    {%- else %}{% set _ = items.append({"number": number, "href": _href(endpoint, args, param, number, anchor),
                                       "current": number == page.page, "ariaLabel": "Page " ~ number ~ " of " ~ page.pages}) %}
    {%- endif %}
  {%- endfor %}
  {{ pagination({
    "ariaLabel": label,
    "previous": {"href": _href(endpoint, args, param, page.prev_num, anchor)} if page.has_prev else none,
    "next": {"href": _href(endpoint, args, param, page.next_num, anchor)} if page.has_next else none,
    "items": items
  }) }}
{%- endif %}"""
OURS = """{% from "macros/pagination.html" import pager %}{{ pager(page, endpoint, args, label, param, anchor) }}"""


@pytest.fixture(scope="module")
def templates_app():
    """Templates only: no database is opened."""
    return make_app("sqlite://")


def _tidy(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+>", ">", html)).strip()


@pytest.mark.parametrize("total,per_page", [(10, 25), (60, 25), (1600, 100), (5000, 25)])
@pytest.mark.parametrize("anchor,args,label", [(None, {}, "Caseload pages"),
                                              ("queue", {"sort": "oldest", "q": "Smith & <Jones>"}, "Waiting \"pages\"")])
def test_our_pager_prints_the_design_systems_markup_on_every_page(templates_app, total, per_page, anchor, args, label):
    pages = max(1, -(-total // per_page))
    with templates_app.test_request_context():
        # Every page of a short list; of a long one, each end, the middle and their neighbours.
        numbers = range(1, pages + 1) if pages <= 20 else sorted({1, 2, 3, 4, pages // 2, pages // 2 + 1,
                                                                  pages - 2, pages - 1, pages})
        for number in numbers:
            page = Page(items=[], total=total, page=number, per_page=per_page, asked_for=number)
            values = {"page": page, "endpoint": "triage.index", "args": args, "label": label, "param": "waiting",
                      "anchor": anchor}
            ours = render_template_string(OURS, **values)
            assert _tidy(ours) == _tidy(render_template_string(DESIGN_SYSTEM, **values)), f"page {number} of {pages}"
            if pages == 1:
                assert "<nav" not in ours
            else:
                assert f'aria-label="Page {number} of {pages}" aria-current="page"' in ours
                assert ("rel=\"prev\"" in ours) == (number > 1) and ("rel=\"next\"" in ours) == (number < pages)
                if args:
                    assert "q=Smith+%26+%3CJones%3E" in ours and "<Jones>" not in ours and "&#34;pages&#34;" in ours
