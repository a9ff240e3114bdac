"""Our written-out warning callout (templates/macros/callout.html), back link
(templates/macros/back_link.html) and pager (templates/macros/pagination.html) print what the NHS.UK
design system's `warningCallout`, `backLink` and `pagination` macros print, whatever the heading,
level, address, text and page."""
from __future__ import annotations

import re

import pytest
from flask import render_template_string

from app.pagination import Page
from tests.conftest import make_app

NHSUK = ('{% from "nhsuk/components/warning-callout/macro.jinja" import warningCallout %}'
         '{% call warningCallout({"heading": heading, "headingLevel": level}) %}<p>{{ body }}</p>{% endcall %}')
OURS = ('{% from "macros/callout.html" import warning_callout %}'
        '{% call warning_callout(heading, level) %}<p>{{ body }}</p>{% endcall %}')

# The pager as it was, through the design system's macro: the reference.
DESIGN_SYSTEM_PAGER = """{% from "nhsuk/components/pagination/macro.jinja" import pagination %}
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
OUR_PAGER = """{% from "macros/pagination.html" import pager %}{{ pager(page, endpoint, args, label, param, anchor) }}"""


@pytest.fixture(scope="module")
def templates_app():
    """Templates only: no database is opened."""
    return make_app("sqlite://")


def _tidy(html: str) -> str:
    """The same markup whatever the layout: runs of white space as one, none beside a tag's edges."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+>", ">", html)).strip()


@pytest.mark.parametrize("heading", ["Risks for home visits", "Visit in progress", "Important: read first",
                                     "Something important", "2 overdue visits", "<b>Hostile</b> & \"quoted\""])
@pytest.mark.parametrize("level", [2, 3, 4])
def test_our_callout_prints_the_design_systems_markup(templates_app, heading, level):
    with templates_app.test_request_context():
        values = {"heading": heading, "level": level, "body": "Follow the <lone-working> policy"}
        ours, theirs = render_template_string(OURS, **values), render_template_string(NHSUK, **values)
    assert _tidy(ours) == _tidy(theirs)
    assert "&lt;lone-working&gt;" in ours and "<lone-working>" not in ours
    assert ("nhsuk-u-visually-hidden" in ours) == ("mportant" not in heading)
    if "Hostile" in heading:
        assert "&lt;b&gt;Hostile&lt;/b&gt; &amp;" in ours and "<b>" not in ours


@pytest.mark.parametrize("href,text", [("/caseload/", "Back to caseload"),
                                       ("/people/7?tab=a&b=<c>#needs", "Back to O'Brien & <Sons>'s record"),
                                       ("/admin/", "")])
def test_our_back_link_prints_the_design_systems_markup(templates_app, href, text):
    ours_template = '{% from "macros/back_link.html" import back_link %}{{ back_link(href, text) }}'
    theirs_template = ('{% from "nhsuk/components/back-link/macro.jinja" import backLink %}'
                       '{{ backLink({"href": href, "text": text}) }}')
    with templates_app.test_request_context():
        ours = render_template_string(ours_template, href=href, text=text)
        theirs = render_template_string(theirs_template, href=href, text=text)
    assert _tidy(ours) == _tidy(theirs)
    assert "<c>" not in ours and "<Sons>" not in ours


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
            ours = render_template_string(OUR_PAGER, **values)
            assert _tidy(ours) == _tidy(render_template_string(DESIGN_SYSTEM_PAGER, **values)), f"page {number} of {pages}"
            if pages == 1:
                assert "<nav" not in ours
            else:
                assert f'aria-label="Page {number} of {pages}" aria-current="page"' in ours
                assert ("rel=\"prev\"" in ours) == (number > 1) and ("rel=\"next\"" in ours) == (number < pages)
                if args:
                    assert "q=Smith+%26+%3CJones%3E" in ours and "<Jones>" not in ours and "&#34;pages&#34;" in ours
