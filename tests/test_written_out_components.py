"""Our written-out warning callout (templates/macros/callout.html) and back link
(templates/macros/back_link.html) print what the NHS.UK design system's `warningCallout` and
`backLink` macros print, whatever the heading, level, address and text."""
from __future__ import annotations

import re

import pytest
from flask import render_template_string

from tests.conftest import make_app

NHSUK = ('{% from "nhsuk/components/warning-callout/macro.jinja" import warningCallout %}'
         '{% call warningCallout({"heading": heading, "headingLevel": level}) %}<p>{{ body }}</p>{% endcall %}')
OURS = ('{% from "macros/callout.html" import warning_callout %}'
        '{% call warning_callout(heading, level) %}<p>{{ body }}</p>{% endcall %}')


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
